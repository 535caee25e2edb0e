import { lambda } from '../http/edge.ts';
import { idempotency } from '../store/idempotency.ts';
import { poolAllocationsRoutes } from '../routes/pool-allocations.ts';
import * as allocations from '../app/pool-allocations.ts';

/**
 * Pool allocations (CONTRACT.md): parse (edge) → functions/app/pool-allocations.ts → reply. An
 * allocation is also the requesting authority's placement: allocating creates it, ending ends it,
 * a step-down starts the next (the store does each in the allocation's one transaction).
 */

export const handler = lambda(poolAllocationsRoutes, {
  'POST /v1/pool/allocations': async (req) => {
    const allocation = await allocations.allocate(req, req.body);
    return { status: 201, body: allocation, headers: { location: `/v1/pool/allocations/${allocation.id}` } };
  },
  'GET /v1/pool/allocations': async (req) => ({ body: await allocations.allocations(req, req.query.limit, req.query.cursor) }),
  'GET /v1/pool/allocations/{id}': async (req) => ({ body: await allocations.allocation(req, req.params.id) }),
  'POST /v1/pool/allocations/{id}/end': async (req) => ({ body: await allocations.end(req, req.params.id, req.body) }),
}, { idempotency });
