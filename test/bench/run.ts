import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startBenchHub, round, type BenchContext, type BenchRow } from './harness.ts';

/**
 * `npm run bench`: starts the local stack, runs every test/bench/*.bench.ts in turn, prints one
 * table (each figure beside its baseline measured in the same run) and writes the same figures
 * to bench-results/latest.json. `npm run bench -- search pool` runs only those.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.LOG_LEVEL = 'SILENT';
const only = process.argv.slice(2);
const dir = join(import.meta.dirname);
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.startsWith(o)))).sort();

const hub = await startBenchHub();
const results: { bench: string; rows: BenchRow[]; error?: string; seconds: number }[] = [];
try {
  for (const f of files) {
    const name = f.replace('.bench.ts', '');
    const t = performance.now();
    process.stdout.write(`running ${name} …\n`);
    try {
      const mod = (await import(pathToFileURL(join(dir, f)).href)) as { run(ctx: BenchContext): Promise<BenchRow[]> };
      results.push({ bench: name, rows: await mod.run(hub.ctx), seconds: round((performance.now() - t) / 1000, 1) });
    } catch (e) {
      console.error(e);
      results.push({ bench: name, rows: [], error: (e as Error).message, seconds: round((performance.now() - t) / 1000, 1) });
    }
  }
} finally {
  await hub.stop();
}

const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version, at: new Date().toISOString() };
const table = results.flatMap((r) =>
  r.error
    ? [{ bench: r.bench, figure: 'FAILED', value: r.error, baseline: '', ratio: '', target: '' }]
    : r.rows.map((row) => ({
        bench: r.bench,
        figure: row.name,
        value: `${row.value} ${row.unit}`,
        baseline: row.baseline ? `${row.baseline.name}: ${row.baseline.value} ${row.unit}` : '',
        ratio: row.baseline && row.baseline.value ? `${round(row.value / row.baseline.value, 2)}×` : '',
        target: row.target ? `${row.target}${row.ok === undefined ? '' : row.ok ? ' ✓' : ' ✗'}` : '',
      })),
);
console.log(`\nCommission East hub benchmarks — ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`);
console.table(table);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/latest.json', `${JSON.stringify({ machine, results }, null, 2)}\n`);
console.log('figures written to bench-results/latest.json');
if (results.some((r) => r.error)) process.exitCode = 1;
