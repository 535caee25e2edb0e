import type { z } from 'zod/mini';
import { londonToday } from '../domain/calendar-days.ts';
import { bedView, newBedOf, newRequestOf, requestView } from '../domain/pool.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import { pageInMemory } from '../store/cursor.ts';
import { listBeds, readBed, registerBed, setBedStatus } from '../store/pool/beds.ts';
import { candidatesFor, candidatesForEach } from '../store/pool/candidates.ts';
import { cancelRequest, createRequest, listRequests, pendingRequests, readRequest } from '../store/pool/requests.ts';
import type { CreateBedBody, CreateRequestBody, UpdateBedBody } from '../../schemas/pool.ts';
import { pageOf, type AuthorityCaller, type Caller, type OfficeCaller } from './caller.ts';

/**
 * Pooled emergency and move-on beds (CONTRACT.md), as the API and the console both do them: beds,
 * requests, candidates and the allocation board; allocations are ./pool-allocations.ts, the ledger
 * ./pool-ledger.ts.
 */

type Either = Caller<Extract<Principal, { kind: 'authority' | 'programme-office' }>>;

/** POST /v1/pool/beds. */
export async function registerPoolBed(c: OfficeCaller, body: z.output<typeof CreateBedBody>) {
  const bed = await registerBed(c.principal, newBedOf(body));
  return { id: bed.id, status: bed.status };
}
/** GET /v1/pool/beds. */
export const beds = async (c: Either, limit: number, cursor: string | undefined) => pageOf(await listBeds(c.principal, limit, cursor), (b) => bedView(b, c.principal));
/** GET /v1/pool/beds/{id}. */
export const bed = async (c: Either, id: string) => bedView(await readBed(id), c.principal);
/** PATCH /v1/pool/beds/{id}. */
export const setBed = async (c: OfficeCaller, id: string, body: z.output<typeof UpdateBedBody>) => bedView(await setBedStatus(id, body.status), c.principal);

/** POST /v1/pool/requests. */
export async function request(c: AuthorityCaller, body: z.output<typeof CreateRequestBody>) {
  const r = await createRequest(c.principal, newRequestOf(body));
  return { id: r.id, status: r.status };
}
/** GET /v1/pool/requests. */
export const requests = async (c: Either, limit: number, cursor: string | undefined) => pageOf(await listRequests(c.principal, limit, cursor), requestView);
/** GET /v1/pool/requests/{id}. */
export const poolRequest = async (c: Either, id: string) => requestView(await readRequest(c.principal, id));
/** POST /v1/pool/requests/{id}/cancel. */
export const cancel = async (c: AuthorityCaller, id: string) => requestView(await cancelRequest(c.principal, id));
/** GET /v1/pool/requests/{id}/candidates: the request's candidate beds, ranked, paged in memory. */
export async function candidates(c: OfficeCaller, id: string, limit: number, cursor: string | undefined) {
  const ranked = await candidatesFor(c.principal, id, londonToday());
  return pageInMemory(`pool-candidates:${id}:${principalId(c.principal)}`, ranked, limit, cursor);
}

/** The allocation board's page size: what one page costs is bounded by it, not by the board. */
export const BOARD_PAGE = 25;

/**
 * One page of the allocation board (the console's): pending requests, most urgent first and then
 * oldest first, each with its top ranked candidate beds (GET /v1/pool/requests,
 * .../{id}/candidates), and a cursor for the next page.
 */
export async function board(c: OfficeCaller, cursor: string | undefined, candidatesEach = 3, limit = BOARD_PAGE) {
  const page = await pendingRequests(c.principal, limit, cursor);
  const ranked = await candidatesForEach(page.items, londonToday());
  return {
    items: page.items.map((r, i) => ({ request: requestView(r), candidates: ranked[i]!.slice(0, candidatesEach) })),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}
