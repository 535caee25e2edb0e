import { lambda } from '../http/edge.ts';
import { idempotency } from '../store/idempotency.ts';
import { poolRoutes } from '../routes/pool.ts';
import * as pool from '../app/pool.ts';

/**
 * Pooled emergency and move-on beds (CONTRACT.md): parse (edge) → functions/app/pool.ts → reply.
 * Beds, requests and candidates; allocations are ./pool-allocations.ts, the ledger ./pool-ledger.ts.
 */

const created = <B extends { id: string }>(path: string, body: B) => ({ status: 201, body, headers: { location: `${path}/${body.id}` } });

export const handler = lambda(poolRoutes, {
  'POST /v1/pool/beds': async (req) => created('/v1/pool/beds', await pool.registerPoolBed(req, req.body)),
  'GET /v1/pool/beds': async (req) => ({ body: await pool.beds(req, req.query.limit, req.query.cursor) }),
  'GET /v1/pool/beds/{id}': async (req) => ({ body: await pool.bed(req, req.params.id) }),
  'PATCH /v1/pool/beds/{id}': async (req) => ({ body: await pool.setBed(req, req.params.id, req.body) }),

  'POST /v1/pool/requests': async (req) => created('/v1/pool/requests', await pool.request(req, req.body)),
  'GET /v1/pool/requests': async (req) => ({ body: await pool.requests(req, req.query.limit, req.query.cursor) }),
  'GET /v1/pool/requests/{id}': async (req) => ({ body: await pool.poolRequest(req, req.params.id) }),
  'POST /v1/pool/requests/{id}/cancel': async (req) => ({ body: await pool.cancel(req, req.params.id) }),
  'GET /v1/pool/requests/{id}/candidates': async (req) => ({ body: await pool.candidates(req, req.params.id, req.query.limit, req.query.cursor) }),
}, { idempotency });
