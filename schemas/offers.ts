import * as z from 'zod/mini';
import { meta } from './meta.ts';
import { ReferralIdText, VacancyId } from './ids.ts';
import { IsoDate, IsoDateTime, listOf, Money, NonNegativeMoney, Urn } from './common.ts';
import { DECLINE_REASONS, OFFER_STATUSES } from './codes.ts';

/** Offers on a referral and their acceptance (CONTRACT.md "Offers and placements"; issue 12). */

export const OfferId = meta(z.string().check(z.maxLength(110), z.regex(/^off_[A-Za-z0-9-]{1,64}_[0-9a-z]{8,40}$/, 'an offer id (off_…)')), { examples: ['off_3f6c2a1e-8b4d-4c7a-9e2f-5d1b0a9c8e7f_mbx2k1q0a1b2c3d4e5f6'] });
export const OfferParams = z.strictObject({ id: OfferId });

const PositiveMoney = meta(Money.check(z.refine((n) => n > 0, 'must be more than 0')), { description: 'GBP, at most 2 decimal places, more than 0', exclusiveMinimum: 0 });

export const OfferInput = meta(z.strictObject({
    homeUrn: meta(Urn, { description: 'One of your homes that can take the child (the hard rules search applies)' }),
    vacancyId: meta(z.optional(VacancyId), { description: 'An open vacancy of that home: the offer holds one of its beds until holdUntil' }),
    startDate: meta(IsoDate, { description: 'Today (Europe/London) or later' }),
    weeklyCost: meta(z.strictObject({
        core: PositiveMoney,
        additionalSupport: z.optional(NonNegativeMoney),
        education: z.optional(NonNegativeMoney),
        health: z.optional(NonNegativeMoney),
        other: z.optional(NonNegativeMoney),
      }), { description: 'The weekly cost as the draft national placements standard splits it; omitted parts are 0' }),
    holdUntil: meta(IsoDateTime, { description: 'After now and at most 7 days ahead: the offer (and any bed it holds) lapses then' }),
    note: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
  }), { id: 'OfferInput' });
export type OfferInput = z.output<typeof OfferInput>;

const Organisation = z.object({ id: z.string().check(z.maxLength(100)), name: z.string().check(z.maxLength(300)) });

export const Offer = meta(z.object({
    id: OfferId,
    referralId: ReferralIdText,
    provider: Organisation,
    homeUrn: Urn,
    homeName: z.string().check(z.maxLength(300)),
    vacancyId: z.optional(VacancyId),
    startDate: IsoDate,
    weeklyCost: z.object({
      core: NonNegativeMoney,
      additionalSupport: NonNegativeMoney,
      education: NonNegativeMoney,
      health: NonNegativeMoney,
      other: NonNegativeMoney,
      total: meta(NonNegativeMoney, { description: 'The exact sum of the parts' }),
    }),
    holdUntil: IsoDateTime,
    note: z.optional(z.string().check(z.maxLength(1000))),
    status: meta(z.enum(OFFER_STATUSES), { description: 'expired: still open when holdUntil passed; superseded: another offer on the referral was accepted' }),
    declineReason: z.optional(z.enum(DECLINE_REASONS)),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    by: meta(z.object({ principal: z.string().check(z.maxLength(100)), person: z.optional(z.string().check(z.maxLength(200))) }), { description: 'Who changed the offer last' }),
  }), { id: 'Offer' });
export const OfferList = listOf(Offer);

export const DeclineInput = meta(z.strictObject({ reason: z.enum(DECLINE_REASONS) }), { id: 'OfferDecline' });

