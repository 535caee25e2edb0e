import { monthsOf } from '../../functions/domain/spend.ts';
import { runRollup, streamPeriodRows } from '../../functions/store/rollups.ts';
import { monthBatches } from '../../functions/store/spend.ts';

/**
 * One measurement in its own process, so that its peak RSS is its own (test/bench/rollup.bench.ts).
 *   read   <period>  — stream and parse every stored line of the period's batches, nothing else
 *   rollup <period>  — the full rollup: stream, aggregate, suppress, write the objects, commit
 * Prints one JSON line: {mode, ms, lines, maxRssMB}.
 */
const [mode, period] = process.argv.slice(2) as ['read' | 'rollup', string];

const t0 = performance.now();
let lines = 0;
if (mode === 'read') {
  // The same index lookup and the same streaming parser the rollup uses.
  const refs = (await Promise.all(monthsOf(period).map((m) => monthBatches(m)))).flat();
  const unique = [...new Map(refs.map((r) => [`${r.authority}/${r.batchId}`, r])).entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r);
  let check = 0;
  await streamPeriodRows(unique, (_authority, row) => {
    lines++;
    check += row.length; // touch the parsed row
  });
  if (check === 0 && lines > 0) throw new Error('nothing parsed');
} else {
  const run = await runRollup(period);
  lines = run.lines;
}
const ms = performance.now() - t0;
const ru = process.resourceUsage();
console.log(JSON.stringify({ mode, ms, lines, maxRssMB: ru.maxRSS / 1024, cpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000 }));
