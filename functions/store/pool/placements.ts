import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { HomeItem } from '../../domain/homes.ts';
import type { By, PlacedHome, Placement } from '../../domain/placement-record.ts';
import type { ReasonPlaceChange } from '../../../schemas/codes.ts';
import { dynamo } from '../config.ts';
import { toHome } from '../home-record.ts';
import * as keys from '../keys.ts';
import { placementRecords } from '../placement-record.ts';
import { table, type TransactItem } from './records.ts';

/**
 * Pool allocations are placements (CONTRACT.md): the placement items an allocation's transaction
 * writes, and the update that ends one in the ending transaction. The items themselves are
 * ../placement-record.ts `placementRecords`, the one builder of a placement's items.
 */

/** A stored home as a placement needs it: the HomeItem, with the home's `localAuthority` and `postcode` when it has them. */
export function placedHomeOf(item: Record<string, unknown>): HomeItem & PlacedHome {
  const { localAuthority, postcode } = item;
  return {
    ...toHome(item),
    ...(typeof localAuthority === 'string' ? { localAuthority } : {}),
    ...(typeof postcode === 'string' ? { postcode } : {}),
  };
}

/** The home at `urn` as a placement needs it (undefined when there is none). */
export async function getPlacedHome(urn: string): Promise<(HomeItem & PlacedHome) | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: table(), Key: keys.home(urn) }));
  return Item ? placedHomeOf(Item) : undefined;
}

/** A new placement's items (the placement, and a delivered notice per notice the hub delivered) as transaction Puts, each written once. */
export const putPlacement = (p: Placement): TransactItem[] =>
  placementRecords(p).map((Item) => ({ Put: { TableName: table(), Item, ConditionExpression: 'attribute_not_exists(pk)' } }));

/**
 * Ends an allocation's placement with the allocation (SSDA903 REC `X1`, "the placement changed",
 * and the end's reason as REASON_PLACE_CHANGE), while it stands and is not ended: a placement
 * ended already (through POST /v1/placements/{id}/end) keeps the end it was given.
 */
export function endPlacement(authority: string, placementId: string, endDate: string, reason: ReasonPlaceChange, by: By): TransactItem {
  return {
    Update: {
      TableName: table(),
      Key: keys.placement(authority, placementId),
      UpdateExpression: 'SET #s = :ended, endDate = :end, reasonEpisodeCeased = :rec, reasonPlaceChange = :rpc, #by = :by',
      ConditionExpression: 'attribute_exists(pk) AND #s <> :ended',
      ExpressionAttributeNames: { '#s': 'status', '#by': 'by' },
      ExpressionAttributeValues: { ':ended': 'ended', ':end': endDate, ':rec': 'X1', ':rpc': reason, ':by': by },
    },
  };
}
