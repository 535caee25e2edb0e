import { lambda, type HubRequest, type Impl, type Reply } from '../http/edge.ts';
import { pageInMemory } from '../store/cursor.ts';
import { idempotency } from '../store/idempotency.ts';
import { poolRoutes } from '../routes/pool.ts';
import { notFound, unprocessable } from '../domain/errors.ts';
import type { Principal } from '../domain/principal.ts';
import { londonToday } from '../domain/calendar-days.ts';
import { requireKnownOutcode } from '../domain/geo.ts';
import { endRefusal, rankCandidates, stepDownRefusal } from '../domain/pool.ts';
import { getHome } from '../store/homes.ts';
import {
  allBeds, allocate, cancelRequest, createBed, createRequest, endAllocation, getAllocation, getBed, getRequest,
  listAllocations, listBeds, listRequests, setBedStatus,
  type AllocationItem, type BedItem, type RequestItem,
} from '../store/pool.ts';

/** Pooled emergency and move-on beds (CONTRACT.md): thin — parse (edge) → domain/store → reply. */

// ------------------------------------------------------------------ replies

const toGbp = (pence: number) => pence / 100;

/** The bed as `who` may see it: the allocation only for the programme office or the authority it is for. */
function bedReply(bed: BedItem, who: Principal) {
  const seesAllocation = bed.allocation && (who.kind === 'programme-office' || (who.kind === 'authority' && bed.allocation.authority === who.id));
  return {
    id: bed.id,
    homeUrn: bed.homeUrn,
    kind: bed.kind,
    status: bed.status,
    weeklyCost: toGbp(bed.weeklyCostPence),
    contractRef: bed.contractRef,
    from: bed.from,
    ...(bed.to ? { to: bed.to } : {}),
    ...(bed.shares ? { shares: bed.shares } : {}),
    ...(bed.allocation ? {} : { availableFrom: bed.availableFrom }),
    ...(seesAllocation ? { allocation: bed.allocation } : {}),
  };
}

const requestReply = (r: RequestItem) => ({
  id: r.id,
  authority: r.authority,
  kind: r.kind,
  urgency: r.urgency,
  neededFrom: r.neededFrom,
  child: { childRef: r.child.childRef, age: r.child.age, sex: r.child.sex, needs: r.child.needs },
  ...(r.homeOutcode ? { homeOutcode: r.homeOutcode } : {}),
  status: r.status,
  ...(r.allocationId ? { allocationId: r.allocationId } : {}),
  createdAt: r.createdAt,
});

const allocationReply = (a: AllocationItem) => ({
  id: a.id,
  requestId: a.requestId,
  bedId: a.bedId,
  authority: a.authority,
  startDate: a.startDate,
  status: a.status,
  ...(a.endDate ? { endDate: a.endDate } : {}),
  ...(a.reason ? { reason: a.reason } : {}),
  ...(a.steppedDownFrom ? { steppedDownFrom: a.steppedDownFrom } : {}),
  ...(a.steppedDownTo ? { steppedDownTo: a.steppedDownTo } : {}),
});

// ------------------------------------------------------------------ routes

