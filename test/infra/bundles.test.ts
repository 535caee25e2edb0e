import { describe, expect, it } from 'vitest';
import { bundleAll } from '../bench/platform.bench.ts';

/**
 * Each Lambda, bundled exactly as the stack bundles it, stays within the 300 KB budget. Size is a
 * property of the build, not a timing, so it is asserted here; cold-start times are benchmarks.
 */
describe('Lambda bundles', () => {
  it('every handler and job bundles to at most 300 KB', async () => {
    const bundles = await bundleAll();
    expect(bundles.length).toBeGreaterThan(5);
    const over = bundles.filter((b) => b.bytes > 300 * 1024).map((b) => `${b.name}: ${(b.bytes / 1024).toFixed(1)} KB`);
    expect(over).toEqual([]);
  }, 120_000);

  it('Lambdas that touch no table do not carry the AWS SDK', async () => {
    const bundles = await bundleAll();
    for (const name of ['health', 'openapi', 'reference']) {
      expect(bundles.find((b) => b.name === name)!.bytes, name).toBeLessThan(150 * 1024);
    }
  }, 120_000);
});
