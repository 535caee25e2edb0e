import { lambda } from '../http/edge.ts';
import { poolRoutes } from '../routes/pool.ts';
import { loadLedger } from '../store/pool.ts';
import { londonToday } from '../domain/calendar-days.ts';
import { ledgerFor, requireLedgerPeriod } from '../domain/ledger.ts';

/**
 * The pooled-bed ledger, in its own read-only Lambda: a report computed from every bed and the
 * allocation history (functions/domain/ledger.ts), shown as `ledgerFor` says the caller may see it.
 */
export const handler = lambda(poolRoutes, {
  'GET /v1/pool/ledger': async ({ principal, query }) => {
    requireLedgerPeriod(query.to, londonToday());
    return { body: ledgerFor(await loadLedger(query.from, query.to), principal) };
  },
});
