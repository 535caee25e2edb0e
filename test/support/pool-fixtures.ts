import { randomInt } from 'node:crypto';
import { putHomeRecords, type HomeItem } from '../../functions/store/homes.ts';

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
