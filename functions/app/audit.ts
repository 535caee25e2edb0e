import { auditListName, auditScope } from '../domain/audit.ts';
import type { Principal } from '../domain/principal.ts';
import { listAudit, trailOwner } from '../store/audit.ts';
import type { Caller } from './caller.ts';

/**
 * The disclosure audit trail (CONTRACT.md "Consent-governed sharing"), as the API and the console
 * both read it. Entries are written where each access is decided (./referrals.ts, ./offers.ts,
 * ./placements.ts); this only reads them.
 */

/** GET /v1/audit: the trail of the caller's own referrals (one with `referralId`), the programme office's the region's. */
export async function trail(c: Caller<Extract<Principal, { kind: 'authority' | 'programme-office' }>>, query: { referralId?: string | undefined; limit: number; cursor?: string | undefined }) {
  const { referralId, limit, cursor } = query;
  const scope = auditScope(c.principal, referralId, referralId === undefined ? undefined : await trailOwner(referralId));
  return listAudit(scope, { list: auditListName(c.principal, scope), limit, cursor });
}
