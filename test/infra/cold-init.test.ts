import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLD_INIT_BUDGET_MS, bundleAll, coldInit } from '../bench/platform.bench.ts';

/**
 * Each Lambda's cold init, measured: its bundle, built exactly as the stack builds it, imported in
 * a fresh Node process with the AWS environment set to dummy values and every network connection
 * refused (a module that reached for the network at init would fail here). The time is module
 * evaluation up to the handler being exported, the median of 5 fresh processes, beside importing
 * an empty module the same way. Target: ≤ 150 ms per Lambda, judged on the CPU the init spent:
 * this machine is shared (2 cores, several test runs at once), and its wall clock counts the
 * time a process waited for a core, which a Lambda's own vCPU does not; both are printed.
 */
const TARGET_MS = COLD_INIT_BUDGET_MS;
/**
 * Budgets above the common one, each with its reason. The console is four Lambdas split by persona
 * (functions/routes/console.ts): the shell (sign-in, start pages, assets) is well within the common
 * budget (63–80 ms CPU). Each persona's pages, measured twice on this shared machine (3 Dec 2026):
 * with placements at 67.7 ms (its quiet figure 71.3) the officer 127.0 ms, the provider 111.7,
 * the programme office 130.3 — the common 150 ms met; at a load average of 17, with placements at
 * 83.4, 178.4, 161.1 and 197.2. So they meet it on a quiet machine but within 20–40 ms of it,
 * which a loaded run exceeds. Most of it is zod building every schema of the route tables a
 * persona parses its forms with (the programme office's pool, allocations, providers and rollups
 * tables) and the AWS SDK client: these budgets stand until B's schemas on zod/mini, built lazily,
 * and A's lean AWS request layer (issue 16) give the headroom; then remove them.
 */
const BUDGET_MS: Record<string, number> = { 'console-officer': 225, 'console-provider': 205, 'console-programme': 245 };

describe('Lambda cold init', () => {
  it(`every handler and job initialises in at most ${TARGET_MS} ms (or its own budget), with no network`, async () => {
    const bundles = await bundleAll();
    const empty = join(bundles[0]!.file, '..', '..', 'empty.mjs');
    writeFileSync(empty, 'export const handler = async () => undefined;\n');
    const rows = [{ name: '(empty module)', ...coldInit(empty), kb: 0 }, ...bundles.map((b) => ({ name: b.name, ...coldInit(b.file), kb: b.bytes / 1024 }))];
    console.log(['Lambda                   CPU ms  wall ms   size', ...rows.map((r) => `${r.name.padEnd(24)} ${r.cpuMs.toFixed(1).padStart(6)}  ${r.wallMs.toFixed(1).padStart(7)}  ${r.kb.toFixed(1).padStart(6)} KB`)].join('\n'));
    expect(rows.filter((r) => r.cpuMs > (BUDGET_MS[r.name] ?? TARGET_MS)).map((r) => `${r.name}: ${r.cpuMs.toFixed(1)} ms CPU (wall ${r.wallMs.toFixed(1)} ms)`)).toEqual([]);
  }, 300_000);

  it('a bundle that opens a connection while it loads is refused (the measurement runs offline)', () => {
    const bundles = join(process.cwd(), '.local/bench/bundles');
    const file = join(bundles, 'net-at-init.mjs');
    writeFileSync(file, "await fetch('http://127.0.0.1:9/');\nexport const handler = async () => undefined;\n");
    expect(() => coldInit(file, 1)).toThrow(/network is refused/);
  });
});
