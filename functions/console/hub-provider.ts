import { auditRecord, type AuditAction } from '../domain/audit.ts';
import { forbidden, notFound } from '../domain/errors.ts';
import { homeView } from '../domain/homes.ts';
import * as offerRules from '../domain/offers.ts';
import { providerPlacementView } from '../domain/placement-record.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import * as rules from '../domain/referrals.ts';
import { viewOf, type VacancyItem } from '../domain/vacancy.ts';
import { londonToday } from '../domain/calendar-days.ts';
import { accessionsOfCaller } from '../store/accessions.ts';
import { agreementInForce, agreementsInForce } from '../store/agreements.ts';
import { writeAuditEntries, writeAuditEntry } from '../store/audit.ts';
import { getHome, listOwnHomes, putHome, readHome } from '../store/homes.ts';
import * as offers from '../store/offers.ts';
import { listPlacements } from '../store/placements.ts';
import * as referrals from '../store/referrals.ts';
import { confirmVacancy, createVacancy, listHomeVacancies, patchVacancy } from '../store/vacancies.ts';
import { requireKnownOutcode } from '../domain/geo.ts';
import { personMayCall } from '../http/edge.ts';
import { homesRoutes } from '../routes/homes.ts';
import { offersRoutes } from '../routes/offers.ts';
import { placementsRoutes } from '../routes/placements.ts';
import { referralsRoutes } from '../routes/referrals.ts';
import type { RouteDef } from '../routes/types.ts';
import type { z } from 'zod';
import type { Who } from './hub.ts';

/**
 * A provider's operations, as the API does them (./hub.ts for the officer's): each is the same
 * domain and store calls, the same access decision and the same audit entry (with the person) as
 * the API handler named beside it. Never an HTTP call to the hub.
 */

export type ProviderWho = Who & { principal: Principal & { kind: 'provider' } };

const as = (who: Who, route: RouteDef): void => {
  if (!route.access.includes(who.principal.kind)) throw forbidden('This is not for your organisation.');
  personMayCall(route, who.roles);
};
const person = (who: Who) => who.by.person;

/** The provider's accessions to the referral's agreement, and the decision on its access (handlers/referrals.ts). */
async function decide(r: referrals.ReferralItem, who: ProviderWho, now: Date) {
  const agreement = agreementInForce(r.agreementId);
  return rules.decideAccess(agreement, r, who.principal, now, await accessionsOfCaller(who.principal, [agreement]));
}

