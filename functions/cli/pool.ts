import { LedgerQuery } from '../../schemas/pool.ts';
import { zodErrors } from '../http/edge.ts';
import { requireLedgerPeriod, type Ledger } from '../domain/ledger.ts';
import { londonToday } from '../domain/calendar-days.ts';
import type { HubError } from '../domain/errors.ts';
import type { Bed } from '../domain/pool.ts';
import { allBeds, loadLedger } from '../store/pool.ts';

/**
 * `hub pool …`: what an operator at the programme office wants from the pool, against the
 * store the CLI is configured for (local by default). Each command prints a table, or CSV with
 * `--csv`, and sees everything the programme office sees.
 *
 *   hub pool beds [--csv]
 *   hub pool ledger --from YYYY-MM-DD --to YYYY-MM-DD [--csv]
 */

export interface PoolBedsOptions {
  csv?: boolean;
}

export interface PoolLedgerOptions {
  from: string;
  to: string;
  csv?: boolean;
}

type Cell = string | number | undefined;

// ------------------------------------------------------------------ formatting

function csvCell(v: Cell): string {
  const s = v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly Cell[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n');
}

export function toTable(header: readonly string[], rows: readonly Cell[][], rightAligned: ReadonlySet<number> = new Set()): string {
  const text = [header, ...rows].map((r) => r.map((v) => (v === undefined ? '' : String(v))));
  const widths = header.map((_, i) => Math.max(...text.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((v, i) => (rightAligned.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(text[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...text.slice(1).map(line)].join('\n');
}

const gbp = (n: number) => `${n < 0 ? '-' : ''}£${Math.abs(n).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const money2 = (n: number) => n.toFixed(2);

// ------------------------------------------------------------------ beds

const BED_HEADER = ['id', 'homeUrn', 'kind', 'status', 'weeklyCost', 'contractRef', 'from', 'to', 'availableFrom', 'allocationId', 'authority', 'startDate'] as const;

export function bedRows(beds: readonly Bed[], money: (n: number) => string): Cell[][] {
  return beds.map((b) => [
    b.id, b.homeUrn, b.kind, b.status, money(b.weeklyCostPence / 100), b.contractRef, b.from, b.to, b.availableFrom,
    b.allocation?.id, b.allocation?.authority, b.allocation?.startDate,
  ]);
}

/** `hub pool beds [--csv]`: every pooled bed, its status and current allocation. */
export async function poolBeds(opts: PoolBedsOptions = {}): Promise<void> {
  const beds = await allBeds();
  if (opts.csv) {
    console.log(toCsv(BED_HEADER, bedRows(beds, money2)));
    return;
  }
  console.log(toTable(BED_HEADER, bedRows(beds, gbp), new Set([4])));
  const count = (s: string) => beds.filter((b) => b.status === s).length;
  console.log(`\n${beds.length} beds: ${count('available')} available, ${count('occupied')} occupied, ${count('out-of-service')} out of service`);
}

// ------------------------------------------------------------------ ledger

export const LEDGER_CSV_HEADER = [
  'line', 'id', 'kind', 'occupiedNights', 'voidNights', 'occupancy', 'voidCost', 'nightsUsed', 'fundedShare', 'fairShareNights', 'recharge',
] as const;

/** One CSV for both parts of the ledger: `bed` lines, then `authority` lines. Shares and nights unrounded. */
export function ledgerCsv(ledger: Ledger): string {
  return toCsv(LEDGER_CSV_HEADER, [
    ...ledger.beds.map((b): Cell[] => ['bed', b.bedId, b.kind, b.occupiedNights, b.voidNights, b.occupancy, money2(b.voidCost), undefined, undefined, undefined, undefined]),
    ...ledger.authorities.map((a): Cell[] => ['authority', a.authority, undefined, undefined, undefined, undefined, undefined, a.nightsUsed, a.fundedShare, a.fairShareNights, money2(a.recharge)]),
  ]);
}

export function ledgerTables(ledger: Ledger): string {
  const beds = toTable(
    ['bed', 'kind', 'occupied', 'void', 'occupancy', 'void cost'],
    ledger.beds.map((b) => [b.bedId, b.kind, b.occupiedNights, b.voidNights, `${(b.occupancy * 100).toFixed(1)}%`, gbp(b.voidCost)]),
    new Set([2, 3, 4, 5]),
  );
  const authorities = toTable(
    ['authority', 'nights used', 'funded share', 'fair-share nights', 'recharge'],
    ledger.authorities.map((a) => [a.authority, a.nightsUsed, `${(a.fundedShare * 100).toFixed(2)}%`, a.fairShareNights.toFixed(2), gbp(a.recharge)]),
    new Set([1, 2, 3, 4]),
  );
  const occupied = ledger.beds.reduce((s, b) => s + b.occupiedNights, 0);
  const voids = ledger.beds.reduce((s, b) => s + b.voidNights, 0);
  const voidCost = ledger.beds.reduce((s, b) => s + Math.round(b.voidCost * 100), 0) / 100;
  return [
    `Pooled beds ledger ${ledger.from} to ${ledger.to} (inclusive)`,
    '',
    beds,
    '',
    `${occupied} occupied and ${voids} void nights${occupied + voids ? ` (${((occupied / (occupied + voids)) * 100).toFixed(1)}% occupied)` : ''}; void cost ${gbp(voidCost)}`,
    '',
    authorities,
    '',
    'recharge > 0: used more than its funded share (pays in); < 0: used less (is paid back). Exact recharges sum to £0; each is rounded to the penny.',
  ].join('\n');
}

/** `hub pool ledger --from --to [--csv]`: the ledger as the programme office sees it (all 11 authorities). */
export async function poolLedger(opts: PoolLedgerOptions): Promise<void> {
  const parsed = LedgerQuery.safeParse({ from: opts.from, to: opts.to });
  if (!parsed.success) {
    throw new Error(`hub pool ledger: ${zodErrors(parsed.error).map((e) => `--${e.path} ${e.message}`).join('; ')}`);
  }
  try {
    requireLedgerPeriod(parsed.data.to, londonToday());
  } catch (e) {
    throw new Error(`hub pool ledger: ${(e as HubError).errors?.map((f) => `--${f.path} ${f.message}`).join('; ')}`);
  }
  const ledger = await loadLedger(parsed.data.from, parsed.data.to);
  console.log(opts.csv ? ledgerCsv(ledger) : ledgerTables(ledger));
}
