import * as z from 'zod/mini';
import { meta } from './meta.ts';
import { ReferralIdText } from './ids.ts';
import { AuthoritySlug, IsoDate, IsoDateTime, Money, PlacementProvider, Urn } from './common.ts';
import { APPROVAL_ROLES, APPROVALS_REQUIRED, PLACE_CODES_BY_YEAR, PLACEMENT_LOCATIONS } from './codes.ts';

/** Accepting an offer (CONTRACT.md "Offers and placements"; issue 12): its own file, so the offers Lambda does not carry the placement's shape. */

const OfferId = meta(z.string().check(z.maxLength(110), z.regex(/^off_[A-Za-z0-9-]{1,64}_[0-9a-z]{8,40}$/, 'an offer id (off_…)')), { examples: ['off_3f6c2a1e-8b4d-4c7a-9e2f-5d1b0a9c8e7f_mbx2k1q0a1b2c3d4e5f6'] });
export const OfferParams = z.strictObject({ id: OfferId });
export const EmptyInput = z.strictObject({});
const Organisation = z.object({ id: z.string().check(z.maxLength(100)), name: z.string().check(z.maxLength(300)) });

/**
 * The placement an accepted offer makes, as its owner reads it. The shape is CONTRACT.md's
 * "Placement"; schemas/placements.ts (the placements part of issue 12) holds the one schema the
 * placement routes answer with, and this one gives way to it when the two are merged.
 */
const ANY_PLACE_CODE = [...new Set(Object.values(PLACE_CODES_BY_YEAR).flat())] as [string, ...string[]];
export const AcceptedPlacement = z.object({
  id: z.string().check(z.maxLength(80), z.regex(/^plc_[a-z-]+_[0-9a-z]{8,40}$/)),
  authority: AuthoritySlug,
  childRef: z.string().check(z.maxLength(64)),
  referralId: z.optional(ReferralIdText),
  offerId: z.optional(OfferId),
  homeUrn: Urn,
  homeName: z.string().check(z.maxLength(300)),
  provider: Organisation,
  placementType: z.enum(ANY_PLACE_CODE),
  placementProvider: PlacementProvider,
  startDate: IsoDate,
  weeklyCost: Money,
  hostAuthority: z.object({ onsCode: z.string().check(z.maxLength(9)), name: z.string().check(z.maxLength(100)) }),
  location: z.enum(PLACEMENT_LOCATIONS),
  distanceMiles: z.nullable(z.number()),
  over20Miles: z.nullable(z.boolean()),
  approval: z.object({ required: z.enum(APPROVALS_REQUIRED), status: z.enum(['not-required', 'pending', 'approved']), role: z.optional(z.enum(APPROVAL_ROLES)) }),
  notices: z.array(z.object({ id: z.string().check(z.maxLength(48)), regulation: z.enum(['13(4)']), to: z.object({ onsCode: z.string().check(z.maxLength(9)), name: z.string().check(z.maxLength(100)) }), dueBy: IsoDate, sentAt: z.optional(IsoDateTime) })).check(z.maxLength(10)),
  status: z.enum(['awaiting-approval', 'confirmed', 'ended']),
  createdAt: IsoDateTime,
  by: z.object({ principal: z.string().check(z.maxLength(100)), person: z.optional(z.string().check(z.maxLength(200))) }),
});
