import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { missedTargets, startBenchHub, round, type BenchContext, type BenchRow } from './harness.ts';
import { targetScale } from './targets.ts';

/**
 * `npm run bench`: starts the local stack, runs every test/bench/*.bench.ts in turn, prints one
 * table (each figure beside its baseline measured in the same run) and writes the same figures
 * to bench-results/latest.json. `npm run bench -- search pool` runs only those. Exits non-zero
 * when a bench fails or any target is missed (each named at the end); BENCH_TARGET_SCALE
 * tightens or loosens every judged limit (./targets.ts).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.LOG_LEVEL = 'SILENT';
const only = process.argv.slice(2);
const scale = targetScale();
const dir = join(import.meta.dirname);
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.startsWith(o)))).sort();
const unknown = only.filter((o) => !files.some((f) => f.startsWith(o)));
if (unknown.length > 0) {
  console.error(`no bench named ${unknown.join(', ')} (there are: ${readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', '')).join(', ')})`);
  process.exit(2);
}

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
writeFileSync('bench-results/latest.json', `${JSON.stringify({ machine, targetScale: scale, results, missed: missedTargets(results) }, null, 2)}\n`);
console.log('figures written to bench-results/latest.json');

const failed = results.filter((r) => r.error);
const missed = missedTargets(results);
if (scale !== 1) console.log(`targets scaled by BENCH_TARGET_SCALE=${scale}`);
for (const r of failed) console.error(`✗ ${r.bench}: FAILED — ${r.error}`);
for (const m of missed) console.error(`✗ ${m.bench}: ${m.figure} = ${m.value}, target ${m.target}${m.why === 'unjudged' ? ' (not judged by the bench)' : ''}`);
if (failed.length + missed.length > 0) {
  console.error(`${missed.length} target(s) missed, ${failed.length} bench(es) failed`);
  process.exitCode = 1;
} else {
  console.log(`every target met (${results.flatMap((r) => r.rows).filter((r) => r.target).length} judged)`);
}
