import { lambda } from '../http/edge.ts';
import { offersRoutes } from '../routes/offers.ts';
import * as offers from '../app/offers.ts';
import { loadAgreements } from '../store/agreements.ts';
import { idempotency } from '../store/idempotency.ts';

/**
 * Offers and bed holds (CONTRACT.md "Offers and placements"): parse (edge) → functions/app/offers.ts
 * (the access decision, audit and store calls the console makes too) → reply. Accepting one is its
 * own Lambda (./offer-accept.ts).
 */

loadAgreements(); // fail at cold start on an invalid agreement

export const handler = lambda(offersRoutes, {
  'POST /v1/referrals/{id}/offers': async (req) => {
    const offer = await offers.makeOffer(req, req.params.id, req.body);
    return { status: 201, body: offer, headers: { location: `/v1/offers/${offer.id}` } };
  },
  'GET /v1/referrals/{id}/offers': async (req) => ({ body: await offers.offersOn(req, req.params.id, req.query) }),
  'GET /v1/offers/{id}': async (req) => ({ body: await offers.readOffer(req, req.params.id) }),
  'POST /v1/offers/{id}/decline': async (req) => ({ body: await offers.decline(req, req.params.id, req.body) }),
  'POST /v1/offers/{id}/withdraw': async (req) => ({ body: await offers.withdraw(req, req.params.id) }),
}, { idempotency });
