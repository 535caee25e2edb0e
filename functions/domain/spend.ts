import { createHash } from 'node:crypto';
import { csvFormatRow, csvParseRows } from 'd3-dsv';
import type * as z from 'zod/mini';
import { MAX_BATCH_LINES, MAX_LINE_ERRORS, MAX_MONTHS_PER_BATCH, SpendLineInput } from '../../schemas/spend.ts';
import { londonMidnight } from './calendar-days.ts';
import { PLACE_CODES_BY_YEAR, type CollectionYear } from '../../schemas/codes.ts';
import { HubError, unprocessable } from './errors.ts';

/**
 * Spend lines as authorities post them: CSV from a finance system or JSON, validated line by
 * line into one canonical shape with money in integer pence. Pure: no I/O.
 */

export interface LineError {
  path: string;
  message: string;
}

/** A line as the hub keeps it: money in integer pence, absent fields left out. */
export interface SpendLine {
  period: string;
  providerName: string;
  providerUrn?: string;
  companiesHouseNumber?: string;
  providerGroup?: string;
  placementType: string;
  placementProvider: string;
  childRef?: string;
  weeks?: number;
  weeklyCostPence?: number;
  amountPence: number;
}

/**
 * The stored row: a fixed-order array, one JSON array per line of an NDJSON object (compact, and
 * quick to parse when a rollup streams a million of them).
 */
export type StoredRow = [
  period: string,
  providerName: string,
  providerUrn: string | null,
  companiesHouseNumber: string | null,
  providerGroup: string | null,
  placementType: string,
  placementProvider: string,
  childRef: string | null,
  weeks: number | null,
  weeklyCostPence: number | null,
  amountPence: number,
];
export const STORED_ROW_FIELDS = [
  'period', 'providerName', 'providerUrn', 'companiesHouseNumber', 'providerGroup', 'placementType',
  'placementProvider', 'childRef', 'weeks', 'weeklyCostPence', 'amountPence',
] as const;
export const ROW = Object.fromEntries(STORED_ROW_FIELDS.map((f, i) => [f, i])) as { [K in (typeof STORED_ROW_FIELDS)[number]]: number };
export const STORED_FORMAT = 'commission-east/spend-lines/1';

export function toRow(l: SpendLine): StoredRow {
  return [
    l.period, l.providerName, l.providerUrn ?? null, l.companiesHouseNumber ?? null, l.providerGroup ?? null,
    l.placementType, l.placementProvider, l.childRef ?? null, l.weeks ?? null, l.weeklyCostPence ?? null, l.amountPence,
  ];
}

// ---------------------------------------------------------------- money

/** Whole pence from a JSON number already checked to have at most 2 decimal places. */
export const penceOf = (gbp: number): number => Math.round(gbp * 100);
/** GBP as a JSON number (exact for any whole number of pence below 2^53). */
export const gbpOf = (pence: number): number => pence / 100;

/** `1234567` pence → `"12345.67"`, exactly (for CSV output). */
export function penceToText(pence: number): string {
  const sign = pence < 0 ? '-' : '';
  const abs = Math.abs(pence);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * A money amount as a finance export writes it: `5963.5`, `£5,963.50`, `-£12.00`, `£-12`,
 * `(£12.00)` (accounting credit). A `£` mangled by a Windows-1252 export read as UTF-8
 * (`Â£` or U+FFFD) is tolerated. Answers whole pence, or undefined when it is not money.
 */
export function parseMoneyText(text: string): number | undefined {
  let s = text.trim().replace(/^GBP\s*/i, '').replace(/\s*GBP$/i, '');
  let negative = false;
  const paren = /^\((.*)\)$/.exec(s);
  if (paren) {
    negative = true;
    s = paren[1]!.trim();
  }
  s = s.replace(/^(-?)\s*(?:Â£|£|\uFFFD)\s*/, '$1');
  if (s.startsWith('-')) {
    if (negative) return undefined;
    negative = true;
    s = s.slice(1).trim();
  }
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return undefined;
  const whole = Number(m[1]!.replace(/,/g, ''));
  const pence = whole * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(pence) || whole >= 1e12) return undefined;
  return negative ? -pence : pence;
}

