import { lambda } from '../http/edge.ts';
import { poolRoutes } from '../routes/pool.ts';
import { ledger } from '../app/pool-ledger.ts';

/**
 * The pooled-bed ledger, in its own read-only Lambda: functions/app/pool-ledger.ts, a report
 * computed from every bed and the allocation history, shown as the caller may see it.
 */
export const handler = lambda(poolRoutes, {
  'GET /v1/pool/ledger': async (req) => ({ body: await ledger(req, req.query.from, req.query.to) }),
});
