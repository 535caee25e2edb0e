import * as z from 'zod';
import { ReferralIdText } from './ids.ts';
import { AuthoritySlug, IsoDate, IsoDateTime, Money, PlacementProvider, Urn } from './common.ts';
import { APPROVAL_ROLES, APPROVALS_REQUIRED, PLACE_CODES_BY_YEAR, PLACEMENT_LOCATIONS } from './codes.ts';

/** Accepting an offer (CONTRACT.md "Offers and placements"; issue 12): its own file, so the offers Lambda does not carry the placement's shape. */

const OfferId = z.string().max(110).regex(/^off_[A-Za-z0-9-]{1,64}_[0-9a-z]{8,40}$/, 'an offer id (off_…)').meta({ examples: ['off_3f6c2a1e-8b4d-4c7a-9e2f-5d1b0a9c8e7f_mbx2k1q0a1b2c3d4e5f6'] });
export const OfferParams = z.strictObject({ id: OfferId });
export const EmptyInput = z.strictObject({});
const Organisation = z.object({ id: z.string().max(100), name: z.string().max(300) });

/**
 * The placement an accepted offer makes, as its owner reads it. The shape is CONTRACT.md's
 * "Placement"; schemas/placements.ts (the placements part of issue 12) holds the one schema the
 * placement routes answer with, and this one gives way to it when the two are merged.
 */
const ANY_PLACE_CODE = [...new Set(Object.values(PLACE_CODES_BY_YEAR).flat())] as [string, ...string[]];
export const AcceptedPlacement = z.object({
  id: z.string().max(80).regex(/^plc_[a-z-]+_[0-9a-z]{8,40}$/),
  authority: AuthoritySlug,
  childRef: z.string().max(64),
  referralId: ReferralIdText.optional(),
  offerId: OfferId.optional(),
  homeUrn: Urn,
  homeName: z.string().max(300),
  provider: Organisation,
  placementType: z.enum(ANY_PLACE_CODE),
  placementProvider: PlacementProvider,
  startDate: IsoDate,
  weeklyCost: Money,
  hostAuthority: z.object({ onsCode: z.string().max(9), name: z.string().max(100) }),
  location: z.enum(PLACEMENT_LOCATIONS),
  distanceMiles: z.number().nullable(),
  over20Miles: z.boolean().nullable(),
  approval: z.object({ required: z.enum(APPROVALS_REQUIRED), status: z.enum(['not-required', 'pending', 'approved']), role: z.enum(APPROVAL_ROLES).optional() }),
  notices: z.array(z.object({ id: z.string().max(48), regulation: z.enum(['13(4)']), to: z.object({ onsCode: z.string().max(9), name: z.string().max(100) }), dueBy: IsoDate, sentAt: IsoDateTime.optional() })).max(10),
  status: z.enum(['awaiting-approval', 'confirmed', 'ended']),
  createdAt: IsoDateTime,
  by: z.object({ principal: z.string().max(100), person: z.string().max(200).optional() }),
});
