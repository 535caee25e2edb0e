import { lambda } from '../http/edge.ts';
import { referralsRoutes } from '../routes/referrals.ts';
import { badRequest, notFound } from '../domain/errors.ts';
import { principalId } from '../domain/principal.ts';
import { auditTrailOwner, listAudit, type AuditScope } from '../store/audit.ts';
import { getReferral } from '../store/referrals.ts';

/**
 * The disclosure audit trail (CONTRACT.md "Consent-governed sharing"): an authority reads the
 * trail of its own referrals (one referral's with `?referralId=`, or all of them), the programme
 * office the region's. Another authority's referral is 404, as if it did not exist.
 */
export const handler = lambda(referralsRoutes, {
  'GET /v1/audit': async (req) => {
    const { referralId, limit, cursor } = req.query;
    const me = principalId(req.principal);
    let scope: AuditScope;
    if (referralId !== undefined) {
      // the referral may have expired before its trail: then the trail names its owner
      const owner = (await getReferral(referralId))?.owner ?? (await auditTrailOwner(referralId));
      if (owner === undefined || (req.principal.kind !== 'programme-office' && owner !== me)) throw notFound();
      scope = { referralId };
    } else {
      scope = req.principal.kind === 'programme-office' ? { region: true } : { owner: me };
    }
    const page = await listAudit(scope, limit, cursor);
    if (!page) throw badRequest('The query is not valid.', [{ path: 'cursor', message: 'not a cursor this list issued' }]);
    return { body: page };
  },
});
