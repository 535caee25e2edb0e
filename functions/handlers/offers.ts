import { lambda } from '../http/edge.ts';
import { offersRoutes } from '../routes/offers.ts';
import { auditRecord, type AuditAction } from '../domain/audit.ts';
import { notFound } from '../domain/errors.ts';
import * as rules from '../domain/offers.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import { allowedFields, decideAccess, requireOpenReferral, type Decided } from '../domain/referrals.ts';
import type { VacancyItem } from '../domain/vacancy.ts';
import { accessionsOfCaller } from '../store/accessions.ts';
import { agreementInForce, loadAgreements } from '../store/agreements.ts';
import { writeAuditEntry } from '../store/audit.ts';
import { idempotency } from '../store/idempotency.ts';
import * as store from '../store/offers.ts';
import { requireReferral, type ReferralItem } from '../store/referrals.ts';

/**
 * Offers and bed holds (CONTRACT.md "Offers and placements"); accepting one is its own Lambda
 * (./offer-accept.ts). A provider's access to
 * a referral is the one disclosure decision the audited read makes (domain/referrals.ts), and is
 * audited like a read; denied is 404. The rules are domain/offers.ts; the transactions store/offers.ts.
 */

loadAgreements(); // fail at cold start on an invalid agreement

const access = (r: ReferralItem, p: Principal, now: Date) => decideAccess(agreementInForce(r.agreementId), r, p, now);

/** The caller's access to the referral: the owner's, or a provider's (a party by its file or its accession) — audited, and 404 when denied. */
async function admitted(r: ReferralItem, p: Principal, requestId: string, person: string | undefined, now: Date): Promise<Decided<ReferralItem>> {
  const agreement = agreementInForce(r.agreementId);
  const a = decideAccess(agreement, r, p, now, await accessionsOfCaller(p, [agreement]));
  if (a.owner) return a;
  await writeAuditEntry(auditRecord({ ...a, action: 'offer' satisfies AuditAction, requestId, person, disclosed: [] }));
  allowedFields(a);
  return a;
}

export const handler = lambda(offersRoutes, {
  'POST /v1/referrals/{id}/offers': async ({ principal, person, params, body, requestId, by }) => {
    const now = new Date();
    const a = await admitted(await requireReferral(params.id), principal, requestId, person, now);
    requireOpenReferral(a.referral);
    const { home, vacancy } = await store.offerSubjects(body.homeUrn, body.vacancyId);
    const ctx = { provider: principal, child: a.referral.child, disclosed: a.decision.fields, home, vacancy, now };
    const { slot } = rules.admitOffer(body, ctx);
    const offer = rules.newOffer(store.newOfferId(a.referral.id), a.referral.id, body, home!, by, now);
    // when another offer takes the slot first, the vacancy read again is judged again
    const pickSlot = (v: VacancyItem, at: Date) => rules.admitOffer(body, { ...ctx, vacancy: v, now: at }).slot!;
    await store.putOffer(offer, a.referral, vacancy && slot !== undefined ? { vacancy, slot, pickSlot } : undefined, now);
    return { status: 201, body: rules.offerView(offer, a.referral, now), headers: { location: `/v1/offers/${offer.id}` } };
  },

  'GET /v1/referrals/{id}/offers': async ({ principal, person, params, query, requestId }) => {
    const now = new Date();
    const a = await admitted(await requireReferral(params.id), principal, requestId, person, now);
    const page = await store.offersPage(a.referral.id, principalId(principal), a.owner ? undefined : principal.id, query);
    return { body: { ...page, items: page.items.map((o) => rules.offerView(o, a.referral, now)) } };
  },

  'GET /v1/offers/{id}': async ({ principal, person, params, requestId }) => {
    const now = new Date();
    const { offer, referral } = await store.offerAndReferral(params.id);
    const a = await admitted(referral, principal, requestId, person, now);
    if (!rules.seesOffer(offer, principal, a.owner)) throw notFound();
    return { body: rules.offerView(offer, referral, now) };
  },

  'POST /v1/offers/{id}/decline': async ({ principal, params, body, by }) => {
    const now = new Date();
    const { offer, referral } = await store.offerAndReferral(params.id);
    if (!access(referral, principal, now).owner) throw notFound();
    rules.requireOpen(offer, referral, now);
    const after = await store.closeOffer(offer, rules.closed(offer, { status: 'declined', reason: body.reason }, by, now), referral);
    return { body: rules.offerView(after, referral, now) };
  },

  'POST /v1/offers/{id}/withdraw': async ({ principal, params, by }) => {
    const now = new Date();
    const { offer, referral } = await store.offerAndReferral(params.id);
    // its own offer: withdrawing discloses nothing, so a provider may withdraw even once it may no longer read the referral
    if (!rules.madeBy(offer, principal)) throw notFound();
    rules.requireOpen(offer, referral, now);
    const after = await store.closeOffer(offer, rules.closed(offer, { status: 'withdrawn' }, by, now), referral);
    return { body: rules.offerView(after, referral, now) };
  },

}, { idempotency });
