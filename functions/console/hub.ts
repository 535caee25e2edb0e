import { auditListName, auditRecord, auditScope, noticeReadRecord, type AuditAction } from '../domain/audit.ts';
import { londonToday } from '../domain/calendar-days.ts';
import { decideNoticeDisclosure, HOST_NOTIFICATION_PURPOSE, REGIONAL_AGREEMENT_ID } from '../domain/disclosure.ts';
import { notFound } from '../domain/errors.ts';
import { milesBetween, outcodeCentroid } from '../domain/geo.ts';
import * as offerRules from '../domain/offers.ts';
import { approvedPlacement, hostNoticeView, NOTICE_CHILD_FIELDS, placementView, type Placement } from '../domain/placement-record.ts';
import { principalId, type By, type PersonRole, type Principal } from '../domain/principal.ts';
import * as rules from '../domain/referrals.ts';
import { agreementInForce, loadAgreements } from '../store/agreements.ts';
import { listAudit, trailOwner, writeAuditEntries, writeAuditEntry } from '../store/audit.ts';
import { getHomes } from '../store/homes.ts';
import { acceptOffer } from '../store/offer-acceptance.ts';
import * as offers from '../store/offers.ts';
import { changePlacement, listDeliveredNotices, listPlacements, readPlacement } from '../store/placements.ts';
import * as referrals from '../store/referrals.ts';
import { searchVacancies, type SearchQuery } from '../store/search.ts';
import type { SharingAgreement } from '../../schemas/sharing-agreement.ts';
import { personMayCall } from '../http/edge.ts';
import { homesRoutes } from '../routes/homes.ts';
import { offerAcceptanceRoutes } from '../routes/offer-acceptance.ts';
import { offersRoutes } from '../routes/offers.ts';
import { placementsRoutes } from '../routes/placements.ts';
import { referralsRoutes } from '../routes/referrals.ts';
import type { RouteDef } from '../routes/types.ts';
import type { DeclineReason } from '../../schemas/codes.ts';

/**
 * What the console does, as the API does it: each operation is the same domain and store calls,
 * with the same access decision and the same audit entry, as the API handler named beside it — never
 * an HTTP call to the hub itself. A person sees here exactly what their principal sees through the
 * API. `who` is the signed-in person's organisation, `by` the person (functions/domain/principal.ts).
 */

export interface Who {
  principal: Principal;
  by: By;
  roles: readonly PersonRole[];
  requestId: string;
}
type AuthorityWho = Who & { principal: Principal & { kind: 'authority' } };

/** The API route's person rule (functions/http/edge.ts): some role of the organisation, and one the route names where it names them; else 403. */
const as = (who: Who, route: RouteDef): void => personMayCall(route, who.roles);

const access = (r: referrals.ReferralItem, p: Principal, now: Date) => rules.decideAccess(agreementInForce(r.agreementId), r, p, now);

/** The agreements in force that the caller is a party to, with their purposes (the referral form's choices). */
export function agreementsFor(p: Principal): SharingAgreement[] {
  const ids = [...new Set(loadAgreements().map((a) => a.id))];
  return ids
    .map((id) => agreementInForce(id))
    .filter((a): a is SharingAgreement => !!a && a.status === 'active' && a.parties.some((party) => party.principal === principalId(p)));
}

/** POST /v1/vacancies/search (handlers/vacancy-search.ts). */
export const search = (who: Who, q: SearchQuery) => (as(who, homesRoutes['POST /v1/vacancies/search']), searchVacancies(who.principal, q));

/** POST /v1/referrals (handlers/referrals.ts). */
export async function createReferral(who: AuthorityWho, body: Parameters<typeof rules.admitReferral>[1] & Parameters<typeof referrals.createReferral>[1]): Promise<string> {
  as(who, referralsRoutes['POST /v1/referrals']);
  const now = new Date();
  const { id } = await referrals.createReferral(who.principal, body, rules.admitReferral(agreementInForce(body.agreementId), body, who.principal, now), now);
  return id;
}

/** GET /v1/referrals, an authority's own (handlers/referrals.ts). */
export async function ownReferrals(who: AuthorityWho, limit: number, cursor: string | undefined) {
  as(who, referralsRoutes['GET /v1/referrals']);
  const now = new Date();
  const page = await referrals.ownReferralsPage(who.principal, limit, cursor);
  return { ...page, items: page.items.map((r) => rules.ownerView(r, access(r, who.principal, now).decision.fields)) };
}

/** GET /v1/referrals/{id} as its owner (handlers/referrals.ts): anyone else's is 404 here (the console's officer pages are the owner's). */
export async function ownReferral(who: AuthorityWho, id: string) {
  as(who, referralsRoutes['GET /v1/referrals/{id}']);
  const { referral, responses } = await referrals.referralWithResponses(id);
  const a = access(referral, who.principal, new Date());
  if (!a.owner) {
    // not the owner: the API would disclose the shared view and audit it; the officer's pages show only their own
    await writeAuditEntry(auditRecord({ ...a, action: 'read' satisfies AuditAction, requestId: who.requestId }));
    throw notFound();
  }
  return { referral, view: rules.ownerView(referral, a.decision.fields, responses) };
}

