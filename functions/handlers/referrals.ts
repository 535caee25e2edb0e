import { lambda } from '../http/edge.ts';
import { idempotency } from '../store/idempotency.ts';
import { referralsRoutes } from '../routes/referrals.ts';
import { notFound } from '../domain/errors.ts';
import { auditRecord, type AuditAction } from '../domain/audit.ts';
import {
  admitReferral, decideAccess, ownerView, refuseFutureConsent, refuseOfferedHome, responseExpiry, responseRecord, sharedView, type Decided,
} from '../domain/referrals.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import { agreementInForce, loadAgreements } from '../store/agreements.ts';
import { writeAuditEntries, writeAuditEntry } from '../store/audit.ts';
import { getHome } from '../store/homes.ts';
import {
  createReferral, getReferralWithResponses, ownReferralsPage, putResponse, recordConsent, requireReferral, sharedReferralsPage, type ReferralItem,
} from '../store/referrals.ts';

/**
 * Consent-governed sharing (CONTRACT.md): referrals, consent changes and providers' responses.
 * Every access by anyone but the owner is decided once (functions/domain/referrals.ts) and
 * writes one audit entry (functions/domain/audit.ts) before anything is answered; denied is 404.
 */

loadAgreements(); // fail at cold start on an invalid agreement, naming the file and field

const access = (r: ReferralItem, p: Principal, now: Date) => decideAccess(agreementInForce(r.agreementId), r, p, now);
const audited = (a: Decided, action: AuditAction, requestId: string, disclosed?: string[]) => auditRecord({ ...a, action, requestId, disclosed });

export const handler = lambda(referralsRoutes, {
  'POST /v1/referrals': async ({ principal, body }) => {
    const now = new Date();
    const agreement = admitReferral(agreementInForce(body.agreementId), body, principal, now);
    const { id } = await createReferral(principal, body, agreement, now);
    return { status: 201, body: { id }, headers: { location: `/v1/referrals/${id}` } };
  },

  'GET /v1/referrals': async ({ principal, query: { limit, cursor }, requestId }) => {
    const now = new Date();
    if (principal.kind === 'authority') {
      const page = await ownReferralsPage(principal, limit, cursor);
      return { body: { ...page, items: page.items.map((r) => ownerView(r, access(r, principal, now).decision.fields)) } };
    }
    // a provider: what is shared with it and readable now, each as its single read would show it, each audited
    const page = await sharedReferralsPage(principal, limit, cursor, (r) => {
      const a = access(r, principal, now);
      return a.decision.allowed ? a : undefined;
    });
    await writeAuditEntries(page.items.map((a) => audited(a, 'list', requestId)));
    return { body: { ...page, items: page.items.map((a) => sharedView(a.referral, a.decision.fields)) } };
  },

  'GET /v1/referrals/{id}': async ({ principal, params, requestId }) => {
    const found = await getReferralWithResponses(params.id);
    if (!found) throw notFound();
    const a = access(found.referral, principal, new Date());
    if (a.owner) return { body: ownerView(found.referral, a.decision.fields, found.responses) };
    await writeAuditEntry(audited(a, 'read', requestId));
    if (!a.decision.allowed) throw notFound();
    return { body: sharedView(found.referral, a.decision.fields) };
  },

  'POST /v1/referrals/{id}/consent': async ({ principal, params, body: { status, recordedAt, by } }) => {
    const now = new Date();
    refuseFutureConsent(recordedAt, now, 'recordedAt');
    await recordConsent(principal, params.id, { status, recordedAt, by: by ?? principalId(principal) }, now);
    const found = await getReferralWithResponses(params.id);
    if (!found) throw notFound();
    return { body: ownerView(found.referral, access(found.referral, principal, now).decision.fields, found.responses) };
  },

  'POST /v1/referrals/{id}/responses': async ({ principal, params, body, requestId }) => {
    const now = new Date();
    const a = access(await requireReferral(params.id), principal, now);
    // a response discloses nothing more: its entry records that the provider acted on the referral
    await writeAuditEntry(audited(a, 'respond', requestId, []));
    if (!a.decision.allowed) throw notFound();
    if (body.homeUrn !== undefined) refuseOfferedHome(principal, a.referral.child, await getHome(body.homeUrn), a.decision.fields);
    const item = responseRecord(a.referral.id, principal, body, now);
    const { replaced } = await putResponse(principal, item, responseExpiry(a.agreement, a.referral.ttl, now));
    return { status: replaced ? 200 : 201, body: item };
  },
}, { idempotency });
