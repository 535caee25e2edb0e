import type { z } from 'zod/mini';
import type { ProviderCaller } from '../app/caller.ts';
import * as homes from '../app/homes.ts';
import * as offers from '../app/offers.ts';
import * as placements from '../app/placements.ts';
import * as referrals from '../app/referrals.ts';
import * as vacancies from '../app/vacancies.ts';
import { notFound } from '../domain/errors.ts';
import { homesRoutes } from '../routes/homes.ts';
import { offersRoutes } from '../routes/offers.ts';
import { placementsRoutes } from '../routes/placements.ts';
import { referralsRoutes } from '../routes/referrals.ts';
import { as, type Who } from './hub.ts';

/**
 * A provider's operations (./hub.ts for the officer's): each is the API route's access and person
 * rule, then the application operation (functions/app/) its handler calls — the same access
 * decision and the same audit entry (with the person). Never an HTTP call to the hub.
 */

export type ProviderWho = Who & ProviderCaller;

/** GET /v1/referrals as a provider: what is shared and readable now (each listing audited), newest first, with its own offers on each. */
export async function sharedReferrals(who: ProviderWho, limit: number, cursor: string | undefined) {
  as(who, referralsRoutes['GET /v1/referrals']);
  const page = await referrals.sharedPage(who, limit, cursor);
  const items = await Promise.all(page.items.map(async (a) => ({
    id: a.referral.id,
    createdAt: a.referral.createdAt as string,
    view: referrals.sharedViewOf(a),
    // its own offers only, as GET /v1/referrals/{id}/offers answers a provider
    offers: await offers.ownOffersOn(who, a.referral, 20),
  })));
  items.sort((x, y) => (x.createdAt < y.createdAt ? 1 : x.createdAt > y.createdAt ? -1 : 0));
  return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** GET /v1/referrals/{id} as a provider: an audited read (with the person); refused is 404; with its own offers. */
export async function sharedReferral(who: ProviderWho, id: string) {
  as(who, referralsRoutes['GET /v1/referrals/{id}']);
  const { owner, referral, view } = await referrals.readReferral(who, id);
  if (owner) throw notFound();
  return { referral, view, offers: await offers.ownOffersOn(who, referral, 100) };
}

/** POST /v1/referrals/{id}/offers: audited as an offer; 422 naming each rule broken. */
export const makeOffer = (who: ProviderWho, referralId: string, body: z.output<(typeof offersRoutes)['POST /v1/referrals/{id}/offers']['body']>) =>
  (as(who, offersRoutes['POST /v1/referrals/{id}/offers']), offers.makeOffer(who, referralId, body));

/** POST /v1/referrals/{id}/responses: declining with a coded reason, audited as a response. */
export async function respond(who: ProviderWho, referralId: string, body: z.output<(typeof referralsRoutes)['POST /v1/referrals/{id}/responses']['body']>) {
  as(who, referralsRoutes['POST /v1/referrals/{id}/responses']);
  return (await referrals.respond(who, referralId, body)).response;
}

/** POST /v1/offers/{id}/withdraw. */
export const withdrawOffer = (who: ProviderWho, offerId: string) => (as(who, offersRoutes['POST /v1/offers/{id}/withdraw']), offers.withdraw(who, offerId));

/** GET /v1/homes: the provider's own. */
export const myHomes = (who: ProviderWho, limit: number, cursor: string | undefined) =>
  (as(who, homesRoutes['GET /v1/homes']), homes.ownHomes(who, { limit, cursor }));

/** GET /v1/homes/{urn}. */
export const myHome = async (who: ProviderWho, urn: string) => (as(who, homesRoutes['GET /v1/homes/{urn}']), (await homes.home(who, urn)).view);

/** PUT /v1/homes/{urn}. */
export const saveHome = async (who: ProviderWho, urn: string, body: z.output<(typeof homesRoutes)['PUT /v1/homes/{urn}']['body']>) =>
  (as(who, homesRoutes['PUT /v1/homes/{urn}']), (await homes.saveHome(who, urn, body)).view);

/** GET /v1/homes/{urn}/vacancies (the first 50). */
export const vacanciesOf = async (who: ProviderWho, urn: string) =>
  (as(who, homesRoutes['GET /v1/homes/{urn}/vacancies']), (await vacancies.vacanciesOf(who, urn, { limit: 50 })).items);

/** POST /v1/homes/{urn}/vacancies. */
export const postVacancy = async (who: ProviderWho, urn: string, body: z.output<(typeof homesRoutes)['POST /v1/homes/{urn}/vacancies']['body']>) =>
  (as(who, homesRoutes['POST /v1/homes/{urn}/vacancies']), (await vacancies.postVacancy(who, urn, body)).view);

/** POST /v1/vacancies/{id}/confirm: "still available". */
export const stillAvailable = async (who: ProviderWho, id: string) =>
  (as(who, homesRoutes['POST /v1/vacancies/{id}/confirm']), (await vacancies.stillAvailable(who, id)).view);

/** PATCH /v1/vacancies/{id}: withdraw or filled. */
export const changeVacancy = async (who: ProviderWho, id: string, body: z.output<(typeof homesRoutes)['PATCH /v1/vacancies/{id}']['body']>) =>
  (as(who, homesRoutes['PATCH /v1/vacancies/{id}']), (await vacancies.changeVacancy(who, id, body)).view);

/** GET /v1/placements: placements in the provider's homes. */
export const placementsInMyHomes = (who: ProviderWho, limit: number, cursor: string | undefined) =>
  (as(who, placementsRoutes['GET /v1/placements']), placements.placements(who, {}, limit, cursor));
