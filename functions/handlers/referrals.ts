import { lambda } from '../http/edge.ts';
import { idempotency } from '../store/idempotency.ts';
import { referralsRoutes } from '../routes/referrals.ts';
import { badRequest, notFound, unprocessable } from '../domain/errors.ts';
import {
  decideDisclosure, failedRules, project, referralProblems, type Decision,
} from '../domain/disclosure.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import { requireKnownOutcode } from '../domain/geo.ts';
import { agreementInForce, loadAgreements } from '../store/agreements.ts';
import { writeAuditEntries, writeAuditEntry, type AuditEntry } from '../store/audit.ts';
import { getHome } from '../store/homes.ts';
import { ttlAfter } from '../store/table.ts';
import {
  createReferral, cursorSk, encodeCursor, getReferral, getReferrals, getReferralWithResponses, ownerPointerPage, putResponse,
  recordConsent, sharedPointerPage, type ReferralItem, type ResponseItem,
} from '../store/referrals.ts';

/**
 * Consent-governed sharing (CONTRACT.md): referrals, consent changes and providers' responses.
 * Every read by anyone but the owner goes through the one decision (functions/domain/disclosure.ts)
 * and writes one audit entry before anything is answered; a denied read is 404.
 */

loadAgreements(); // fail at cold start on an invalid agreement, naming the file and field

/** Audit entries outlive what they record: the agreement's audit retention, or six years without one. */
const DEFAULT_AUDIT_DAYS = 2190;
/** Clock skew tolerated on a consent record's time. */
const SKEW_MS = 5 * 60_000;

type Action = AuditEntry['action'];

function auditRecord(referral: ReferralItem, principal: Principal, action: Action, decision: Decision, requestId: string, now: Date, disclosedFields?: string[]) {
  const agreement = agreementInForce(referral.agreementId);
  const entry: AuditEntry = {
    at: now.toISOString(),
    principal: principalId(principal),
    action,
    referralId: referral.id,
    agreementId: referral.agreementId,
    agreementVersion: agreement?.version ?? referral.agreementVersion,
    purpose: referral.purpose,
    outcome: decision.allowed ? 'allowed' : 'denied',
    fields: decision.allowed ? (disclosedFields ?? decision.fields) : [],
    reasons: failedRules(decision),
    requestId,
  };
  return { entry, owner: referral.owner, retentionDays: agreement?.audit.retention.days ?? DEFAULT_AUDIT_DAYS };
}

/** One audit entry for one access, written before anything is answered. */
function audit(...args: Parameters<typeof auditRecord>) {
  const { entry, owner, retentionDays } = auditRecord(...args);
  return writeAuditEntry(entry, owner, retentionDays);
}

const decide = (referral: ReferralItem, principal: Principal, now: Date) =>
  decideDisclosure(agreementInForce(referral.agreementId), referral, principal, referral.purpose, now);

/** What a non-owner may see: the referral's identity and purpose, and the allowed fields only. */
function sharedView(r: ReferralItem, fields: string[]) {
  return { id: r.id, agreementId: r.agreementId, agreementVersion: r.agreementVersion, purpose: r.purpose, ...project(r, fields), disclosed: fields };
}

