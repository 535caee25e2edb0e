import { lambda } from '../http/edge.ts';
import { referralsRoutes } from '../routes/referrals.ts';
import * as referrals from '../app/referrals.ts';
import { loadAgreements } from '../store/agreements.ts';
import { idempotency } from '../store/idempotency.ts';

/**
 * Consent-governed sharing (CONTRACT.md): referrals, consent changes and providers' responses.
 * parse (edge) → functions/app/referrals.ts (every access by anyone but the owner decided once and
 * audited before anything is answered; denied is 404) → reply.
 */

loadAgreements(); // fail at cold start on an invalid agreement, naming the file and field

export const handler = lambda(referralsRoutes, {
  'POST /v1/referrals': async (req) => {
    const { id } = await referrals.createReferral(req, req.body);
    return { status: 201, body: { id }, headers: { location: `/v1/referrals/${id}` } };
  },
  'GET /v1/referrals': async (req) => ({ body: await referrals.listReferrals(req, req.query.limit, req.query.cursor) }),
  'GET /v1/referrals/{id}': async (req) => ({ body: (await referrals.readReferral(req, req.params.id)).view }),
  'POST /v1/referrals/{id}/consent': async (req) => ({ body: await referrals.recordConsent(req, req.params.id, req.body) }),
  'POST /v1/referrals/{id}/responses': async (req) => {
    const { response, replaced } = await referrals.respond(req, req.params.id, req.body);
    return { status: replaced ? 200 : 201, body: response };
  },
}, { idempotency });
