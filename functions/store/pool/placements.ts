import { GetCommand } from '../ddb.ts';
import type { HomeItem } from '../../domain/homes.ts';
import type { PlacedHome, Placement } from '../../domain/placement-record.ts';
import { dynamo } from '../config.ts';
import { toHome } from '../home-record.ts';
import * as keys from '../keys.ts';
import { placementRecords } from '../placement-record.ts';
import { table, type TransactItem } from './records.ts';

/**
 * Pool allocations are placements (CONTRACT.md): the placement items an allocation's transaction
 * writes. The items themselves are ../placement-record.ts `placementRecords`, the one builder of
 * a placement's items; ending one is ../placements.ts `placementChange`, as every change of a placement.
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
