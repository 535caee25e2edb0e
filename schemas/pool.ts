import * as z from 'zod';
import {
  Age, AUTHORITY_COUNT, AuthoritySlug, ChildRef, IsoDate, IsoDateTime, ListQuery, listOf, Money, NeedCode, NEED_COUNT, NonNegativeMoney, Outcode,
  OutcodeOut, REASON_LIMITS, Sex, Urgency, Urn,
} from './common.ts';
import {
  BED_STATUSES, POOL_KINDS, REQUEST_STATUSES, sharesSumToOne,
} from './codes.ts';

/**
 * Pooled emergency and move-on beds (CONTRACT.md, "Pooled emergency and move-on beds").
 * Every Lambda loads the route table and so these schemas: they import nothing heavy (whether
 * the hub knows an outcode is the handler's check, against the outcode table only it bundles).
 */

export {
  Allocation, AllocationId, AllocationList, AllocationParams, AllocationStatus, BedId, CreateAllocationBody, EndAllocationBody, EndedAllocation,
  PlacementId, RequestId,
} from './pool-allocations.ts';
import { AllocationId, BedId, RequestId } from './pool-allocations.ts';

export const PoolKind = z.enum(POOL_KINDS);
export const BedStatus = z.enum(BED_STATUSES);
export const RequestStatus = z.enum(REQUEST_STATUSES);

export const BedParams = z.strictObject({ id: BedId });
export const RequestParams = z.strictObject({ id: RequestId });

// ------------------------------------------------------------------ beds

export const Shares = z
  .partialRecord(AuthoritySlug, z.number().gt(0).lte(1))
  .refine(sharesSumToOne, 'shares must name at least one authority and sum to 1')
  .meta({ description: "Each authority's share of the bed's funding, summing to 1; omit for an equal eleventh each" });

export const CreateBedBody = z
  .strictObject({
    homeUrn: Urn,
    kind: PoolKind,
    weeklyCost: Money.refine((n) => n > 0, 'must be more than 0').meta({ description: 'GBP a week, at most 2 decimal places, more than 0', exclusiveMinimum: 0 }),
    contractRef: z.string().trim().min(1).max(64),
    from: IsoDate.meta({ description: 'First day of the block contract' }),
    to: IsoDate.optional().meta({ description: 'Last day of the block contract (inclusive); omit when open-ended' }),
    shares: Shares.optional(),
  })
  .refine((b) => b.to === undefined || b.to >= b.from, { path: ['to'], message: 'must not be before from' })
  .meta({ id: 'PoolBedInput' });

export const BedCreated = z.object({ id: BedId, status: BedStatus });

export const UpdateBedBody = z
  .strictObject({
    status: z.enum(['available', 'out-of-service']).meta({ description: 'Take a free bed out of service or back into it' }),
  })
  .meta({ id: 'PoolBedPatch' });

export const AllocationSummary = z
  .object({ id: AllocationId, requestId: RequestId, authority: AuthoritySlug, startDate: IsoDate })
  .meta({ description: 'The current allocation: every one for the programme office, only its own for an authority' });

export const PoolBed = z
  .object({
    id: BedId,
    homeUrn: Urn,
    kind: PoolKind,
    status: BedStatus,
    weeklyCost: Money.meta({ description: 'GBP a week, at most 2 decimal places, more than 0', exclusiveMinimum: 0 }),
    contractRef: z.string().max(64),
    from: IsoDate,
    to: IsoDate.optional(),
    shares: z.partialRecord(AuthoritySlug, z.number().gt(0).lte(1)).optional(),
    availableFrom: IsoDate.optional().meta({ description: 'While the bed is not occupied: the first date it is free for a new allocation' }),
    allocation: AllocationSummary.optional(),
  })
  .meta({ id: 'PoolBed' });
export const PoolBedList = listOf(PoolBed);

// ------------------------------------------------------------------ requests

export const PoolChild = z.strictObject({
  childRef: ChildRef,
  age: Age,
  sex: Sex,
  needs: z.array(NeedCode).max(NEED_COUNT),
});

export const CreateRequestBody = z.strictObject({
  kind: PoolKind,
  urgency: Urgency,
  neededFrom: IsoDate,
  child: PoolChild,
  homeOutcode: Outcode.optional().meta({ description: 'Outward code of the child\'s home; one the hub does not know → 400' }),
}).meta({ id: 'PoolRequestInput' });

export const RequestCreated = z.object({ id: RequestId, status: RequestStatus });

export const PoolRequest = z
  .object({
    id: RequestId,
    authority: AuthoritySlug,
    kind: PoolKind,
    urgency: Urgency,
    neededFrom: IsoDate,
    child: z.object({ childRef: ChildRef, age: Age, sex: Sex, needs: z.array(NeedCode).max(NEED_COUNT) }),
    homeOutcode: OutcodeOut.optional(),
    status: RequestStatus,
    allocationId: AllocationId.optional(),
    createdAt: IsoDateTime,
  })
  .meta({ id: 'PoolRequest' });
export const PoolRequestList = listOf(PoolRequest);

export const Candidate = z
  .object({
    bedId: BedId,
    homeUrn: Urn,
    kind: PoolKind,
    distanceMiles: z.number().min(0).nullable(),
    score: z.number().min(0).max(1),
    reasons: z.array(z.string().max(REASON_LIMITS.length)).min(1).max(REASON_LIMITS.count),
  })
  .meta({ id: 'PoolCandidate' });
export const CandidateList = listOf(Candidate);

// ------------------------------------------------------------------ ledger

export const LedgerQuery = z
  .strictObject({
    from: IsoDate,
    /** Not after today (Europe/London): checked by the domain (`ledgerPeriodProblem`). */
    to: IsoDate,
  })
  .refine((q) => q.from <= q.to, { path: ['from'], message: 'must not be after to' });

export const Ledger = z
  .object({
    from: IsoDate,
    to: IsoDate,
    beds: z.array(
      z.object({
        bedId: BedId,
        kind: PoolKind,
        occupiedNights: z.number().int().min(0),
        voidNights: z.number().int().min(0),
        occupancy: z.number().min(0).max(1),
        voidCost: NonNegativeMoney,
      }),
    ).meta({ description: 'Every pooled bed, in one answer (the ledger is not paged)' }),
    authorities: z.array(
      z.object({
        authority: AuthoritySlug,
        nightsUsed: z.number().int().min(0),
        fundedShare: z.number().min(0).max(1),
        fairShareNights: z.number().min(0),
        recharge: Money,
      }),
    ).max(AUTHORITY_COUNT),
  })
  .meta({ id: 'PoolLedger' });

export { ListQuery };