/** The owner's view: every field it stored, the lawful basis, consent history and who it is shared with. */
function ownerView(r: ReferralItem, fields: string[], responses?: ResponseItem[]) {
  return {
    ...sharedView(r, fields),
    lawfulBasis: r.lawfulBasis,
    consentHistory: r.consentHistory,
    shareWith: r.shareWith,
    ...(responses ? { responses } : {}),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function afterSk(cursor: string | undefined): string | undefined {
  const sk = cursorSk(cursor);
  if (sk === null) throw badRequest('The query is not valid.', [{ path: 'cursor', message: 'not a cursor this list issued' }]);
  return sk;
}

/** At most this many shared referrals are examined per page of a provider's list. */
const PROVIDER_SCAN_LIMIT = 500;

export const handler = lambda(referralsRoutes, {
  'POST /v1/referrals': async (req) => {
    const now = new Date();
    const principal = req.principal;
    requireKnownOutcode(req.body.child.homeOutcode, 'child.homeOutcode');
    const agreement = agreementInForce(req.body.agreementId);
    const problems = referralProblems(agreement, req.body, principal, now);
    if (problems.length > 0 || !agreement) throw unprocessable('The sharing agreement does not allow this referral.', problems);
    const { id } = await createReferral(principal, req.body, agreement, now);
    return { status: 201, body: { id }, headers: { location: `/v1/referrals/${id}` } };
  },

  'GET /v1/referrals': async (req) => {
    const now = new Date();
    const { limit, cursor } = req.query;
    const principal = req.principal;
    if (principal.kind === 'authority') {
      const page = await ownerPointerPage(principal, limit, afterSk(cursor));
      const referrals = await getReferrals(page.pointers.map((p) => p.referralId));
      const items = page.pointers.flatMap((p) => {
        const r = referrals.get(p.referralId);
        return r ? [ownerView(r, decide(r, principal, now).fields)] : [];
      });
      return { body: { items, ...(page.next ? { nextCursor: encodeCursor({ sk: page.next }) } : {}) } };
    }
    // a provider: what is shared with it and readable now, each as its single read would show it
    const shown: { referral: ReferralItem; decision: Decision }[] = [];
    let after = afterSk(cursor);
    let examined = 0;
    let exhausted = false;
    while (shown.length < limit && !exhausted && examined < PROVIDER_SCAN_LIMIT) {
      const page = await sharedPointerPage(principal, Math.min(100, (limit - shown.length) * 2), after);
      const referrals = await getReferrals(page.pointers.map((p) => p.referralId));
      let consumed = 0;
      for (const p of page.pointers) {
        consumed++;
        examined++;
        after = p.sk;
        const r = referrals.get(p.referralId);
        const decision = r ? decide(r, principal, now) : undefined;
        if (r && decision?.allowed) shown.push({ referral: r, decision });
        if (shown.length === limit) break;
      }
      exhausted = page.next === undefined && consumed === page.pointers.length;
    }
    await writeAuditEntries(shown.map(({ referral, decision }) => auditRecord(referral, principal, 'list', decision, req.requestId, now)));
    return {
      body: {
        items: shown.map(({ referral, decision }) => sharedView(referral, decision.fields)),
        ...(!exhausted && after ? { nextCursor: encodeCursor({ sk: after }) } : {}),
      },
    };
  },

  'GET /v1/referrals/{id}': async (req) => {
    const now = new Date();
    const found = await getReferralWithResponses(req.params.id);
    if (!found) throw notFound();
    const { referral, responses } = found;
    const decision = decide(referral, req.principal, now);
    if (referral.owner === principalId(req.principal)) return { body: ownerView(referral, decision.fields, responses) };
    await audit(referral, req.principal, 'read', decision, req.requestId, now);
    if (!decision.allowed) throw notFound();
    return { body: sharedView(referral, decision.fields) };
  },

  'POST /v1/referrals/{id}/consent': async (req) => {
    const now = new Date();
    const { status, recordedAt, by } = req.body;
    if (Date.parse(recordedAt) > now.getTime() + SKEW_MS) {
      throw unprocessable('A consent record cannot be made in the future.', [{ path: 'recordedAt', message: 'in the future' }]);
    }
    const outcome = await recordConsent(req.principal, req.params.id, { status, recordedAt, by: by ?? principalId(req.principal) }, now);
    if (outcome.kind === 'not-found') throw notFound();
    const found = await getReferralWithResponses(req.params.id);
    if (!found) throw notFound();
    return { body: ownerView(found.referral, decide(found.referral, req.principal, now).fields, found.responses) };
  },

  'POST /v1/referrals/{id}/responses': async (req) => {
    const now = new Date();
    const referral = await getReferral(req.params.id);
    if (!referral) throw notFound();
    const decision = decide(referral, req.principal, now);
    if (!decision.allowed) {
      await audit(referral, req.principal, 'respond', decision, req.requestId, now);
      throw notFound();
    }
    const { response, reason, homeUrn } = req.body;
    if (homeUrn !== undefined && (await getHome(homeUrn))?.owner !== principalId(req.principal)) {
      throw unprocessable('The home offered must be one of yours.', [{ path: 'homeUrn', message: 'not a home of this provider' }]);
    }
    // a response discloses nothing more; its entry records that the provider acted on the referral
    await audit(referral, req.principal, 'respond', decision, req.requestId, now, []);
    const item: ResponseItem = {
      referralId: referral.id,
      provider: principalId(req.principal),
      response,
      ...(reason ? { reason } : {}),
      ...(homeUrn ? { homeUrn } : {}),
      respondedAt: now.toISOString(),
    };
    // kept for the agreement's retention of responses, or as long as the referral itself
    const days = agreementInForce(referral.agreementId)?.dataItems.find((d) => d.field === 'responses')?.retention.days;
    const { replaced } = await putResponse(req.principal, item, days !== undefined ? ttlAfter(days * 86_400, now.getTime()) : referral.ttl);
    return { status: replaced ? 200 : 201, body: item };
  },
}, { idempotency });
