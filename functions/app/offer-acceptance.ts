import { placementView } from '../domain/placement-record.ts';
import { acceptOffer } from '../store/offer-acceptance.ts';
import type { AuthorityCaller } from './caller.ts';

/**
 * POST /v1/offers/{id}/accept (CONTRACT.md "Offers and placements"): one transaction makes the
 * offer accepted, the referral placed, the bed taken and the placement (store/offer-acceptance.ts).
 * Apart from ./offers.ts so the Lambda that makes and reads offers does not carry the placement rules.
 */
export async function accept(c: AuthorityCaller, offerId: string) {
  return placementView(await acceptOffer(c.principal, offerId, c.requestId, c.by));
}
