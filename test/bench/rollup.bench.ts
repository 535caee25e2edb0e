import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseCsvBatch, penceToText, prepareBatch } from '../../functions/domain/spend.ts';
import { AUTHORITY_SLUGS } from '../../functions/domain/reference/authorities.ts';
import { commitBatch } from '../../functions/store/spend.ts';
import { round, type BenchContext, type BenchRow } from './harness.ts';

/**
 * Pooled-spend rollup at scale: 1,000,000 seeded spend lines for a financial year (11
 * authorities × 12 months, posted as ≤ 3,000-line CSV batches — about what the 256 KB body limit
 * allows — through the real parse/validate/commit path into the local S3 server and DynamoDB
 * Local), twice: once with each month's lines in a finance export's order (the judged case) and
 * once shuffled (a stress case with no locality). For each, in a fresh child process so that
 * peak RSS is its own:
 *   - read + parse: stream every stored line of the period's batches and JSON-parse it;
 *   - rollup: the same stream, aggregated exactly, suppressed, written to S3 with its manifest.
 * Targets: rollup ≤ 1.5 × read + parse; peak RSS ≤ 256 MB. Three alternating rounds: best of
 * three against best of three (medians and CPU time shown too).
 */
const execFileP = promisify(execFile);

const TOTAL_LINES = Number(process.env.ROLLUP_BENCH_LINES ?? 1_000_000);
const LINES_PER_BATCH = 3_000;
const TYPES = [['K2', 'PR4'], ['K2', 'PR5'], ['U4', 'PR4'], ['U1', 'PR1'], ['U5', 'PR4'], ['R1', 'PR4'], ['S1', 'PR1'], ['P1', 'PR0']] as const;

/** mulberry32: the same million lines on every run and machine. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Provider {
  name: string;
  company?: string;
  group?: string;
}

/** ~600 provider groups, each with 1–4 brands, spelt a few ways, some with company numbers or a named group. */
function providers(rnd: () => number): Provider[] {
  const words = ['Oak', 'Willow', 'Harbour', 'Meadow', 'River', 'Fen', 'Coast', 'Heath', 'Beacon', 'Orchard', 'Kestrel', 'Maple', 'Cedar', 'Brook', 'Haven', 'Lark', 'Ash', 'Elm', 'Marsh', 'Vale'];
  const kinds = ['Care', 'Homes', 'Childcare', 'Lodge', 'House', 'Futures', 'Therapeutic Care', 'Children’s Services'];
  const out: Provider[] = [];
  for (let g = 0; g < 600; g++) {
    const group = `${words[g % 20]} ${words[Math.floor(g / 20) % 20]} ${['Group', 'Holdings', 'Care Group'][g % 3]}`;
    const brands = 1 + Math.floor(rnd() * 4);
    for (let b = 0; b < brands; b++) {
      const base = `${words[(g * 7 + b * 3) % 20]} ${words[(g + b) % 20]} ${kinds[(g + b) % 8]} ${g}-${b}`;
      const company = rnd() < 0.5 ? String(10_000_000 + g * 10 + b) : undefined;
      for (const spelling of [`${base} Ltd`, `${base.toUpperCase()} LIMITED`, `The ${base} Ltd.`]) {
        out.push({ name: spelling, ...(company ? { company } : {}), ...(rnd() < 0.3 ? { group } : {}) });
      }
    }
  }
  return out;
}

const q = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const money = (p: number) => {
  const t = penceToText(Math.abs(p));
  const [w, d] = t.split('.') as [string, string];
  return `"${p < 0 ? '-' : ''}£${Number(w).toLocaleString('en-GB')}.${d}"`;
};

export interface Dataset {
  period: string;
  /** `export`: each month's lines in a finance export's order (by supplier, then child and week);
   *  `shuffled`: the same kind of lines in random order (no locality at all: a stress case). */
  order: 'export' | 'shuffled';
  seed: number;
}

