import { milesBetween, outcodeCentroid } from '../domain/geo.ts';
import * as rules from '../domain/offers.ts';
import { principalId } from '../domain/principal.ts';
import { getHomes } from '../store/homes.ts';
import * as offers from '../store/offers.ts';
import type { AuthorityCaller } from './caller.ts';
import { ownReferral } from './referrals.ts';

/**
 * A referral's offers side by side (the console's officer page): every offer as
 * GET /v1/referrals/{id}/offers shows it to the owner, with each home's Ofsted rating and its
 * distance from the child's home outcode. Apart from ./offers.ts so no API Lambda carries the
 * geography it needs.
 */
export async function offersCompared(c: AuthorityCaller, referralId: string) {
  const now = new Date();
  const { referral } = await ownReferral(c, referralId);
  const items: rules.OfferRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await offers.offersPage(referral.id, principalId(c.principal), undefined, { limit: 100, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const homes = await getHomes([...new Set(items.map((o) => String(o.homeUrn)))]);
  const home = referral.child.homeOutcode;
  const from = typeof home === 'string' ? outcodeCentroid(home) : undefined;
  return {
    referral,
    offers: items.map((o) => {
      const home = homes.get(o.homeUrn);
      const at = home?.outcode ? outcodeCentroid(home.outcode) : undefined;
      const distanceMiles = from && at ? Math.round(milesBetween(from, at) * 10) / 10 : null;
      return { ...rules.offerView(o, referral, now), ofstedRating: home?.ofstedRating, distanceMiles };
    }),
  };
}
