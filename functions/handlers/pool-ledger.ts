import { lambda } from '../http/edge.ts';
import { poolRoutes } from '../routes/pool.ts';
import { loadLedger } from '../store/pool.ts';
import { londonToday } from '../domain/calendar-days.ts';
import { requireLedgerPeriod } from '../domain/ledger.ts';

/**
 * The pooled-bed ledger, in its own read-only Lambda: a report computed from every bed and the
 * allocation history (functions/domain/ledger.ts). The programme office gets all 11 authority
 * lines; an authority every bed line and only its own authority line.
 */
export const handler = lambda(poolRoutes, {
  'GET /v1/pool/ledger': async ({ principal, query }) => {
    requireLedgerPeriod(query.to, londonToday());
    const ledger = await loadLedger(query.from, query.to);
    if (principal.kind === 'authority') ledger.authorities = ledger.authorities.filter((a) => a.authority === principal.id);
    return { body: ledger };
  },
});
