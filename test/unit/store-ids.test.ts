import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newId, newNoticeId, newOfferId, newPlacementId } from '../../functions/store/ids.ts';
import { referralOfOffer } from '../../functions/store/keys.ts';
import { ownerOfPlacementId } from '../../functions/domain/placement-record.ts';
import { ReferralIdText } from '../../schemas/ids.ts';
import { OfferId } from '../../schemas/offers.ts';
import { ID_PATTERNS, NOTICE_ID_PATTERN } from '../../schemas/codes.ts';

/**
 * One id maker (functions/store/ids.ts) for every record: each id it makes passes the pattern the
 * API validates it with, names what the store addresses it by, and sorts by the time it was made.
 */
describe('store/ids.ts', () => {
  const referralId = fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/).filter((s) => ReferralIdText.safeParse(s).success);
  const when = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2099, 11, 31) });

  it('an offer id passes the API pattern (schemas/offers.ts OfferId) and names its referral', () => {
    fc.assert(
      fc.property(referralId, when, (r, now) => {
        const id = newOfferId(r, now);
        expect(OfferId.safeParse(id).success, id).toBe(true);
        expect(referralOfOffer(id)).toBe(r);
      }),
    );
  });

  it('placement and notice ids pass their patterns; a placement id names its authority', () => {
    fc.assert(
      fc.property(when, (now) => {
        expect(newPlacementId('southend-on-sea', now)).toMatch(ID_PATTERNS.placement);
        expect(ownerOfPlacementId(newPlacementId('southend-on-sea', now))).toBe('southend-on-sea');
        expect(newNoticeId(now)).toMatch(NOTICE_ID_PATTERN);
      }),
    );
  });

  it('ids made later sort later, and two made in the same millisecond differ', () => {
    fc.assert(
      fc.property(when, when, (a, b) => {
        fc.pre(a !== b);
        expect(newOfferId('r', a) < newOfferId('r', b)).toBe(a < b);
      }),
    );
    expect(newId(1)).not.toBe(newId(1));
  });

  it('the offers store makes its ids with it (no second maker)', async () => {
    const offers = await import('../../functions/store/offers.ts');
    expect(offers.newOfferId).toBe(newOfferId);
    expect('random' in (await import('../../functions/store/offer-record.ts'))).toBe(false);
  });

  it('ids made in the same millisecond are all different, across refills of the random pool', () => {
    const now = Date.now();
    const ids = Array.from({ length: 5_000 }, () => newId(now)); // ~7 refills of the 4 KB pool
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(9))).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{9}[0-9a-f]{12}$/);
  });
});