// ---------------------------------------------------------------- periods

/** The SSDA903 collection year (April to March) a month falls in, clamped to the lists the hub has. */
export function collectionYearOf(month: string): CollectionYear {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const start = m >= 4 ? y : y - 1;
  const years = Object.keys(PLACE_CODES_BY_YEAR).sort() as CollectionYear[];
  const want = `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
  if (want < years[0]!) return years[0]!;
  if (want > years[years.length - 1]!) return years[years.length - 1]!;
  return (years.includes(want as CollectionYear) ? want : years[0]!) as CollectionYear;
}

/** The months of a rollup period, in order: `2025-05` → 1, `2025-Q2` → 3, `FY2025-26` → 12 (April to March). */
export function monthsOf(period: string): string[] {
  const mm = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}`;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{2})$/.exec(period))) return [period];
  if ((m = /^(\d{4})-Q([1-4])$/.exec(period))) {
    const y = Number(m[1]);
    const q = Number(m[2]);
    return [1, 2, 3].map((i) => mm(y, (q - 1) * 3 + i));
  }
  if ((m = /^FY(\d{4})-(\d{2})$/.exec(period))) {
    const y = Number(m[1]);
    return Array.from({ length: 12 }, (_, i) => (i < 9 ? mm(y, i + 4) : mm(y + 1, i - 8)));
  }
  throw new Error(`not a rollup period: ${period}`);
}

/** The first instant of a rollup period: midnight in the UK on its first day, as ISO 8601 UTC. */
export const periodStart = (period: string): string => londonMidnight(`${monthsOf(period)[0]!}-01`);

/**
 * A rollup period may be rolled up once it has begun (its first UK instant is not after `now`):
 * a period that has not started would be published empty, dated in the future. 422 otherwise.
 */
export function requirePeriodStarted(period: string, now: Date = new Date()): void {
  if (!periodHasStarted(period, now)) {
    throw unprocessable(`${period} has not started yet (it starts ${periodStart(period)}); a period can be rolled up once it has begun.`);
  }
}

export const periodHasStarted = (period: string, now: Date = new Date()): boolean => new Date(periodStart(period)).getTime() <= now.getTime();

/** The periods a month belongs to: itself, its calendar quarter and its financial year. */
export function periodsOfMonth(month: string): string[] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const fy = m >= 4 ? y : y - 1;
  return [month, `${y}-Q${Math.ceil(m / 3)}`, `FY${fy}-${String((fy + 1) % 100).padStart(2, '0')}`];
}

// ---------------------------------------------------------------- lines

function issuesToErrors(error: z.core.$ZodError): LineError[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => ({ path: k, message: 'unknown field' }));
    return [{ path: base || '(line)', message: issue.message }];
  });
}

/**
 * No single line above £100m either way: far beyond any placement, and it keeps every period's
 * sums well inside the range where whole pence add exactly.
 */
export const MAX_LINE_GBP = 100_000_000;

export type LineResult = { ok: true; line: SpendLine } | { ok: false; errors: LineError[] };

/**
 * One line, checked on its own: the schema, the PLACE code against the line's collection year,
 * and no month after the current one (`today` is the UK date).
 */
