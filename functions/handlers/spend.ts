import { lambda } from '../http/edge.ts';
import { idempotency } from '../store/idempotency.ts';
import { spendRoutes } from '../routes/spend.ts';
import { openCursor, sealCursor } from '../store/cursor.ts';
import { badRequest, notFound, unprocessable } from '../domain/errors.ts';
import type { Principal } from '../domain/principal.ts';
import type { AuthoritySlug } from '../domain/reference/authorities.ts';
import {
  BatchFormatError, gbpOf, MAX_MONTHS_PER_BATCH, parseCsvBatch, parseJsonBatch, prepareBatch, ukDate,
} from '../domain/spend.ts';
import {
  commitBatch, deleteBatch, getBatch, getBatchRaw, listBatches, type BatchItem,
} from '../store/spend.ts';

/** Pooled spend: an authority posts, lists, reads and deletes its own spend batches. */

const summary = (b: BatchItem) => ({
  batchId: b.batchId,
  authority: b.authority,
  receivedAt: b.receivedAt,
  format: b.format,
  lines: b.lines,
  accepted: b.accepted,
  rejected: b.rejected,
  months: b.months,
  spend: gbpOf(b.spendPence),
});

export const handler = lambda(spendRoutes, {
  'POST /v1/spend/batches': async (req) => {
    const authority = req.principal.id;
    const today = ukDate();
    let parsed;
    try {
      parsed = typeof req.body === 'string' ? parseCsvBatch(req.body, today) : parseJsonBatch(req.body.lines, today);
    } catch (e) {
      if (e instanceof BatchFormatError) throw badRequest(e.message, e.errors);
      throw e;
    }
    const batch = prepareBatch(authority, parsed);
    const months = Object.keys(batch.months);
    if (months.length > MAX_MONTHS_PER_BATCH) {
      throw unprocessable(`A batch may span at most ${MAX_MONTHS_PER_BATCH} months; this one spans ${months.length}. Split it.`);
    }
    const raw = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    const { created, answer } = await commitBatch(batch, raw);
    return { status: created ? 201 : 200, body: answer };
  },

  'GET /v1/spend/batches': async (req) => {
    const authority = req.principal.id;
    // A cursor is sealed for the authority's own list: another list's (or another authority's) is a 400.
    const purpose = `spend-batches:${authority}`;
    const startKey = req.query.cursor ? openCursor<Record<string, unknown>>(purpose, req.query.cursor) : undefined;
    const page = await listBatches(authority, req.query.limit, startKey);
    return { body: { items: page.items.map(summary), ...(page.lastKey ? { nextCursor: sealCursor(purpose, page.lastKey) } : {}) } };
  },

  'GET /v1/spend/batches/{batchId}': async (req) => {
    const item = await getBatch(req.principal.id, req.params.batchId, false);
    if (!item) throw notFound('No such spend batch.');
    return { body: summary(item) };
  },

  'GET /v1/spend/batches/{batchId}/raw': async (req) => {
    const item = await getBatch(req.principal.id, req.params.batchId, false);
    const raw = item && (await getBatchRaw(item));
    if (!item || raw === undefined) throw notFound('No such spend batch.');
    return {
      body: raw,
      headers: {
        'content-type': item.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json',
        'content-disposition': `attachment; filename="spend-${item.batchId}.${item.format}"`,
        'x-content-type-options': 'nosniff',
      },
    };
  },

  'DELETE /v1/spend/batches/{batchId}': async (req) => {
    if (!(await deleteBatch(req.principal.id, req.params.batchId))) throw notFound('No such spend batch.');
    return { status: 204 };
  },
}, { idempotency });
