import { lambda } from '../http/edge.ts';
import { referralsRoutes } from '../routes/referrals.ts';
import type { Accession } from '../domain/accession.ts';
import { auditRecord, type AuditAction } from '../domain/audit.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import * as rules from '../domain/referrals.ts';
import { accessionsFor, accessionsOfCaller } from '../store/accessions.ts';
import { agreementInForce, agreementsInForce, loadAgreements } from '../store/agreements.ts';
import { writeAuditEntries, writeAuditEntry } from '../store/audit.ts';
import { getHome } from '../store/homes.ts';
import { idempotency } from '../store/idempotency.ts';
import * as store from '../store/referrals.ts';

/**
 * Consent-governed sharing (CONTRACT.md): referrals, consent changes and providers' responses.
 * Every access by anyone but the owner is decided once (functions/domain/referrals.ts) and
 * writes one audit entry (functions/domain/audit.ts) before anything is answered; denied is 404.
 */

loadAgreements(); // fail at cold start on an invalid agreement, naming the file and field

/** The decision on an access, with the accessions of the caller the store found (`register`: a provider's own, else none). */
const access = (r: store.ReferralItem, p: Principal, now: Date, register: readonly Accession[] = []) => rules.decideAccess(agreementInForce(r.agreementId), r, p, now, register);
/** The caller's accessions to the referral's agreement in force (what its provider-party rule reads). */
const registerFor = (r: store.ReferralItem, p: Principal) => accessionsOfCaller(p, [agreementInForce(r.agreementId)]);
const audited = (a: rules.Decided, action: AuditAction, requestId: string, person: string | undefined, disclosed?: string[]) => auditRecord({ ...a, action, requestId, person, disclosed });

export const handler = lambda(referralsRoutes, {
  'POST /v1/referrals': async ({ principal, body, by }) => {
    const now = new Date();
    const agreement = agreementInForce(body.agreementId);
    const admitted = rules.admitReferral(agreement, body, principal, now, await accessionsFor([agreement], body.shareWith));
    const { id } = await store.createReferral(principal, { ...body, by }, admitted, now);
    return { status: 201, body: { id }, headers: { location: `/v1/referrals/${id}` } };
  },

  'GET /v1/referrals': async ({ principal, person, query: { limit, cursor }, requestId }) => {
    const now = new Date();
    if (principal.kind === 'authority') {
      const page = await store.ownReferralsPage(principal, limit, cursor);
      return { body: { ...page, items: page.items.map((r) => rules.ownerView(r, access(r, principal, now).decision.fields)) } };
    }
    // a provider: what is shared with it and readable now, each as its single read would show it, each audited
    const register = await accessionsOfCaller(principal, agreementsInForce());
    const page = await store.sharedReferralsPage(principal, limit, cursor, (r) => rules.ifAllowed(access(r, principal, now, register)));
    await writeAuditEntries(page.items.map((a) => audited(a, 'list', requestId, person)));
    return { body: { ...page, items: page.items.map((a) => rules.sharedView(a.referral, a.decision.fields)) } };
  },

  'GET /v1/referrals/{id}': async ({ principal, person, params, requestId }) => {
    const { referral, responses } = await store.referralWithResponses(params.id);
    const a = access(referral, principal, new Date(), await registerFor(referral, principal));
    if (a.owner) return { body: rules.ownerView(referral, a.decision.fields, responses) };
    await writeAuditEntry(audited(a, 'read', requestId, person));
    return { body: rules.sharedView(referral, rules.allowedFields(a)) };
  },

  'POST /v1/referrals/{id}/consent': async ({ principal, params, body: { status, recordedAt, by: recorder }, by }) => {
    const now = new Date();
    rules.refuseFutureConsent(recordedAt, now, 'recordedAt');
    await store.recordConsent(principal, params.id, { status, recordedAt, by: recorder ?? principalId(principal) }, now, by);
    const { referral, responses } = await store.referralWithResponses(params.id);
    return { body: rules.ownerView(referral, access(referral, principal, now).decision.fields, responses) };
  },

  'POST /v1/referrals/{id}/responses': async ({ principal, person, params, body, requestId, by }) => {
    const now = new Date();
    const referral = await store.requireReferral(params.id);
    const a = access(referral, principal, now, await registerFor(referral, principal));
    await writeAuditEntry(audited(a, 'respond', requestId, person, [])); // a response discloses nothing more; its entry records the act
    const fields = rules.allowedFields(a);
    rules.requireOpenReferral(a.referral);
    if (body.homeUrn !== undefined) rules.refuseOfferedHome(principal, a.referral.child, await getHome(body.homeUrn), fields);
    const item = rules.responseRecord(a.referral.id, principal, body, now, by);
    const { replaced } = await store.putResponse(principal, item, rules.responseExpiry(a.agreement, a.referral.ttl, now));
    return { status: replaced ? 200 : 201, body: item };
  },
}, { idempotency });