/** POST /v1/referrals/{id}/consent (handlers/referrals.ts). */
export async function recordConsent(who: AuthorityWho, id: string, status: 'given' | 'withdrawn', by: string): Promise<void> {
  as(who, referralsRoutes['POST /v1/referrals/{id}/consent']);
  const now = new Date();
  await referrals.recordConsent(who.principal, id, { status, recordedAt: now.toISOString(), by }, now);
}

/** GET /v1/referrals/{id}/offers as the owner (handlers/offers.ts), with each home's rating and distance from the child's home outcode. */
export async function offersOn(who: AuthorityWho, id: string) {
  as(who, offersRoutes['GET /v1/referrals/{id}/offers']);
  const now = new Date();
  const { referral } = await ownReferral(who, id);
  const items: offerRules.OfferRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await offers.offersPage(referral.id, principalId(who.principal), undefined, { limit: 100, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const homes = await getHomes([...new Set(items.map((o) => String(o.homeUrn)))]);
  const home = referral.child.homeOutcode;
  const from = typeof home === 'string' ? outcodeCentroid(home) : undefined;
  return {
    referral,
    offers: items.map((o) => {
      const home = homes.get(o.homeUrn);
      const at = home?.outcode ? outcodeCentroid(home.outcode) : undefined;
      const distanceMiles = from && at ? Math.round(milesBetween(from, at) * 10) / 10 : null;
      return { ...offerRules.offerView(o, referral, now), ofstedRating: home?.ofstedRating, distanceMiles };
    }),
  };
}

/** POST /v1/offers/{id}/accept (handlers/offer-accept.ts). */
export const accept = (who: AuthorityWho, offerId: string) => (as(who, offerAcceptanceRoutes['POST /v1/offers/{id}/accept']), acceptOffer(who.principal, offerId, who.requestId, who.by));

/** POST /v1/offers/{id}/decline (handlers/offers.ts). */
export async function decline(who: AuthorityWho, offerId: string, reason: DeclineReason) {
  as(who, offersRoutes['POST /v1/offers/{id}/decline']);
  const now = new Date();
  const { offer, referral } = await offers.offerAndReferral(offerId);
  if (!access(referral, who.principal, now).owner) throw notFound();
  offerRules.requireOpen(offer, referral, now);
  return offers.closeOffer(offer, offerRules.closed(offer, { status: 'declined', reason }, who.by, now), referral);
}

/** GET /v1/placements (handlers/placements.ts). */
export async function placements(who: Who, limit: number, cursor: string | undefined) {
  as(who, placementsRoutes['GET /v1/placements']);
  const page = await listPlacements(who.principal, { today: londonToday() }, limit, cursor);
  return { ...page, items: page.items.map(placementView) };
}

/** GET /v1/placements/{id} (handlers/placements.ts). */
export const placement = async (who: Who, id: string) => (as(who, placementsRoutes['GET /v1/placements/{id}']), placementView(await readPlacement(who.principal, id)));

/**
 * POST /v1/placements/{id}/approval (handlers/placements.ts). A signed-in person approves only
 * in a role they hold (CONTRACT "Organisations and people": 403 otherwise), and is recorded as
 * who approved.
 */
export async function approve(who: AuthorityWho, id: string, input: Parameters<typeof approvedPlacement>[1]): Promise<Placement> {
  as(who, placementsRoutes['POST /v1/placements/{id}/approval']);
  const now = new Date();
  return changePlacement(who.principal, id, (p) => approvedPlacement(p, input, who.by, now, who.roles));
}

/** GET /v1/audit?referralId= (handlers/audit.ts). */
export async function trail(who: Who, referralId: string, limit: number, cursor: string | undefined) {
  as(who, referralsRoutes['GET /v1/audit']);
  const scope = auditScope(who.principal, referralId, await trailOwner(referralId));
  return listAudit(scope, { list: auditListName(who.principal, scope), limit, ...(cursor ? { cursor } : {}) });
}

/** GET /v1/notices, the notices this authority received as a host (handlers/placements.ts): decided, audited, shown. */
export async function noticesReceived(who: AuthorityWho, limit: number, cursor: string | undefined) {
  as(who, placementsRoutes['GET /v1/notices']);
  const now = new Date();
  const page = await listDeliveredNotices(who.principal, limit, cursor);
  const agreement = agreementInForce(REGIONAL_AGREEMENT_ID);
  const reads = page.items.map((notice) => ({ notice, decision: decideNoticeDisclosure(agreement, REGIONAL_AGREEMENT_ID, who.principal, NOTICE_CHILD_FIELDS, notice.sentAt, now) }));
  const read = { agreementId: REGIONAL_AGREEMENT_ID, agreement, purpose: HOST_NOTIFICATION_PURPOSE, principal: who.principal, requestId: who.requestId, now };
  await writeAuditEntries(reads.map((r) => noticeReadRecord({ ...read, ...r })));
  return { items: reads.filter((r) => r.decision.allowed).map((r) => hostNoticeView(r.notice, r.decision.fields)), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
