import { byOf, type By, type Principal } from '../../domain/principal.ts';
import { newPlacementId } from '../ids.ts';
import { allocationPlacement, allocationRefusal, PoolRefusal, requestNotPending, type Allocation, type PoolRequest } from '../../domain/pool.ts';
import type { PlacedHome } from '../../domain/placement-record.ts';
import type { HomeItem } from '../../domain/homes.ts';
import { addressed, authorityRecipient } from '../../domain/events.ts';
import { batchGet, itemAt } from '../batch-get.ts';
import { eventPuts } from '../events.ts';
import * as keys from '../keys.ts';
import { putAllocation, summaryOf } from './allocations.ts';
import { auditPut } from './audit.ts';
import { placedHomeOf, putPlacement } from './placements.ts';
import { bedRefused, claimBed, firmClaim, releaseClaim, takeBed } from './take.ts';
import { newId, recordOf, transact } from './records.ts';
import { markAllocated, requestKey } from './requests.ts';

/**
 * Allocating a pooled bed: one conditional claim on the bed, one BatchGet of the request and the
 * bed's home, the claim marked firm, one transaction (which writes the requesting authority's
 * placement too). Its
 * refusals become PoolRefusals (409 with a reason) from the items as they stood.
 */

/** A request and a home in one consistent BatchGetItem round trip (either may be absent). */
async function getRequestAndHome(who: Principal, requestId: string, homeUrn: string): Promise<{ request?: PoolRequest; home?: HomeItem & PlacedHome }> {
  const requestAt = requestKey(who, requestId);
  const homeAt = keys.home(homeUrn);
  const found = await batchGet(requestAt ? [requestAt, homeAt] : [homeAt], { consistent: true });
  const homeItem = itemAt(found, homeAt);
  return { request: recordOf<PoolRequest>(itemAt(found, requestAt)), home: homeItem ? placedHomeOf(homeItem) : undefined };
}

export interface AllocateInput {
  requestId: string;
  bedId: string;
  startDate: string;
  /** The programme office (it alone allocates): it reads any authority's request by its id. */
  who: Principal;
  /** Who is acting, recorded on the allocation and its placement (by default `who`'s organisation, no person). */
  by?: By;
  /** The HTTP request id, for the audit entry. */
  httpRequestId: string;
  now?: Date;
}

/**
 * Allocates a bed to a pending request:
 *   1. claims the bed (one conditional write: contenders are refused here, see claimBed);
 *   2. reads the request and the bed's home in one round trip, and checks the allocation's rules
 *      (allocationRefusal: request pending, bed suits it, home can care for the child, the
 *      setting is lawful for the child's age — regs 27A/27C) and builds the requesting
 *      authority's placement (allocationPlacement: host, location, approval, reg 13(4) notice);
 *      nothing standing in the way, it marks its claim firm (contenders stop looking again);
 *   3. one transaction: the bed (still free and claimed by us) becomes occupied, the request
 *      (still pending) becomes allocated, and the allocation (naming its placement), the
 *      placement (with any notice delivered to a host of the 11), a write-once audit entry and
 *      the events (allocation.created, placement.created, notice.delivered) are written: no allocation without its placement, nor a placement without its allocation.
 * Under any concurrency one caller wins a bed and a request; the others get a 409 PoolRefusal
 * with its reason. A claim that does not become an allocation is released at once (or lapses
 * after BED_CLAIM_MS if its holder died), so bed refusals come before request refusals.
 */
export async function allocate(input: AllocateInput): Promise<Allocation> {
  const now = input.now ?? new Date();
  const { bedId, startDate } = input;
  const claimId = `clm_${newId(now.getTime())}`;
  const bed = await claimBed(bedId, claimId, now.getTime());
  try {
    const { request, home } = await getRequestAndHome(input.who, input.requestId, bed.homeUrn);
    const refusal = allocationRefusal(bed, request, home, startDate);
    if (refusal) throw refusal;
    if (!request) throw new Error('unreachable: allocationRefusal refuses an unknown request');
    if (!home) throw new PoolRefusal('unprocessable', 'unknown home', 'bedId', "The bed's home is not in the hub, so the placement cannot be recorded.");
    await firmClaim(bedId, claimId);
    const by = input.by ?? byOf(input.who);
    const id = `alc_${request.authority}_${newId(now.getTime())}`;
    const placementId = newPlacementId(request.authority, now.getTime());
    const allocation: Allocation = {
      id, requestId: request.id, bedId, authority: request.authority, startDate, status: 'active', placementId, createdAt: now.toISOString(), createdBy: by.principal, by,
    };
    const placement = allocationPlacement({ id: placementId, noticeId: `ntc_${newId(now.getTime())}`, allocation, bed, request, home, by, now });
    const audit = {
      action: 'pool.allocate', ...by, allocationId: id, placementId, requestId: request.id, authority: request.authority, startDate, httpRequestId: input.httpRequestId,
    };
    await transact(
      [
        takeBed(bedId, summaryOf(allocation), claimId, now.getTime()), markAllocated(request, id, bedId), putAllocation(allocation), auditPut(bedId, audit, allocation.createdAt),
        ...putPlacement(placement),
        // allocation.created to the requesting authority (placement.created and any notice.delivered are the placement's)
        ...eventPuts(addressed('allocation.created', id, [authorityRecipient(request.authority)], new Date(), () => newId())),
      ],
      (failed) => {
        if (failed[0]) return bedRefused(failed[0], { field: 'bedId', now: now.getTime(), ownClaim: claimId, startDate });
        if (failed[1]) return requestNotPending(`The request is ${String(failed[1].status ?? 'gone')}; only a pending request can be allocated.`);
        return new PoolRefusal('conflict', 'allocation-exists', 'requestId', 'This allocation was already written.');
      },
    );
    return allocation;
  } catch (e) {
    await releaseClaim(bedId, claimId).catch(() => undefined); // if even this fails, the claim lapses (BED_CLAIM_MS)
    throw e;
  }
}
