import { lambda } from '../http/edge.ts';
import { idempotency } from '../store/idempotency.ts';
import { poolAllocationsRoutes } from '../routes/pool-allocations.ts';
import { allocationView } from '../domain/pool.ts';
import { listAllocations, readAllocation } from '../store/pool/allocations.ts';
import { allocate } from '../store/pool/allocate.ts';
import { endAllocation } from '../store/pool/end.ts';

/**
 * Pool allocations (CONTRACT.md): parse (edge) → store → reply. An allocation is also the
 * requesting authority's placement: allocating creates it, ending ends it, a step-down starts the
 * next (the store does each in the allocation's one transaction).
 */

export const handler = lambda(poolAllocationsRoutes, {
  'POST /v1/pool/allocations': async ({ principal, body, requestId, by }) => {
    const allocation = await allocate({ requestId: body.requestId, bedId: body.bedId, startDate: body.startDate, who: principal, by, httpRequestId: requestId });
    return { status: 201, body: allocationView(allocation), headers: { location: `/v1/pool/allocations/${allocation.id}` } };
  },
  'GET /v1/pool/allocations': async ({ principal, query }) => {
    const { items, nextCursor } = await listAllocations(principal, query.limit, query.cursor);
    return { body: { items: items.map(allocationView), ...(nextCursor ? { nextCursor } : {}) } };
  },
  'GET /v1/pool/allocations/{id}': async ({ principal, params }) => ({ body: allocationView(await readAllocation(principal, params.id)) }),
  'POST /v1/pool/allocations/{id}/end': async ({ principal, params, body, requestId, by }) => {
    const { endDate, reason, stepDownTo } = body;
    const { ended, stepDown } = await endAllocation({ who: principal, by, id: params.id, endDate, reason, ...(stepDownTo ? { stepDownTo } : {}), httpRequestId: requestId });
    return { body: { ...allocationView(ended), ...(stepDown ? { stepDown: allocationView(stepDown) } : {}) } };
  },
}, { idempotency });