export function validateLine(input: unknown, today: string): LineResult {
  const parsed = SpendLineInput.safeParse(input);
  if (!parsed.success) return { ok: false, errors: issuesToErrors(parsed.error) };
  const v = parsed.data;
  const errors: LineError[] = [];
  const year = collectionYearOf(v.period);
  if (!(PLACE_CODES_BY_YEAR[year] as readonly string[]).includes(v.placementType)) {
    errors.push({ path: 'placementType', message: `${v.placementType} is not a PLACE code in the ${year} collection year` });
  }
  if (v.period > today.slice(0, 7)) errors.push({ path: 'period', message: 'is after the current month' });
  if (Math.abs(v.amount) > MAX_LINE_GBP) errors.push({ path: 'amount', message: `is over £${MAX_LINE_GBP.toLocaleString('en-GB')} for one line` });
  if (errors.length) return { ok: false, errors };
  const line: SpendLine = {
    period: v.period,
    providerName: v.providerName,
    ...(v.providerUrn !== undefined ? { providerUrn: v.providerUrn } : {}),
    ...(v.companiesHouseNumber !== undefined ? { companiesHouseNumber: v.companiesHouseNumber } : {}),
    ...(v.providerGroup !== undefined ? { providerGroup: v.providerGroup } : {}),
    placementType: v.placementType,
    placementProvider: v.placementProvider,
    ...(v.childRef !== undefined ? { childRef: v.childRef } : {}),
    ...(v.weeks !== undefined ? { weeks: v.weeks } : {}),
    ...(v.weeklyCost !== undefined ? { weeklyCostPence: penceOf(v.weeklyCost) } : {}),
    amountPence: penceOf(v.amount),
  };
  return { ok: true, line };
}

/** CSV header names (case, spaces, `_` and `-` ignored) → the line field they carry. */
const CSV_COLUMNS: Record<string, keyof SpendLineInput> = {
  period: 'period',
  month: 'period',
  providername: 'providerName',
  provider: 'providerName',
  providerurn: 'providerUrn',
  urn: 'providerUrn',
  ofstedurn: 'providerUrn',
  companieshousenumber: 'companiesHouseNumber',
  companynumber: 'companiesHouseNumber',
  providergroup: 'providerGroup',
  group: 'providerGroup',
  placementtype: 'placementType',
  placementprovider: 'placementProvider',
  childref: 'childRef',
  weeks: 'weeks',
  weeklycost: 'weeklyCost',
  amount: 'amount',
};
const REQUIRED_COLUMNS: (keyof SpendLineInput)[] = ['period', 'providerName', 'placementType', 'placementProvider', 'amount'];
const MONEY_FIELDS = new Set<keyof SpendLineInput>(['amount', 'weeklyCost']);

/** The batch is unusable as a whole (no header, unknown columns, no data lines): a 400, naming what is wrong. */
export class BatchFormatError extends HubError {
  override readonly errors: LineError[];
  constructor(message: string, errors: LineError[] = []) {
    super('invalid', message, errors);
    this.errors = errors;
  }
}

export interface ParsedBatch {
  format: 'csv' | 'json';
  /** The batch as posted (CSV text, or the JSON lines serialised): its identity when no line is accepted. Never stored. */
  content: string;
  /** Data lines, in order; `line` is 1-based among data lines. `posted` is an accepted line as sent (CSV cells, or the JSON line). */
  results: { line: number; result: LineResult; posted?: unknown }[];
  /** CSV only: the header row's cells and the line end the batch used. */
  csv?: { header: string[]; eol: string; finalEol: boolean };
}

/**
 * A CSV export: a header row, then one line per data row. Quoted fields (with "" for a quote,
 * and line breaks inside), a BOM, CRLF, LF or CR line ends and blank lines are fine; money may
 * carry `£` and thousands separators. A row that cannot be read as the header's fields (a broken
 * quote, a missing or extra field) is rejected on its own.
 *
 * RFC 4180 parsing is d3-dsv's (a 3 KB, widely used parser): csv-parse would carry the spend
 * Lambda over its 300 KB bundle budget (see the issue report).
 */
