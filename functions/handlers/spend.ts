import { lambda } from '../http/edge.ts';
import { idempotency } from '../store/idempotency.ts';
import { spendRoutes } from '../routes/spend.ts';
import { receiveBatch, ukDate } from '../domain/spend.ts';
import { batchSummary, commitBatch, deleteBatch, keptBatch, listBatches, ownBatch } from '../store/spend.ts';

/** Pooled spend: an authority posts, lists, reads and deletes its own spend batches. */
export const handler = lambda(spendRoutes, {
  'POST /v1/spend/batches': async (req) => {
    const { created, answer } = await commitBatch(receiveBatch(req.principal.id, req.body, ukDate()));
    return { status: created ? 201 : 200, body: answer };
  },

  'GET /v1/spend/batches': async (req) => ({ body: await listBatches(req.principal, req.query) }),

  'GET /v1/spend/batches/{batchId}': async (req) => ({ body: batchSummary(await ownBatch(req.principal.id, req.params.batchId)) }),

  'GET /v1/spend/batches/{batchId}/raw': async (req) => {
    const { batchId } = req.params;
    const kept = await keptBatch(req.principal.id, batchId);
    return {
      body: kept.text,
      headers: {
        'content-type': kept.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json',
        'content-disposition': `attachment; filename="spend-${batchId}.${kept.format}"`,
        'x-content-type-options': 'nosniff',
      },
    };
  },

  'DELETE /v1/spend/batches/{batchId}': async (req) => {
    await deleteBatch(req.principal.id, req.params.batchId);
    return { status: 204 };
  },
}, { idempotency });
