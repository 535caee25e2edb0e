import { londonToday } from '../domain/calendar-days.ts';
import { ledgerFor, requireLedgerPeriod } from '../domain/ledger.ts';
import type { Principal } from '../domain/principal.ts';
import { loadLedger } from '../store/pool.ts';
import type { Caller } from './caller.ts';

/** GET /v1/pool/ledger: a report computed from every bed and the allocation history, shown as `ledgerFor` says the caller may see it. */
export async function ledger(c: Caller<Extract<Principal, { kind: 'authority' | 'programme-office' }>>, from: string, to: string) {
  requireLedgerPeriod(to, londonToday());
  return ledgerFor(await loadLedger(from, to), c.principal);
}
