import { AcceptedPlacement, EmptyInput, OfferParams } from '../../schemas/offer-acceptance.ts';
import { CASEWORK, type HandlerDef, type RouteDef } from './types.ts';

/**
 * Accepting an offer (issue 12): its own part of the route table (composed in
 * functions/routes/index.ts) and Lambda, so the offers Lambda does not carry the placement rules
 * and each stays within the 300 KB bundle budget.
 */
export const offerAcceptanceHandlers = {
  // reads the referral's partition, the home and vacancies; writes the accepting transaction (offer, referral, vacancy, home, placement, audit)
  'offer-accept': { grants: ['table:read', 'table:write'], assets: ['sharing-agreements'] },
} as const satisfies Record<string, HandlerDef>;

export const offerAcceptanceRoutes = {
  'POST /v1/offers/{id}/accept': {
    handler: 'offer-accept',
    access: ['authority'],
    personRoles: CASEWORK,
    summary: 'Accept an open offer (owner authority): one transaction accepts it, supersedes its rivals, places the referral, takes the bed and creates the placement; 409 when the offer or referral is not open or the provider may no longer read it',
    params: OfferParams,
    body: EmptyInput,
    response: AcceptedPlacement,
    status: 201,
    idempotent: true,
    statuses: [409, 422],
    doc: { example: {}, headers: ['Location'] },
  },
} as const satisfies Record<string, RouteDef & { handler: keyof typeof offerAcceptanceHandlers }>;
