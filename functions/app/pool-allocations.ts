import type { z } from 'zod/mini';
import { allocationView } from '../domain/pool.ts';
import type { Principal } from '../domain/principal.ts';
import { allocate as allocateBed } from '../store/pool/allocate.ts';
import { listAllocations, readAllocation } from '../store/pool/allocations.ts';
import { endAllocation } from '../store/pool/end.ts';
import type { CreateAllocationBody, EndAllocationBody } from '../../schemas/pool-allocations.ts';
import { pageOf, type Caller, type OfficeCaller } from './caller.ts';

/**
 * Pool allocations (CONTRACT.md), as the API and the console both do them. An allocation is also
 * the requesting authority's placement: allocating creates it, ending ends it, a step-down starts
 * the next (the store does each in the allocation's one transaction).
 */

type Either = Caller<Extract<Principal, { kind: 'authority' | 'programme-office' }>>;

/** POST /v1/pool/allocations. */
export async function allocate(c: OfficeCaller, body: z.output<typeof CreateAllocationBody>) {
  const { requestId, bedId, startDate } = body;
  return allocationView(await allocateBed({ requestId, bedId, startDate, who: c.principal, by: c.by, httpRequestId: c.requestId }));
}
/** GET /v1/pool/allocations. */
export const allocations = async (c: Either, limit: number, cursor: string | undefined) => pageOf(await listAllocations(c.principal, limit, cursor), allocationView);
/** GET /v1/pool/allocations/{id}. */
export const allocation = async (c: Either, id: string) => allocationView(await readAllocation(c.principal, id));

/** POST /v1/pool/allocations/{id}/end: end, or step down into a move-on bed. */
export async function end(c: Either, id: string, body: z.output<typeof EndAllocationBody>) {
  const { endDate, reason, stepDownTo } = body;
  const { ended, stepDown } = await endAllocation({ who: c.principal, by: c.by, id, endDate, reason, ...(stepDownTo ? { stepDownTo } : {}), httpRequestId: c.requestId });
  return { ...allocationView(ended), ...(stepDown ? { stepDown: allocationView(stepDown) } : {}) };
}
