import { newPlacement, type NewPlacement, type PlacedHome, type Placement } from '../../functions/domain/placement-record.ts';
import type { AuthoritySlug } from '../../functions/domain/reference/authorities.ts';
import { createPlacement, newNoticeId, newPlacementId } from '../../functions/store/placements.ts';
import { testUrn } from './pool-fixtures.ts';

/**
 * Placements for tests, made as an accepted offer or a pool allocation makes them — the domain's
 * `newPlacement` — and written through the store's `createPlacement` (the one builder of their
 * items), so every reader sees them as it would a real one.
 */

/** Homes by where they lie, for a placing authority in Essex: in area, adjoining (Suffolk, one of the 11), at a distance outside the 11 (Westminster). */
export const HOMES = {
  essex: { outcode: 'CM2', localAuthority: 'E10000012', postcode: 'CM2 0PJ' },
  suffolk: { outcode: 'IP1', localAuthority: 'E10000029', postcode: 'IP1 2AA' },
  hertfordshire: { outcode: 'SG1', localAuthority: 'E10000015', postcode: 'SG1 1AA' },
  westminster: { outcode: 'SW1A', postcode: 'SW1A 1AA' },
} as const satisfies Record<string, Partial<PlacedHome>>;

export interface PlacementFixture {
  authority?: AuthoritySlug;
  /** Where the home is and who owns it (HOMES.essex, in area, when not given). */
  home?: Partial<PlacedHome>;
  child?: Partial<NewPlacement['child']>;
  startDate?: string;
  referralId?: string;
  allocationId?: string;
  emergencyPool?: boolean;
  now?: Date;
}

export function placementOf(f: PlacementFixture = {}): Placement {
  const authority = f.authority ?? 'essex';
  const now = f.now ?? new Date();
  const urn = testUrn();
  return newPlacement({
    id: newPlacementId(authority, now.getTime()),
    noticeId: newNoticeId(now.getTime()),
    authority,
    child: { childRef: `T-${urn}`, age: 14, sex: 'female', needs: ['self-harm'], homeOutcode: 'CM1', urgency: 'planned', ...f.child },
    home: {
      urn,
      name: `Test Home ${urn}`,
      owner: 'provider:harbour-care',
      provider: { id: 'harbour-care', name: 'Harbour Care Ltd' },
      placementType: 'K2',
      sector: 'private',
      ...(f.home ?? HOMES.essex),
    },
    startDate: f.startDate ?? now.toISOString().slice(0, 10),
    weeklyCost: 5963.5,
    ...(f.referralId ? { referralId: f.referralId } : {}),
    ...(f.allocationId ? { allocationId: f.allocationId } : {}),
    ...(f.emergencyPool ? { emergencyPool: true } : {}),
    by: { principal: `authority:${authority}` },
    now,
  });
}

/** A placement in the store. */
export const placed = (f: PlacementFixture = {}): Promise<Placement> => createPlacement(placementOf(f));
