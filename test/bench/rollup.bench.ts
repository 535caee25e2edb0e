import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadSpend, type SpendDataset } from './england.ts';
import { judge, median, round, type BenchContext, type BenchRow } from './harness.ts';

/**
 * Pooled-spend rollup at scale: 1,000,000 seeded spend lines for a financial year (./england.ts:
 * 11 authorities × 12 months, posted as ≤ 3,000-line CSV batches — about what the 256 KB body
 * limit allows — through the real parse/validate/commit path into the local S3 server and
 * DynamoDB Local), twice: once with each month's lines in a finance export's order (the judged case) and
 * once shuffled (a stress case with no locality). For each, in a fresh child process so that
 * peak RSS is its own:
 *   - read + parse: stream every stored line of the period's batches and JSON-parse it;
 *   - rollup: the same stream, aggregated exactly, suppressed, written to S3 with its manifest.
 * Targets: rollup ≤ 1.5 × read + parse; peak RSS ≤ 256 MB. Three alternating rounds: best of
 * three against best of three (medians and CPU time shown too).
 */
const execFileP = promisify(execFile);

const TOTAL_LINES = Number(process.env.ROLLUP_BENCH_LINES ?? 1_000_000);
export const DATASETS: SpendDataset[] = [
  { period: 'FY2019-20', order: 'export', seed: 20191, lines: TOTAL_LINES },
  { period: 'FY2018-19', order: 'shuffled', seed: 20181, lines: TOTAL_LINES },
];

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


export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const ds of DATASETS) {
    const gen = await loadSpend(ds, (s) => process.stdout.write(`${s}\n`));
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
        ...(judged ? judge(rollupMs / 1000, '≤', (1.5 * readMs) / 1000, 's', '1.5× read + parse') : {}),
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
        ...judge(rollupRss, '≤', 256, 'MB'),
      },
    );
  }
  return rows;
}
