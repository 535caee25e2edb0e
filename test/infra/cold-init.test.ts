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
 * Budgets above the common one, each with its reason: none. The console's five Lambdas
 * (functions/routes/console.ts) measured on this shared machine (3 Dec 2026, load average 4, with
 * placements at 72.6 ms): the shell 55.2 ms CPU, the officer 86.1, the provider 100.6, the
 * programme office 112.5, the search 89.5 — each within the common 150 ms since zod/mini, the
 * lean AWS request layer and the search as its own Lambda (issue 16).
 */
const BUDGET_MS: Record<string, number> = {};

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
