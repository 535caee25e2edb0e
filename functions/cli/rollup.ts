import { SingleBar, Presets } from 'cli-progress';
import { RollupPeriod } from '../../schemas/spend.ts';
import { config } from '../store/config.ts';
import { runRollup } from '../store/rollups.ts';

/**
 * `hub rollup --period <period>`: rolls up a month (YYYY-MM), quarter (YYYY-Qn) or financial
 * year (FYYYYY-YY) against the current target (local store or AWS), with a progress bar over the
 * period's lines, then prints the objects written and the totals. The caller (functions/cli/hub.ts)
 * opens the target first.
 */
export async function runRollupCommand(opts: { period: string; progress?: boolean }): Promise<void> {
  const period = RollupPeriod.safeParse(opts.period);
  if (!period.success) throw new Error(`--period: ${period.error.issues[0]!.message} (got "${opts.period}")`);
  const showBar = opts.progress ?? process.stdout.isTTY === true;
  const bar = new SingleBar(
    {
      format: `rollup ${period.data} [{bar}] {percentage}% | {value}/{total} lines | {duration_formatted}`,
      hideCursor: true,
      etaBuffer: 50,
      // asked for explicitly but not on a terminal (CI, a pipe): still report, every 2 s
      noTTYOutput: opts.progress === true && !process.stdout.isTTY,
      notTTYSchedule: 2000,
    },
    Presets.shades_classic,
  );
  let started = false;
  const t0 = performance.now();
  try {
    const run = await runRollup(period.data, {
      onProgress: (done, total) => {
        if (!showBar) return;
        if (!started) {
          bar.start(total, done);
          started = true;
        } else bar.update(done);
      },
    });
    if (started) bar.stop();
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`rolled up ${run.period}: ${run.lines} lines from ${run.batches} batches in ${seconds} s (generatedAt ${run.generatedAt})`);
    const t = run.rollup.totals;
    console.log(`  spend £${t.spend.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}, placements ${t.placements}, children ${t.children}, authorities ${t.authorities}, provider groups ${t.providerGroups}`);
    if (run.rollup.unresolvedNames.length) console.log(`  ${run.rollup.unresolvedNames.length} provider names resolved only by name (see unresolvedNames)`);
    for (const o of run.objects) console.log(`  s3://${config.bucketName}/${o.key}  ${o.bytes} bytes  sha256 ${o.sha256}`);
  } catch (e) {
    if (started) bar.stop();
    throw e;
  }
}
