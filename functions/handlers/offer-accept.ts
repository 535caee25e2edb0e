import { lambda } from '../http/edge.ts';
import { offerAcceptanceRoutes } from '../routes/offer-acceptance.ts';
import { accept } from '../app/offer-acceptance.ts';
import { loadAgreements } from '../store/agreements.ts';
import { idempotency } from '../store/idempotency.ts';

/**
 * Accepting an offer (CONTRACT.md "Offers and placements"): functions/app/offer-acceptance.ts, one
 * transaction. Its own Lambda so the one that makes and reads offers does not carry the placement rules.
 */

loadAgreements(); // fail at cold start on an invalid agreement

export const handler = lambda(offerAcceptanceRoutes, {
  'POST /v1/offers/{id}/accept': async (req) => {
    const placement = await accept(req, req.params.id);
    return { status: 201, body: placement, headers: { location: `/v1/placements/${placement.id}` } };
  },
}, { idempotency });
