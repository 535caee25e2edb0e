import { randomInt } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { putHomeRecords, type HomeItem } from '../../functions/store/homes.ts';
import { config, dynamo } from '../../functions/store/config.ts';
import * as keys from '../../functions/store/keys.ts';
import { queryAll } from '../../functions/store/query.ts';
import type { Placement } from '../../functions/domain/placement-record.ts';

/**
 * Homes for the pool's tests, written straight to the store as HomeItems (the homes routes are
 * another feature's) through the one home-record builder, so their owners list them too.
 */
const used = new Set<string>();

/** A fresh, real-looking Ofsted URN (SC + 6 digits), random so test files do not collide. */
export function testUrn(): string {
  let urn: string;
  do urn = `SC${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
  while (used.has(urn));
  used.add(urn);
  return urn;
}

export async function putHome(over: Partial<HomeItem> = {}): Promise<HomeItem> {
  const urn = over.urn ?? testUrn();
  const home: HomeItem = {
    urn,
    name: `Test Home ${urn}`,
    owner: 'provider:harbour-care',
    provider: { id: 'harbour-care', name: 'Harbour Care Ltd', group: 'Harbour Care Group' },
    placementType: 'K2',
    outcode: 'CM1',
    authority: 'essex',
    registeredPlaces: 4,
    ofstedRating: 'good',
    ageRange: { min: 10, max: 17 },
    sexes: ['female', 'male'],
    supports: [],
    excludes: [],
    careAlongside: 'group',
    weeklyPrice: 6000,
    version: 1,
    updatedAt: new Date().toISOString(),
    ...over,
  };
  await putHomeRecords([home]);
  return home;
}

/**
 * The placements (read from the store: the placements routes are another feature's) whose
 * `allocationId` is one of `allocationIds`, among the given authorities' placements.
 */
export async function placementsOfAllocations(authorities: readonly string[], allocationIds: ReadonlySet<string>): Promise<Placement[]> {
  const found: Placement[] = [];
  for (const authority of authorities) {
    const { pk, skPrefix } = keys.placementsOf(authority);
    const items = await queryAll({
      TableName: config.tableName,
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': pk, ':s': skPrefix },
    });
    found.push(...(items as unknown as Placement[]).filter((p) => p.allocationId !== undefined && allocationIds.has(p.allocationId)));
  }
  return found;
}

/** One placement as stored, by its authority and id (undefined when there is none). */
export async function storedPlacement(authority: string, id: string): Promise<Placement | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.placement(authority, id), ConsistentRead: true }));
  return Item as Placement | undefined;
}