export function parseCsvBatch(text: string, today: string): ParsedBatch {
  const records = csvParseRows(text.replace(/^\uFEFF/, '')).filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
  if (records.length === 0) throw new BatchFormatError('The CSV is empty: send a header row and at least one data line.');
  const header = records[0]!.map((h) => h.trim());
  const fields: (keyof SpendLineInput)[] = [];
  const problems: LineError[] = [];
  header.forEach((h, i) => {
    const f = CSV_COLUMNS[h.toLowerCase().replace(/[\s_-]+/g, '')];
    if (!f) problems.push({ path: `header.${i + 1}`, message: `unknown column "${h}"` });
    else if (fields.includes(f)) problems.push({ path: `header.${i + 1}`, message: `column "${h}" repeats ${f}` });
    fields.push(f as keyof SpendLineInput);
  });
  for (const r of REQUIRED_COLUMNS) if (!fields.includes(r)) problems.push({ path: 'header', message: `missing column ${r}` });
  if (problems.length) throw new BatchFormatError('The CSV header row is not usable.', problems);
  if (records.length === 1) throw new BatchFormatError('The CSV has a header row but no data lines.');
  if (records.length - 1 > MAX_BATCH_LINES) throw new BatchFormatError(`A batch holds at most ${MAX_BATCH_LINES} data lines; split it.`);

  // Data lines are numbered from 1 after the header; blank lines are not counted.
  const results: ParsedBatch['results'] = [];
  for (let i = 1; i < records.length; i++) {
    const cells = records[i]!;
    const line = i;
    if (cells.length !== header.length) {
      const runOn = cells.some((c) => /[\r\n]/.test(c)) ? ' (a quoted field runs on: is a closing quote missing?)' : '';
      results.push({ line, result: { ok: false, errors: [{ path: '(line)', message: `has ${cells.length} fields; the header has ${header.length}${runOn}` }] } });
      continue;
    }
    const obj: Record<string, unknown> = {};
    const errors: LineError[] = [];
    cells.forEach((raw, c) => {
      const f = fields[c]!;
      const v = raw.trim();
      if (v === '') return;
      // Messages never quote the cell: a rejected line's content is not kept, not even in the answer.
      if (MONEY_FIELDS.has(f)) {
        const pence = parseMoneyText(v);
        if (pence === undefined) errors.push({ path: f, message: 'is not an amount in GBP such as £5,963.50' });
        else obj[f] = gbpOf(pence);
      } else if (f === 'weeks') {
        const n = /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
        if (Number.isNaN(n)) errors.push({ path: f, message: 'is not a number of weeks' });
        else obj[f] = n;
      } else obj[f] = v;
    });
    if (!('amount' in obj) && !errors.some((e) => e.path === 'amount')) errors.push({ path: 'amount', message: 'is required' });
    const result = validateLine(obj, today);
    if (errors.length) {
      const more = result.ok ? [] : result.errors.filter((e) => !errors.some((x) => x.path === e.path));
      results.push({ line, result: { ok: false, errors: [...errors, ...more] } });
    } else results.push({ line, result, ...(result.ok ? { posted: cells } : {}) });
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { format: 'csv', content: text, results, csv: { header: records[0]!, eol, finalEol: /[\r\n]$/.test(text) } };
}

export function parseJsonBatch(lines: unknown[], today: string): ParsedBatch {
  return {
    format: 'json',
    content: JSON.stringify(lines),
    results: lines.map((l, i) => {
      const result = validateLine(l, today);
      return { line: i + 1, result, ...(result.ok ? { posted: l } : {}) };
    }),
  };
}

/**
 * What the hub keeps of a batch as posted, in its format: the accepted lines only, as they were
 * sent (a CSV's header and cells — every column is one the hub knows, or the batch was refused —
 * or each JSON line, which passed the strict line schema, so has no field the hub does not know).
 * A rejected line's content is never kept.
 */
export function keptContent(parsed: ParsedBatch): string {
  const accepted = parsed.results.filter((r) => r.result.ok).map((r) => r.posted);
  if (parsed.format === 'json') return JSON.stringify({ lines: accepted });
  const { header, eol, finalEol } = parsed.csv!;
  return [header, ...(accepted as string[][])].map((cells) => csvFormatRow(cells)).join(eol) + (finalEol ? eol : '');
}

/**
 * A posted batch, ready to store: CSV text or JSON lines, parsed line by line (400 when the batch
 * is unusable as a whole; 422 when it spans more months than one batch may).
 */
export function receiveBatch(authority: string, body: string | { lines: unknown[] }, today: string): PreparedBatch {
  const batch = prepareBatch(authority, typeof body === 'string' ? parseCsvBatch(body, today) : parseJsonBatch(body.lines, today));
  const months = Object.keys(batch.months).length;
  if (months > MAX_MONTHS_PER_BATCH) {
    throw unprocessable(`A batch may span at most ${MAX_MONTHS_PER_BATCH} months; this one spans ${months}. Split it.`);
  }
  return batch;
}

// ---------------------------------------------------------------- batch identity

export { MAX_MONTHS_PER_BATCH };

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
/** A rejected line's errors, within the answer's bounds (first MAX_LINE_ERRORS, clipped). */
function bounded(errors: LineError[]): LineError[] {
  const out = errors.slice(0, MAX_LINE_ERRORS).map((e) => ({ path: clip(e.path, 300), message: clip(e.message, 500) }));
  if (errors.length > MAX_LINE_ERRORS) out[MAX_LINE_ERRORS - 1] = { path: '(line)', message: `and ${errors.length - MAX_LINE_ERRORS + 1} more errors` };
  return out;
}

export interface PreparedBatch {
  authority: string;
  batchId: string;
  format: 'csv' | 'json';
  rows: StoredRow[];
  /** Data lines posted (accepted + rejected). */
  lineCount: number;
  rejected: { line: number; errors: LineError[] }[];
  /** Accepted lines per month. */
  months: Record<string, number>;
  spendPence: number;
  /** What is kept of the batch as posted (keptContent): served by GET /v1/spend/batches/{id}/raw. */
  kept: string;
}

/**
 * The batch's identity: a hash of its accepted lines in canonical form (order ignored), scoped to
 * the authority. Two posts with the same accepted lines are the same batch (a batch with none
 * accepted is identified by its content instead: rejectedBatchIdOf).
 */
export function batchIdOf(authority: string, rows: StoredRow[]): string {
  const canon = rows.map((r) => JSON.stringify(r)).sort();
  const h = createHash('sha256').update(`${STORED_FORMAT}\n${authority}\n`);
  for (const c of canon) h.update(c).update('\n');
  return h.digest('hex').slice(0, 32);
}

/**
 * The identity of a batch none of whose lines was accepted: a hash of its content as posted (in a
 * space of its own), so the same post again is the same batch, while two different all-invalid
 * batches each keep their own rejected list.
 */
export function rejectedBatchIdOf(authority: string, parsed: ParsedBatch): string {
  return createHash('sha256')
    .update(`${STORED_FORMAT}\nno-accepted-lines\n${authority}\n${parsed.format}\n`)
    .update(parsed.content)
    .digest('hex')
    .slice(0, 32);
}

export function prepareBatch(authority: string, parsed: ParsedBatch): PreparedBatch {
  const rows: StoredRow[] = [];
  const rejected: PreparedBatch['rejected'] = [];
  const months: Record<string, number> = {};
  let spendPence = 0;
  for (const { line, result } of parsed.results) {
    if (result.ok) {
      rows.push(toRow(result.line));
      months[result.line.period] = (months[result.line.period] ?? 0) + 1;
      spendPence += result.line.amountPence;
    } else rejected.push({ line, errors: bounded(result.errors) });
  }
  return {
    authority,
    batchId: rows.length > 0 ? batchIdOf(authority, rows) : rejectedBatchIdOf(authority, parsed),
    format: parsed.format,
    rows,
    lineCount: parsed.results.length,
    rejected,
    months: Object.fromEntries(Object.entries(months).sort(([a], [b]) => a.localeCompare(b))),
    spendPence,
    kept: keptContent(parsed),
  };
}

/** The NDJSON object a batch's accepted lines are stored as: a header line, then one row per line. */
export function renderStoredLines(b: PreparedBatch): string {
  const head = JSON.stringify({ format: STORED_FORMAT, authority: b.authority, batchId: b.batchId, fields: STORED_ROW_FIELDS });
  return `${head}\n${b.rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
}

/** The calendar date in Europe/London, `YYYY-MM-DD` ("today" in the contract's sense). */
export function ukDate(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