/** GET /v1/referrals as a provider (handlers/referrals.ts): what is shared and readable now, each listing audited. */
export async function sharedReferrals(who: ProviderWho, limit: number, cursor: string | undefined) {
  as(who, referralsRoutes['GET /v1/referrals']);
  const now = new Date();
  const register = await accessionsOfCaller(who.principal, agreementsInForce());
  const page = await referrals.sharedReferralsPage(who.principal, limit, cursor, (r) => rules.ifAllowed(rules.decideAccess(agreementInForce(r.agreementId), r, who.principal, now, register)));
  await writeAuditEntries(page.items.map((a) => auditRecord({ ...a, action: 'list' satisfies AuditAction, requestId: who.requestId, person: person(who) })));
  const items = await Promise.all(page.items.map(async (a) => ({
    id: a.referral.id,
    createdAt: a.referral.createdAt as string,
    view: rules.sharedView(a.referral, a.decision.fields),
    // its own offers only, as GET /v1/referrals/{id}/offers answers a provider
    offers: (await offers.offersPage(a.referral.id, principalId(who.principal), who.principal.id, { limit: 20 })).items.map((o) => offerRules.offerView(o, a.referral, now)),
  })));
  items.sort((x, y) => (x.createdAt < y.createdAt ? 1 : x.createdAt > y.createdAt ? -1 : 0));
  return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** GET /v1/referrals/{id} as a provider (handlers/referrals.ts): an audited read (with the person); refused is 404. */
export async function sharedReferral(who: ProviderWho, id: string) {
  as(who, referralsRoutes['GET /v1/referrals/{id}']);
  const now = new Date();
  const { referral } = await referrals.referralWithResponses(id);
  const a = await decide(referral, who, now);
  if (a.owner) throw notFound();
  await writeAuditEntry(auditRecord({ ...a, action: 'read' satisfies AuditAction, requestId: who.requestId, person: person(who) }));
  const view = rules.sharedView(referral, rules.allowedFields(a));
  // its own offers only (GET /v1/referrals/{id}/offers for a provider)
  const own = await offers.offersPage(referral.id, principalId(who.principal), who.principal.id, { limit: 100 });
  return { referral, view, offers: own.items.map((o) => offerRules.offerView(o, referral, now)) };
}

/** POST /v1/referrals/{id}/offers (handlers/offers.ts): audited as an offer; 422 naming each rule broken. */
export async function makeOffer(who: ProviderWho, referralId: string, body: z.output<(typeof offersRoutes)['POST /v1/referrals/{id}/offers']['body']>) {
  as(who, offersRoutes['POST /v1/referrals/{id}/offers']);
  const now = new Date();
  const referral = await referrals.requireReferral(referralId);
  const a = await decide(referral, who, now);
  if (a.owner) throw notFound();
  await writeAuditEntry(auditRecord({ ...a, action: 'offer' satisfies AuditAction, requestId: who.requestId, person: person(who), disclosed: [] }));
  rules.allowedFields(a);
  rules.requireOpenReferral(a.referral);
  const { home, vacancy } = await offers.offerSubjects(body.homeUrn, body.vacancyId);
  const ctx = { provider: who.principal, child: a.referral.child, disclosed: a.decision.fields, home, vacancy, now };
  const { slot } = offerRules.admitOffer(body, ctx);
  const offer = offerRules.newOffer(offers.newOfferId(a.referral.id), a.referral.id, body, home!, who.by, now);
  const pickSlot = (v: VacancyItem, at: Date) => offerRules.admitOffer(body, { ...ctx, vacancy: v, now: at }).slot!;
  await offers.putOffer(offer, a.referral, vacancy && slot !== undefined ? { vacancy, slot, pickSlot } : undefined, now);
  return offer;
}

/** POST /v1/referrals/{id}/responses (handlers/referrals.ts): declining with a coded reason, audited as a response. */
export async function respond(who: ProviderWho, referralId: string, body: z.output<(typeof referralsRoutes)['POST /v1/referrals/{id}/responses']['body']>) {
  as(who, referralsRoutes['POST /v1/referrals/{id}/responses']);
  const now = new Date();
  const referral = await referrals.requireReferral(referralId);
  const a = await decide(referral, who, now);
  await writeAuditEntry(auditRecord({ ...a, action: 'respond' satisfies AuditAction, requestId: who.requestId, person: person(who), disclosed: [] }));
  const fields = rules.allowedFields(a);
  rules.requireOpenReferral(a.referral);
  if (body.homeUrn !== undefined) rules.refuseOfferedHome(who.principal, a.referral.child, await getHome(body.homeUrn), fields);
  const item = rules.responseRecord(a.referral.id, who.principal, body, now, who.by);
  await referrals.putResponse(who.principal, item, rules.responseExpiry(a.agreement, a.referral.ttl, now));
  return item;
}

/** POST /v1/offers/{id}/withdraw (handlers/offers.ts). */
export async function withdrawOffer(who: ProviderWho, offerId: string) {
  as(who, offersRoutes['POST /v1/offers/{id}/withdraw']);
  const now = new Date();
  const { offer, referral } = await offers.offerAndReferral(offerId);
  if (!offerRules.madeBy(offer, who.principal)) throw notFound();
  offerRules.requireOpen(offer, referral, now);
  return offers.closeOffer(offer, offerRules.closed(offer, { status: 'withdrawn' }, who.by, now), referral);
}

/** GET /v1/homes (handlers/homes.ts): the provider's own. */
export async function myHomes(who: ProviderWho, limit: number, cursor: string | undefined) {
  as(who, homesRoutes['GET /v1/homes']);
  const { items, nextCursor } = await listOwnHomes(who.principal, { limit, ...(cursor ? { cursor } : {}) });
  return { items: items.map((h) => homeView(h, who.principal)), ...(nextCursor ? { nextCursor } : {}) };
}

/** GET /v1/homes/{urn} (handlers/homes.ts). */
export const myHome = async (who: ProviderWho, urn: string) => (as(who, homesRoutes['GET /v1/homes/{urn}']), homeView(await readHome(who.principal, urn), who.principal));

/** PUT /v1/homes/{urn} (handlers/homes.ts). */
export async function saveHome(who: ProviderWho, urn: string, body: z.output<(typeof homesRoutes)['PUT /v1/homes/{urn}']['body']>) {
  as(who, homesRoutes['PUT /v1/homes/{urn}']);
  requireKnownOutcode(body.outcode, 'outcode');
  return (await putHome(who.principal, urn, body, {})).home;
}

/** GET /v1/homes/{urn}/vacancies (handlers/vacancies.ts). */
export async function vacanciesOf(who: ProviderWho, urn: string) {
  as(who, homesRoutes['GET /v1/homes/{urn}/vacancies']);
  const now = new Date();
  const { items } = await listHomeVacancies(who.principal, urn, { limit: 50 });
  return items.map((v) => viewOf(v, now));
}

/** POST /v1/homes/{urn}/vacancies (handlers/vacancies.ts). */
export const postVacancy = (who: ProviderWho, urn: string, body: z.output<(typeof homesRoutes)['POST /v1/homes/{urn}/vacancies']['body']>) =>
  (as(who, homesRoutes['POST /v1/homes/{urn}/vacancies']), createVacancy(who.principal, urn, body));

/** POST /v1/vacancies/{id}/confirm (handlers/vacancies.ts): "still available". */
export const stillAvailable = (who: ProviderWho, id: string) => (as(who, homesRoutes['POST /v1/vacancies/{id}/confirm']), confirmVacancy(who.principal, id, {}));

/** PATCH /v1/vacancies/{id} (handlers/vacancies.ts): withdraw or filled. */
export const changeVacancy = (who: ProviderWho, id: string, body: z.output<(typeof homesRoutes)['PATCH /v1/vacancies/{id}']['body']>) =>
  (as(who, homesRoutes['PATCH /v1/vacancies/{id}']), patchVacancy(who.principal, id, body, {}));

/** GET /v1/placements (handlers/placements.ts): placements in the provider's homes. */
export async function placementsInMyHomes(who: ProviderWho, limit: number, cursor: string | undefined) {
  as(who, placementsRoutes['GET /v1/placements']);
  const page = await listPlacements(who.principal, { today: londonToday() }, limit, cursor);
  return { ...page, items: page.items.map(providerPlacementView) };
}
