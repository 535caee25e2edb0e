import { lambda } from '../http/edge.ts';
import { referralsRoutes } from '../routes/referrals.ts';
import { trail } from '../app/audit.ts';

/**
 * The disclosure audit trail (CONTRACT.md "Consent-governed sharing"): an authority reads the
 * trail of its own referrals (one referral's with `?referralId=`, or all of them), the programme
 * office the region's. Another authority's referral is 404, as if it did not exist.
 */
export const handler = lambda(referralsRoutes, {
  'GET /v1/audit': async (req) => ({ body: await trail(req, req.query) }),
});
