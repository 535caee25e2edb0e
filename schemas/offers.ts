import * as z from 'zod';
import { ReferralIdText, VacancyId } from './ids.ts';
import { IsoDate, IsoDateTime, listOf, Money, NonNegativeMoney, Urn } from './common.ts';
import { DECLINE_REASONS, OFFER_STATUSES } from './codes.ts';

/** Offers on a referral and their acceptance (CONTRACT.md "Offers and placements"; issue 12). */

export const OfferId = z
  .string()
  .max(110)
  .regex(/^off_[A-Za-z0-9-]{1,64}_[0-9a-z]{8,40}$/, 'an offer id (off_…)')
  .meta({ examples: ['off_3f6c2a1e-8b4d-4c7a-9e2f-5d1b0a9c8e7f_mbx2k1q0a1b2c3d4e5f6'] });
export const OfferParams = z.strictObject({ id: OfferId });

const PositiveMoney = Money.refine((n) => n > 0, 'must be more than 0').meta({ description: 'GBP, at most 2 decimal places, more than 0', exclusiveMinimum: 0 });

export const OfferInput = z
  .strictObject({
    homeUrn: Urn.meta({ description: 'One of your homes that can take the child (the hard rules search applies)' }),
    vacancyId: VacancyId.optional().meta({ description: 'An open vacancy of that home: the offer holds one of its beds until holdUntil' }),
    startDate: IsoDate.meta({ description: 'Today (Europe/London) or later' }),
    weeklyCost: z
      .strictObject({
        core: PositiveMoney,
        additionalSupport: NonNegativeMoney.optional(),
        education: NonNegativeMoney.optional(),
        health: NonNegativeMoney.optional(),
        other: NonNegativeMoney.optional(),
      })
      .meta({ description: 'The weekly cost as the draft national placements standard splits it; omitted parts are 0' }),
    holdUntil: IsoDateTime.meta({ description: 'After now and at most 7 days ahead: the offer (and any bed it holds) lapses then' }),
    note: z.string().trim().max(1000).optional(),
  })
  .meta({ id: 'OfferInput' });
export type OfferInput = z.output<typeof OfferInput>;

const Organisation = z.object({ id: z.string().max(100), name: z.string().max(300) });

export const Offer = z
  .object({
    id: OfferId,
    referralId: ReferralIdText,
    provider: Organisation,
    homeUrn: Urn,
    homeName: z.string().max(300),
    vacancyId: VacancyId.optional(),
    startDate: IsoDate,
    weeklyCost: z.object({
      core: NonNegativeMoney,
      additionalSupport: NonNegativeMoney,
      education: NonNegativeMoney,
      health: NonNegativeMoney,
      other: NonNegativeMoney,
      total: NonNegativeMoney.meta({ description: 'The exact sum of the parts' }),
    }),
    holdUntil: IsoDateTime,
    note: z.string().max(1000).optional(),
    status: z.enum(OFFER_STATUSES).meta({ description: 'expired: still open when holdUntil passed; superseded: another offer on the referral was accepted' }),
    declineReason: z.enum(DECLINE_REASONS).optional(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    by: z.object({ principal: z.string().max(100), person: z.string().max(200).optional() }).meta({ description: 'Who changed the offer last' }),
  })
  .meta({ id: 'Offer' });
export const OfferList = listOf(Offer);

export const DeclineInput = z.strictObject({ reason: z.enum(DECLINE_REASONS) }).meta({ id: 'OfferDecline' });