export const DATASETS: Dataset[] = [
  { period: 'FY2019-20', order: 'export', seed: 20191 },
  { period: 'FY2018-19', order: 'shuffled', seed: 20181 },
];

function monthsOfFy(period: string): string[] {
  const y = Number(period.slice(2, 6));
  return Array.from({ length: 12 }, (_, i) => (i < 9 ? `${y}-${String(i + 4).padStart(2, '0')}` : `${y + 1}-${String(i - 8).padStart(2, '0')}`));
}

/**
 * Posts a dataset's batches (idempotent: the same seed gives the same batches, counted once).
 * Each authority has ~1,850 children placed in the year, each with a steady provider (skewed:
 * a few large groups take much of the spend) and a placement type, invoiced weekly (4–5 lines a
 * month), with moves between providers, credits, and 5% of lines without a childRef.
 */
export async function generate(ds: Dataset, log: (s: string) => void = () => undefined): Promise<{ lines: number; batches: number; ms: number }> {
  const t0 = performance.now();
  const rnd = prng(ds.seed);
  const provs = providers(rnd);
  const pickProvider = () => provs[Math.floor(provs.length * rnd() ** 2)]!;
  const months = monthsOfFy(ds.period);
  const perAuthMonth = Math.ceil(TOTAL_LINES / (AUTHORITY_SLUGS.length * months.length));
  let lines = 0;
  let batches = 0;
  const pending: Promise<unknown>[] = [];
  const header = 'Period,Provider Name,Companies House Number,Provider Group,Placement Type,Placement Provider,Child Ref,Weeks,Weekly Cost,Amount';
  for (const [ai, authority] of AUTHORITY_SLUGS.entries()) {
    const children = Array.from({ length: 1_850 }, (_, i) => ({
      ref: `${authority.slice(0, 3).toUpperCase()}${ai}-${String(i).padStart(6, '0')}`,
      provider: pickProvider(),
      type: TYPES[Math.floor(rnd() * TYPES.length)]!,
      weekly: 150_000 + Math.floor(rnd() * 500) * 1_000,
    }));
    for (const month of months) {
      const monthLines: { key: string; row: string }[] = [];
      const row = (p: Provider, c: (typeof children)[number] | undefined, type: readonly [string, string], weeks: number, weekly: number, amount: number) =>
        [month, q(p.name), p.company ?? '', q(p.group ?? ''), type[0], type[1], c?.ref ?? '', weeks, money(weekly), money(amount)].join(',');
      for (const c of children) {
        if (rnd() < 0.05) continue; // not placed this month
        if (rnd() < 0.03) c.provider = pickProvider(); // a move
        const invoices = rnd() < 0.4 ? 5 : 4;
        for (let w = 0; w < invoices; w++) {
          monthLines.push({ key: `${c.provider.name}\u0001${c.ref}\u0001${w}`, row: row(c.provider, c, c.type, 1, c.weekly, c.weekly + Math.floor(rnd() * 100)) });
        }
        if (rnd() < 0.02) monthLines.push({ key: `${c.provider.name}\u0001${c.ref}\u00019`, row: row(c.provider, c, c.type, 1, c.weekly, -c.weekly) });
        if (rnd() < 0.05) {
          const p = pickProvider(); // a retainer or block charge with no child named
          monthLines.push({ key: `${p.name}\u0001~${monthLines.length}`, row: row(p, undefined, c.type, 4, c.weekly, c.weekly * 4) });
        }
      }
      if (ds.order === 'export') monthLines.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      else for (let i = monthLines.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [monthLines[i], monthLines[j]] = [monthLines[j]!, monthLines[i]!];
      }
      const take = monthLines.slice(0, Math.min(perAuthMonth, TOTAL_LINES - lines));
      for (let from = 0; from < take.length; from += LINES_PER_BATCH) {
        const csv = [header, ...take.slice(from, from + LINES_PER_BATCH).map((l) => l.row)].join('\r\n');
        const batch = prepareBatch(authority, parseCsvBatch(csv, '2026-01-01'));
        if (batch.rejected.length) throw new Error(`bench generator wrote a bad line: ${JSON.stringify(batch.rejected[0])}`);
        pending.push(commitBatch(batch, csv));
        if (pending.length >= 4) await Promise.all(pending.splice(0));
        batches++;
      }
      lines += take.length;
    }
    log(`  ${ds.period} (${ds.order}) ${authority}: ${lines} lines so far`);
  }
  await Promise.all(pending);
  return { lines, batches, ms: performance.now() - t0 };
}

