import { ListQuery } from '../../schemas/common.ts';
import { ReferralId } from '../../schemas/ids.ts';
import { DeclineInput, Offer, OfferInput, OfferList, OfferParams } from '../../schemas/offers.ts';
import { CASEWORK, type HandlerDef, type RouteDef } from './types.ts';

/** Offers and bed holds (issue 12): this part of the route table (composed in functions/routes/index.ts) and its Lambda; accepting is ./offer-acceptance.ts. */
export const offersHandlers = {
  // reads referrals, homes and vacancies; writes offers, bed holds and audit entries
  offers: { grants: ['table:read', 'table:write'], assets: ['sharing-agreements'] },
} as const satisfies Record<string, HandlerDef>;

export const offersRoutes = {
  'POST /v1/referrals/{id}/offers': {
    handler: 'offers',
    access: ['provider'],
    summary: 'Offer one of your homes (and a bed of one of its open vacancies, held until holdUntil) for a referral you may read now (audited); 422 naming each rule the offer breaks, 409 on a placed referral, a second open offer of the home, or no unheld bed',
    params: ReferralId,
    body: OfferInput,
    response: Offer,
    status: 201,
    idempotent: true,
    statuses: [409, 422],
    doc: {
      example: {
        homeUrn: 'SC483714', vacancyId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', startDate: '2026-06-01',
        weeklyCost: { core: 5200, additionalSupport: 650.5, education: 300 }, holdUntil: '2026-05-29T17:00:00Z', note: 'Room with its own bathroom',
      },
      headers: ['Location'],
    },
  },
  'GET /v1/referrals/{id}/offers': {
    handler: 'offers',
    access: ['authority', 'provider'],
    summary: 'The offers on a referral: every one for the owner authority, its own for a provider that may read the referral (audited); otherwise 404',
    params: ReferralId,
    query: ListQuery,
    response: OfferList,
  },
  'GET /v1/offers/{id}': {
    handler: 'offers',
    access: ['authority', 'provider'],
    summary: 'An offer, for the owner authority of its referral or the provider that made it (while it may read the referral); otherwise 404',
    params: OfferParams,
    response: Offer,
  },
  'POST /v1/offers/{id}/decline': {
    handler: 'offers',
    access: ['authority'],
    personRoles: CASEWORK,
    summary: 'The owner authority declines an open offer with a coded reason (its held bed is freed); 409 when the offer is not open',
    params: OfferParams,
    body: DeclineInput,
    response: Offer,
    statuses: [409],
    doc: { example: { reason: 'location' } },
  },
  'POST /v1/offers/{id}/withdraw': {
    handler: 'offers',
    access: ['provider'],
    summary: 'The provider withdraws its open offer (its held bed is freed); 409 when the offer is not open',
    params: OfferParams,
    response: Offer,
    statuses: [409],
  },
} as const satisfies Record<string, RouteDef & { handler: keyof typeof offersHandlers }>;