export const handler = lambda(poolRoutes, {
  'POST /v1/pool/beds': async ({ principal, body }) => {
    if (!(await getHome(body.homeUrn))) {
      throw unprocessable('No home with this URN is known to the hub; register the home first.', [{ path: 'homeUrn', message: 'unknown home' }]);
    }
    const bed = await createBed(principal, {
      homeUrn: body.homeUrn,
      kind: body.kind,
      weeklyCostPence: Math.round(body.weeklyCost * 100),
      contractRef: body.contractRef,
      from: body.from,
      ...(body.to ? { to: body.to } : {}),
      ...(body.shares ? { shares: body.shares } : {}),
    });
    return { status: 201, body: { id: bed.id, status: bed.status }, headers: { location: `/v1/pool/beds/${bed.id}` } };
  },

  'GET /v1/pool/beds': async ({ principal, query }) => {
    const page = await listBeds(query.limit, query.cursor);
    return { body: { items: page.items.map((b) => bedReply(b, principal)), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  },

  'GET /v1/pool/beds/{id}': async ({ principal, params }) => {
    const bed = await getBed(params.id);
    if (!bed) throw notFound('No such pooled bed.');
    return { body: bedReply(bed, principal) };
  },

  'PATCH /v1/pool/beds/{id}': async ({ principal, params, body }) => {
    return { body: bedReply(await setBedStatus(params.id, body.status), principal) };
  },

  'POST /v1/pool/requests': async ({ principal, body }) => {
    requireKnownOutcode(body.homeOutcode, 'homeOutcode');
    const request = await createRequest(principal, {
      kind: body.kind,
      urgency: body.urgency,
      neededFrom: body.neededFrom,
      child: { childRef: body.child.childRef, age: body.child.age, sex: body.child.sex, needs: [...new Set(body.child.needs)] },
      ...(body.homeOutcode ? { homeOutcode: body.homeOutcode } : {}),
    });
    return { status: 201, body: { id: request.id, status: request.status }, headers: { location: `/v1/pool/requests/${request.id}` } };
  },

  'GET /v1/pool/requests': async ({ principal, query }) => {
    const page = await listRequests(principal, query.limit, query.cursor);
    return { body: { items: page.items.map(requestReply), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  },

  'GET /v1/pool/requests/{id}': async ({ principal, params }) => {
    const request = await getRequest(principal, params.id);
    if (!request) throw notFound('No such pool request.');
    return { body: requestReply(request) };
  },

  'POST /v1/pool/requests/{id}/cancel': async ({ principal, params }) => {
    return { body: requestReply(await cancelRequest(principal, params.id)) };
  },

  'GET /v1/pool/requests/{id}/candidates': async ({ principal, params, query }) => {
    const request = await getRequest(principal, params.id);
    if (!request) throw notFound('No such pool request.');
    const beds = (await allBeds()).filter((b) => b.kind === request.kind && b.status === 'available');
    const homes = new Map(await Promise.all([...new Set(beds.map((b) => b.homeUrn))].map(async (urn) => [urn, await getHome(urn)] as const)));
    const ranked = rankCandidates(request, beds.map((bed) => ({ bed, home: homes.get(bed.homeUrn) })), londonToday());
    return { body: pageInMemory(`pool-candidates:${params.id}`, ranked, query.limit, query.cursor) };
  },

  'POST /v1/pool/allocations': async ({ principal, body, requestId }) => {
    const allocation = await allocate({ requestId: body.requestId, bedId: body.bedId, startDate: body.startDate, by: principal, httpRequestId: requestId });
    return { status: 201, body: allocationReply(allocation), headers: { location: `/v1/pool/allocations/${allocation.id}` } };
  },

  'GET /v1/pool/allocations': async ({ principal, query }) => {
    const page = await listAllocations(principal, query.limit, query.cursor);
    return { body: { items: page.items.map(allocationReply), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  },

  'GET /v1/pool/allocations/{id}': async ({ principal, params }) => {
    const allocation = await getAllocation(principal, params.id);
    if (!allocation) throw notFound('No such allocation.');
    return { body: allocationReply(allocation) };
  },

  'POST /v1/pool/allocations/{id}/end': async ({ principal, params, body, requestId }) => {
    const allocation = await getAllocation(principal, params.id, true);
    if (!allocation) throw notFound('No such allocation.');
    const refusal = endRefusal(allocation, body.endDate);
    if (refusal) throw refusal;
    if (body.stepDownTo !== undefined) {
      const target = await getBed(body.stepDownTo, true);
      if (!target) throw unprocessable('No such pooled bed.', [{ path: 'stepDownTo', message: 'unknown bed' }]);
      const request = await getRequest(principal, allocation.requestId);
      const why = stepDownRefusal(allocation.bedId, target, request?.child, await getHome(target.homeUrn), body.endDate);
      if (why) throw why;
    }
    const { ended, stepDown } = await endAllocation({
      allocation,
      endDate: body.endDate,
      reason: body.reason,
      ...(body.stepDownTo ? { stepDownTo: body.stepDownTo } : {}),
      by: principal,
      httpRequestId: requestId,
    });
    return { body: { ...allocationReply(ended), ...(stepDown ? { stepDown: allocationReply(stepDown) } : {}) } };
  },
}, { idempotency });
