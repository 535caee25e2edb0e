import * as z from 'zod/mini';
import { meta } from './meta.ts';
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

export const Shares = meta(z.partialRecord(AuthoritySlug, z.number().check(z.gt(0), z.lte(1))).check(z.refine(sharesSumToOne, 'shares must name at least one authority and sum to 1')), { description: "Each authority's share of the bed's funding, summing to 1; omit for an equal eleventh each" });

export const CreateBedBody = meta(z.strictObject({
    homeUrn: Urn,
    kind: PoolKind,
    weeklyCost: meta(Money.check(z.refine((n) => n > 0, 'must be more than 0')), { description: 'GBP a week, at most 2 decimal places, more than 0', exclusiveMinimum: 0 }),
    contractRef: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)),
    from: meta(IsoDate, { description: 'First day of the block contract' }),
    to: meta(z.optional(IsoDate), { description: 'Last day of the block contract (inclusive); omit when open-ended' }),
    shares: z.optional(Shares),
  }).check(z.refine((b) => b.to === undefined || b.to >= b.from, { path: ['to'], message: 'must not be before from' })), { id: 'PoolBedInput' });

export const BedCreated = z.object({ id: BedId, status: BedStatus });

export const UpdateBedBody = meta(z.strictObject({
    status: meta(z.enum(['available', 'out-of-service']), { description: 'Take a free bed out of service or back into it' }),
  }), { id: 'PoolBedPatch' });

export const AllocationSummary = meta(z.object({ id: AllocationId, requestId: RequestId, authority: AuthoritySlug, startDate: IsoDate }), { description: 'The current allocation: every one for the programme office, only its own for an authority' });

export const PoolBed = meta(z.object({
    id: BedId,
    homeUrn: Urn,
    kind: PoolKind,
    status: BedStatus,
    weeklyCost: meta(Money, { description: 'GBP a week, at most 2 decimal places, more than 0', exclusiveMinimum: 0 }),
    contractRef: z.string().check(z.maxLength(64)),
    from: IsoDate,
    to: z.optional(IsoDate),
    shares: z.optional(z.partialRecord(AuthoritySlug, z.number().check(z.gt(0), z.lte(1)))),
    availableFrom: meta(z.optional(IsoDate), { description: 'While the bed is not occupied: the first date it is free for a new allocation' }),
    allocation: z.optional(AllocationSummary),
  }), { id: 'PoolBed' });
export const PoolBedList = listOf(PoolBed);

// ------------------------------------------------------------------ requests

export const PoolChild = z.strictObject({
  childRef: ChildRef,
  age: Age,
  sex: Sex,
  needs: z.array(NeedCode).check(z.maxLength(NEED_COUNT)),
});

export const CreateRequestBody = meta(z.strictObject({
  kind: PoolKind,
  urgency: Urgency,
  neededFrom: IsoDate,
  child: PoolChild,
  homeOutcode: meta(z.optional(Outcode), { description: 'Outward code of the child\'s home; one the hub does not know → 400' }),
}), { id: 'PoolRequestInput' });

export const RequestCreated = z.object({ id: RequestId, status: RequestStatus });

export const PoolRequest = meta(z.object({
    id: RequestId,
    authority: AuthoritySlug,
    kind: PoolKind,
    urgency: Urgency,
    neededFrom: IsoDate,
    child: z.object({ childRef: ChildRef, age: Age, sex: Sex, needs: z.array(NeedCode).check(z.maxLength(NEED_COUNT)) }),
    homeOutcode: z.optional(OutcodeOut),
    status: RequestStatus,
    allocationId: z.optional(AllocationId),
    createdAt: IsoDateTime,
  }), { id: 'PoolRequest' });
export const PoolRequestList = listOf(PoolRequest);

export const Candidate = meta(z.object({
    bedId: BedId,
    homeUrn: Urn,
    kind: PoolKind,
    distanceMiles: z.nullable(z.number().check(z.gte(0))),
    score: z.number().check(z.gte(0), z.lte(1)),
    reasons: z.array(z.string().check(z.maxLength(REASON_LIMITS.length))).check(z.minLength(1), z.maxLength(REASON_LIMITS.count)),
  }), { id: 'PoolCandidate' });
export const CandidateList = listOf(Candidate);

// ------------------------------------------------------------------ ledger

export const LedgerQuery = z.strictObject({
    from: IsoDate,
    /** Not after today (Europe/London): checked by the domain (`ledgerPeriodProblem`). */
    to: IsoDate,
  }).check(z.refine((q) => q.from <= q.to, { path: ['from'], message: 'must not be after to' }));

export const Ledger = meta(z.object({
    from: IsoDate,
    to: IsoDate,
    beds: meta(z.array(
      z.object({
        bedId: BedId,
        kind: PoolKind,
        occupiedNights: z.number().check(z.int(), z.gte(0)),
        voidNights: z.number().check(z.int(), z.gte(0)),
        occupancy: z.number().check(z.gte(0), z.lte(1)),
        voidCost: NonNegativeMoney,
      }),
    ), { description: 'Every pooled bed, in one answer (the ledger is not paged)' }),
    authorities: z.array(
      z.object({
        authority: AuthoritySlug,
        nightsUsed: z.number().check(z.int(), z.gte(0)),
        fundedShare: z.number().check(z.gte(0), z.lte(1)),
        fairShareNights: z.number().check(z.gte(0)),
        recharge: Money,
      }),
    ).check(z.maxLength(AUTHORITY_COUNT)),
  }), { id: 'PoolLedger' });

export { ListQuery };
