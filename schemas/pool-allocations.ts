import * as z from 'zod';
import { AuthoritySlug, ByView, IsoDate, listOf, ReasonPlaceChange } from './common.ts';
import { ALLOCATION_STATUSES, ID_PATTERNS } from './codes.ts';

/**
 * Pool allocations (CONTRACT.md, "Pooled emergency and move-on beds"; "Pool allocations are
 * placements"): the schemas of the allocation routes, apart from ./pool.ts so the Lambda that
 * serves them (pool-allocations) does not bundle the beds', requests' and ledger's schemas.
 * ./pool.ts re-exports them.
 */

export const AllocationStatus = z.enum(ALLOCATION_STATUSES);

export const BedId = z.string().max(44).regex(ID_PATTERNS.bed, 'a pooled bed id (bed_…)').meta({ examples: ['bed_0mpdw4sg03fa94c1be20d'] });
export const RequestId = z.string().max(80).regex(ID_PATTERNS.request, 'a pool request id (req_…)').meta({ examples: ['req_essex_0mpdw4sg0b71d2e94a6c'] });
export const AllocationId = z.string().max(80).regex(ID_PATTERNS.allocation, 'an allocation id (alc_…)').meta({ examples: ['alc_essex_0mpdw4sg05e3a8f1c7d2'] });
export const PlacementId = z.string().max(80).regex(ID_PATTERNS.placement, 'a placement id (plc_…)').meta({ examples: ['plc_essex_0mpdw4sg05e3a8f1c7d2'] });

export const AllocationParams = z.strictObject({ id: AllocationId });

export const CreateAllocationBody = z.strictObject({ requestId: RequestId, bedId: BedId, startDate: IsoDate }).meta({ id: 'PoolAllocationInput' });

export const Allocation = z
  .object({
    id: AllocationId,
    requestId: RequestId,
    bedId: BedId,
    authority: AuthoritySlug,
    startDate: IsoDate,
    status: AllocationStatus,
    endDate: IsoDate.optional(),
    reason: ReasonPlaceChange.optional(),
    steppedDownFrom: AllocationId.optional().meta({ description: 'The emergency allocation this move-on allocation followed' }),
    steppedDownTo: AllocationId.optional().meta({ description: 'The move-on allocation that followed this one' }),
    placementId: PlacementId.optional().meta({
      description: "The requesting authority's placement this allocation made (GET /v1/placements/{id}); absent on allocations made before allocations became placements",
    }),
    by: ByView.optional(),
  })
  .meta({ id: 'PoolAllocation' });
export const AllocationList = listOf(Allocation);

export const EndAllocationBody = z.strictObject({
  endDate: IsoDate.meta({ description: 'The first night the bed is free again' }),
  reason: ReasonPlaceChange.meta({ description: "SSDA903 REASON_PLACE_CHANGE: the allocation's placement ends with REC X1 and this reason" }),
  stepDownTo: BedId.optional().meta({ description: 'A move-on bed the child moves into on endDate, in the same step (programme office); its placement starts that day' }),
}).meta({ id: 'PoolAllocationEnd' });

export const EndedAllocation = Allocation.extend({
  stepDown: Allocation.optional().meta({ description: 'The new move-on allocation, when stepDownTo was given' }),
});