interface ChildResult {
  ms: number;
  lines: number;
  maxRssMB: number;
  cpuMs: number;
}

async function child(mode: 'read' | 'rollup', period: string, env: Record<string, string>): Promise<ChildResult> {
  const { stdout } = await execFileP(process.execPath, ['--import', 'tsx', 'test/bench/rollup-child.ts', mode, period], {
    env: { ...process.env, ...env, LOG_LEVEL: 'SILENT' },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const ds of DATASETS) {
    const gen = await generate(ds, (s) => process.stdout.write(`${s}\n`));
    const reads: ChildResult[] = [];
    const rollups: ChildResult[] = [];
    for (let round = 0; round < 3; round++) {
      reads.push(await child('read', ds.period, ctx.env));
      rollups.push(await child('rollup', ds.period, ctx.env));
    }
    if (rollups.some((r) => r.lines !== gen.lines) || reads.some((r) => r.lines !== gen.lines)) {
      throw new Error(`line counts differ: generated ${gen.lines}, read ${reads.map((r) => r.lines)}, rolled up ${rollups.map((r) => r.lines)}`);
    }
    // This machine is shared: wall times swing with other work. The best of three alternating
    // runs estimates each side's own cost; the medians are reported beside them.
    const readMs = Math.min(...reads.map((r) => r.ms));
    const rollupMs = Math.min(...rollups.map((r) => r.ms));
    const readRss = Math.max(...reads.map((r) => r.maxRssMB));
    const rollupRss = Math.max(...rollups.map((r) => r.maxRssMB));
    const lines = gen.lines.toLocaleString('en-GB');
    const what = `${ds.period}, ${lines} lines, ${ds.order === 'export' ? 'in export order' : 'shuffled (stress)'}`;
    const judged = ds.order === 'export';
    rows.push(
      { name: `ingest ${what}: ${gen.batches} CSV batches (setup: parse, validate, S3 + DynamoDB)`, value: round(gen.ms / 1000, 1), unit: 's' },
      {
        name: `rollup ${what} (best of 3)`,
        value: round(rollupMs / 1000, 2),
        unit: 's',
        baseline: { name: 'read + parse the same batches (best of 3)', value: round(readMs / 1000, 2) },
        ...(judged ? { target: '≤ 1.5× read + parse', ok: rollupMs <= 1.5 * readMs } : {}),
      },
      {
        name: `rollup ${what} (median of 3)`,
        value: round(median(rollups.map((r) => r.ms)) / 1000, 2),
        unit: 's',
        baseline: { name: 'read + parse (median of 3)', value: round(median(reads.map((r) => r.ms)) / 1000, 2) },
      },
      {
        name: `rollup ${what}: process CPU incl. start-up (median of 3)`,
        value: round(median(rollups.map((r) => r.cpuMs)) / 1000, 2),
        unit: 's',
        baseline: { name: 'read + parse process CPU', value: round(median(reads.map((r) => r.cpuMs)) / 1000, 2) },
      },
      {
        name: `rollup ${what}: peak RSS (own process)`,
        value: round(rollupRss, 0),
        unit: 'MB',
        baseline: { name: 'read + parse peak RSS', value: round(readRss, 0) },
        target: '≤ 256 MB',
        ok: rollupRss <= 256,
      },
    );
  }
  return rows;
}
