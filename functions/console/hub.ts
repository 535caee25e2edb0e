import type { AuthorityCaller, Caller } from '../app/caller.ts';
import { trail as auditTrail } from '../app/audit.ts';
import { accept as acceptOffer } from '../app/offer-acceptance.ts';
import { offersCompared } from '../app/offer-comparison.ts';
import * as offers from '../app/offers.ts';
import * as placementsApp from '../app/placements.ts';
import * as referrals from '../app/referrals.ts';
import { forbidden } from '../domain/errors.ts';
import type { PersonRole, Principal } from '../domain/principal.ts';
import { personMayCall } from '../http/edge.ts';
import { offerAcceptanceRoutes } from '../routes/offer-acceptance.ts';
import { offersRoutes } from '../routes/offers.ts';
import { placementsRoutes } from '../routes/placements.ts';
import { referralsRoutes } from '../routes/referrals.ts';
import type { RouteDef } from '../routes/types.ts';
import type { DeclineReason } from '../../schemas/codes.ts';

/**
 * What the console does, as the API does it: each operation is the API route's person rule, then
 * the same application operation (functions/app/) its handler calls — the same access decision,
 * audit entry and store calls — never an HTTP call to the hub itself. A person sees here exactly
 * what their principal sees through the API. The officer's search is ./hub-search.ts (its own
 * console Lambda), the provider's operations ./hub-provider.ts, the programme office's ./hub-programme.ts.
 */

/** The signed-in person's organisation, the person (`by`, `person`), their roles and the request: an app Caller. */
export interface Who extends Caller {
  person: string | undefined;
  roles: readonly PersonRole[];
}
type AuthorityWho = Who & AuthorityCaller;

/**
 * What the edge checks before a handler runs, for a person in the console: the route's access list
 * (another kind of organisation is 403 here) and its person rule (functions/http/edge.ts: some role
 * of the organisation, and one the route names where it names them; else 403).
 */
export function as(who: Who, route: RouteDef): void {
  if (!route.access.includes(who.principal.kind)) throw forbidden('This is not for your organisation.');
  personMayCall(route, who.roles);
}

/** The agreements in force that the caller is a party to, with their purposes (the referral form's choices). */
export const agreementsFor = (p: Principal) => referrals.agreementsFor(p);

/** POST /v1/referrals. */
export async function createReferral(who: AuthorityWho, body: Parameters<typeof referrals.createReferral>[1]): Promise<string> {
  as(who, referralsRoutes['POST /v1/referrals']);
  return (await referrals.createReferral(who, body)).id;
}

/** GET /v1/referrals, an authority's own. */
export const ownReferrals = (who: AuthorityWho, limit: number, cursor: string | undefined) =>
  (as(who, referralsRoutes['GET /v1/referrals']), referrals.ownReferrals(who, limit, cursor));

/** GET /v1/referrals/{id} as its owner: anyone else's is audited and 404 here (the console's officer pages are the owner's). */
export const ownReferral = (who: AuthorityWho, id: string) => (as(who, referralsRoutes['GET /v1/referrals/{id}']), referrals.ownReferral(who, id));

/** POST /v1/referrals/{id}/consent, recorded now by the person named. */
export async function recordConsent(who: AuthorityWho, id: string, status: 'given' | 'withdrawn', by: string): Promise<void> {
  as(who, referralsRoutes['POST /v1/referrals/{id}/consent']);
  await referrals.recordConsent(who, id, { status, recordedAt: new Date().toISOString(), by });
}

/** GET /v1/referrals/{id}/offers as the owner, with each home's rating and distance from the child's home outcode. */
export function offersOn(who: AuthorityWho, id: string) {
  as(who, offersRoutes['GET /v1/referrals/{id}/offers']);
  as(who, referralsRoutes['GET /v1/referrals/{id}']);
  return offersCompared(who, id);
}

/** POST /v1/offers/{id}/accept. */
export const accept = (who: AuthorityWho, offerId: string) => (as(who, offerAcceptanceRoutes['POST /v1/offers/{id}/accept']), acceptOffer(who, offerId));

/** POST /v1/offers/{id}/decline. */
export const decline = (who: AuthorityWho, offerId: string, reason: DeclineReason) =>
  (as(who, offersRoutes['POST /v1/offers/{id}/decline']), offers.decline(who, offerId, { reason }));

/** GET /v1/placements. */
export const placements = (who: AuthorityWho, limit: number, cursor: string | undefined) =>
  (as(who, placementsRoutes['GET /v1/placements']), placementsApp.placements(who, {}, limit, cursor));

/** GET /v1/placements/{id}. */
export const placement = (who: AuthorityWho, id: string) => (as(who, placementsRoutes['GET /v1/placements/{id}']), placementsApp.placement(who, id));

/** POST /v1/placements/{id}/approval: a person approves only in a role they hold (403 otherwise), and is recorded as who approved. */
export const approve = (who: AuthorityWho, id: string, input: Parameters<typeof placementsApp.approve>[2]) =>
  (as(who, placementsRoutes['POST /v1/placements/{id}/approval']), placementsApp.approve(who, id, input));

/** GET /v1/audit?referralId=. */
export const trail = (who: AuthorityWho, referralId: string, limit: number, cursor: string | undefined) =>
  (as(who, referralsRoutes['GET /v1/audit']), auditTrail(who, { referralId, limit, cursor }));

/** GET /v1/notices, the notices this authority received as a host: decided, audited, shown. */
export const noticesReceived = (who: AuthorityWho, limit: number, cursor: string | undefined) =>
  (as(who, placementsRoutes['GET /v1/notices']), placementsApp.noticesReceived(who, limit, cursor));
