import { lambda } from '../http/edge.ts';
import { pageInMemory } from '../store/cursor.ts';
import { idempotency } from '../store/idempotency.ts';
import type { Page } from '../store/paging.ts';
import { poolRoutes } from '../routes/pool.ts';
import { principalId } from '../domain/principal.ts';
import { londonToday } from '../domain/calendar-days.ts';
import { bedView, newBedOf, newRequestOf, requestView } from '../domain/pool.ts';
import { listBeds, readBed, registerBed, setBedStatus } from '../store/pool/beds.ts';
import { cancelRequest, createRequest, listRequests, readRequest } from '../store/pool/requests.ts';
import { candidatesFor } from '../store/pool/candidates.ts';

/**
 * Pooled emergency and move-on beds (CONTRACT.md): parse (edge) → domain/store → reply. Beds,
 * requests and candidates; allocations are ./pool-allocations.ts, the ledger ./pool-ledger.ts.
 */

const list = <T, V>({ items, nextCursor }: Page<T>, view: (t: T) => V) => ({ body: { items: items.map(view), ...(nextCursor ? { nextCursor } : {}) } });
const created = <B extends { id: string }>(path: string, body: B) => ({ status: 201, body, headers: { location: `${path}/${body.id}` } });

export const handler = lambda(poolRoutes, {
  'POST /v1/pool/beds': async ({ principal, body }) => {
    const bed = await registerBed(principal, newBedOf(body));
    return created('/v1/pool/beds', { id: bed.id, status: bed.status });
  },
  'GET /v1/pool/beds': async ({ principal, query }) => list(await listBeds(principal, query.limit, query.cursor), (b) => bedView(b, principal)),
  'GET /v1/pool/beds/{id}': async ({ principal, params }) => ({ body: bedView(await readBed(params.id), principal) }),
  'PATCH /v1/pool/beds/{id}': async ({ principal, params, body }) => ({ body: bedView(await setBedStatus(params.id, body.status), principal) }),

  'POST /v1/pool/requests': async ({ principal, body }) => {
    const request = await createRequest(principal, newRequestOf(body));
    return created('/v1/pool/requests', { id: request.id, status: request.status });
  },
  'GET /v1/pool/requests': async ({ principal, query }) => list(await listRequests(principal, query.limit, query.cursor), requestView),
  'GET /v1/pool/requests/{id}': async ({ principal, params }) => ({ body: requestView(await readRequest(principal, params.id)) }),
  'POST /v1/pool/requests/{id}/cancel': async ({ principal, params }) => ({ body: requestView(await cancelRequest(principal, params.id)) }),
  'GET /v1/pool/requests/{id}/candidates': async ({ principal, params, query }) => {
    const ranked = await candidatesFor(principal, params.id, londonToday());
    return { body: pageInMemory(`pool-candidates:${params.id}:${principalId(principal)}`, ranked, query.limit, query.cursor) };
  },

}, { idempotency });
