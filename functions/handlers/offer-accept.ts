import { lambda } from '../http/edge.ts';
import { offerAcceptanceRoutes } from '../routes/offer-acceptance.ts';
import { placementView } from '../domain/placement-record.ts';
import { loadAgreements } from '../store/agreements.ts';
import { idempotency } from '../store/idempotency.ts';
import { acceptOffer } from '../store/offer-acceptance.ts';

/**
 * Accepting an offer (CONTRACT.md "Offers and placements"): one transaction makes the offer
 * accepted, the referral placed, the bed taken and the placement (store/offer-acceptance.ts).
 * Its own Lambda so the one that makes and reads offers does not carry the placement rules.
 */

loadAgreements(); // fail at cold start on an invalid agreement

export const handler = lambda(offerAcceptanceRoutes, {
  'POST /v1/offers/{id}/accept': async ({ principal, params, requestId, by }) => {
    const placement = await acceptOffer(principal, params.id, requestId, by);
    return { status: 201, body: placementView(placement), headers: { location: `/v1/placements/${placement.id}` } };
  },
}, { idempotency });
