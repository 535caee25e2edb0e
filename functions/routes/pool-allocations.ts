import { ListQuery } from '../../schemas/common.ts';
import * as alloc from '../../schemas/pool-allocations.ts';
import { CASEWORK, type HandlerDef, type RouteDef } from './types.ts';

/**
 * Pool allocations (issues 4 and 12): this part of the route table (composed in
 * functions/routes/index.ts) and its Lambda, apart from the pool's beds, requests and ledger
 * (./pool.ts) so the Lambda that turns an allocation into a placement bundles the placement rules
 * (host authority, adjacency, working days) and not the beds', requests' and candidates' code and
 * schemas.
 */
export const poolAllocationsHandlers = {
  'pool-allocations': { grants: ['table:read', 'table:write'] },
} as const satisfies Record<string, HandlerDef>;

export const poolAllocationsRoutes = {
  'POST /v1/pool/allocations': {
    handler: 'pool-allocations',
    access: ['programme-office'],
    summary: "Allocate a bed to a pending request, atomically, creating the requesting authority's placement (409 with a reason: bed not available, request not pending; 422: the home cannot take the child, or the setting is unlawful for the child's age, reg-27A/27C)",
    body: alloc.CreateAllocationBody,
    response: alloc.Allocation,
    status: 201,
    idempotent: true,
    statuses: [409, 422],
    doc: {
      example: { requestId: 'req_essex_0mpdw4sg0b71d2e94a6c', bedId: 'bed_0mpdw4sg03fa94c1be20d', startDate: '2026-06-01' },
      headers: ['Location'],
    },
  },
  'GET /v1/pool/allocations': {
    handler: 'pool-allocations',
    access: ['authority', 'programme-office'],
    summary: "Allocations, latest start first: an authority's own, every one for the programme office",
    query: ListQuery,
    response: alloc.AllocationList,
  },
  'GET /v1/pool/allocations/{id}': {
    handler: 'pool-allocations',
    access: ['authority', 'programme-office'],
    summary: 'One allocation (the authority it is for, or the programme office)',
    params: alloc.AllocationParams,
    response: alloc.Allocation,
  },
  'POST /v1/pool/allocations/{id}/end': {
    handler: 'pool-allocations',
    access: ['authority', 'programme-office'],
    personRoles: CASEWORK,
    summary: 'End an allocation with an SSDA903 reason, freeing the bed and ending its placement (REC X1); stepDownTo moves the child into a move-on bed, and a new placement, in the same step',
    params: alloc.AllocationParams,
    body: alloc.EndAllocationBody,
    response: alloc.EndedAllocation,
    idempotent: true,
    statuses: [409, 422],
    doc: { example: { endDate: '2026-06-15', reason: 'CARPL' } },
  },
} as const satisfies Record<string, RouteDef & { handler: keyof typeof poolAllocationsHandlers }>;
