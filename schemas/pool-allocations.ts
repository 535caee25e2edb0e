import * as z from 'zod/mini';
import { meta } from './meta.ts';
import { AuthoritySlug, ByView, IsoDate, listOf, ReasonPlaceChange } from './common.ts';
import { ALLOCATION_STATUSES, ID_PATTERNS } from './codes.ts';

/**
 * Pool allocations (CONTRACT.md, "Pooled emergency and move-on beds"; "Pool allocations are
 * placements"): the schemas of the allocation routes, apart from ./pool.ts so the Lambda that
 * serves them (pool-allocations) does not bundle the beds', requests' and ledger's schemas.
 * ./pool.ts re-exports them.
 */

export const AllocationStatus = z.enum(ALLOCATION_STATUSES);

export const BedId = meta(z.string().check(z.maxLength(44), z.regex(ID_PATTERNS.bed, 'a pooled bed id (bed_…)')), { examples: ['bed_0mpdw4sg03fa94c1be20d'] });
export const RequestId = meta(z.string().check(z.maxLength(80), z.regex(ID_PATTERNS.request, 'a pool request id (req_…)')), { examples: ['req_essex_0mpdw4sg0b71d2e94a6c'] });
export const AllocationId = meta(z.string().check(z.maxLength(80), z.regex(ID_PATTERNS.allocation, 'an allocation id (alc_…)')), { examples: ['alc_essex_0mpdw4sg05e3a8f1c7d2'] });
export const PlacementId = meta(z.string().check(z.maxLength(80), z.regex(ID_PATTERNS.placement, 'a placement id (plc_…)')), { examples: ['plc_essex_0mpdw4sg05e3a8f1c7d2'] });

export const AllocationParams = z.strictObject({ id: AllocationId });

export const CreateAllocationBody = meta(z.strictObject({ requestId: RequestId, bedId: BedId, startDate: IsoDate }), { id: 'PoolAllocationInput' });

export const Allocation = meta(z.object({
    id: AllocationId,
    requestId: RequestId,
    bedId: BedId,
    authority: AuthoritySlug,
    startDate: IsoDate,
    status: AllocationStatus,
    endDate: z.optional(IsoDate),
    reason: z.optional(ReasonPlaceChange),
    steppedDownFrom: meta(z.optional(AllocationId), { description: 'The emergency allocation this move-on allocation followed' }),
    steppedDownTo: meta(z.optional(AllocationId), { description: 'The move-on allocation that followed this one' }),
    placementId: meta(z.optional(PlacementId), {
      description: "The requesting authority's placement this allocation made (GET /v1/placements/{id}); absent on allocations made before allocations became placements",
    }),
    by: z.optional(ByView),
  }), { id: 'PoolAllocation' });
export const AllocationList = listOf(Allocation);

export const EndAllocationBody = meta(z.strictObject({
  endDate: meta(IsoDate, { description: 'The first night the bed is free again' }),
  reason: meta(ReasonPlaceChange, { description: "SSDA903 REASON_PLACE_CHANGE: the allocation's placement ends with REC X1 and this reason" }),
  stepDownTo: meta(z.optional(BedId), { description: 'A move-on bed the child moves into on endDate, in the same step (programme office); its placement starts that day' }),
}), { id: 'PoolAllocationEnd' });

export const EndedAllocation = z.extend(Allocation, {
  stepDown: meta(z.optional(Allocation), { description: 'The new move-on allocation, when stepDownTo was given' }),
});
