import { describe, expect, it } from 'vitest';
import { handlers } from '../../functions/routes/index.ts';
import { BUNDLE_BUDGET_KB, bundleAll } from '../bench/platform.bench.ts';

/**
 * Each Lambda, bundled exactly as the stack bundles it, stays within the 250 KB budget (each
 * size is printed). Cold init is timed by ./cold-init.test.ts.
 */
describe('Lambda bundles', () => {
  let built: ReturnType<typeof bundleAll> | undefined;
  /** Bundled once for the file. */
  const bundled = () => (built ??= bundleAll());

  /**
   * Budgets above the common one, each with its reason: none. The console is five Lambdas
   * (functions/routes/console.ts), each within the common budget since the officer's search with
   * its region map became console-search (issue 16 item 4).
   */
  const BUDGET_KB: Record<string, number> = {};

  it(`every handler and job bundles to at most ${BUNDLE_BUDGET_KB} KB (or its own budget)`, async () => {
    const bundles = await bundled();
    expect(bundles.length).toBeGreaterThan(5);
    console.log(bundles.map((b) => `${b.name.padEnd(24)} ${(b.bytes / 1024).toFixed(1).padStart(6)} KB`).join('\n'));
    const over = bundles.filter((b) => b.bytes > (BUDGET_KB[b.name] ?? BUNDLE_BUDGET_KB) * 1024).map((b) => `${b.name}: ${(b.bytes / 1024).toFixed(1)} KB`);
    expect(over).toEqual([]);
  }, 120_000);

  it("no Lambda carries the SDK's generic DynamoDB client (the store's own is functions/store/ddb.ts)", async () => {
    const bundles = await bundled();
    const generic = /@aws-sdk\/(lib-dynamodb|client-dynamodb\/dist-es\/(DynamoDBClient|commands)|middleware-endpoint-discovery)\//;
    expect(bundles.flatMap((b) => b.inputs.filter((i) => generic.test(i)).map((i) => `${b.name}: ${i}`))).toEqual([]);
  }, 120_000);

  it("no Lambda carries @smithy/core's middleware stack, retry strategy, region or credential chain, nor @smithy/signature-v4 (every AWS call is signed by functions/store/sigv4.ts)", async () => {
    const bundles = await bundled();
    const plumbing = /@smithy\/(signature-v4|core\/dist-es\/submodules\/(client\/middleware-stack|retry|config|endpoints)|middleware-|credential-provider|shared-ini-file-loader|node-config-provider)|@aws-sdk\/(credential-provider|core\/)/;
    expect(bundles.flatMap((b) => b.inputs.filter((i) => plumbing.test(i)).map((i) => `${b.name}: ${i}`))).toEqual([]);
  }, 120_000);

  it('Lambdas granted no table or bucket do not carry the AWS SDK', async () => {
    const bundles = await bundled();
    const untouched = Object.entries(handlers).filter(([, def]) => def.grants.length === 0).map(([name]) => name);
    expect(untouched).toEqual(expect.arrayContaining(['health', 'openapi', 'reference']));
    const sdk = /@aws-sdk\/client-/; // no SDK client (a Secrets Manager call signed by functions/store/sigv4.ts is fine)
    for (const name of untouched) {
      expect(bundles.find((b) => b.name === name)!.inputs.filter((i) => sdk.test(i)), name).toEqual([]);
    }
  }, 120_000);

  it("only the console's shell carries the OpenID client: the persona Lambdas open the sealed session cookie alone", async () => {
    const bundles = await bundled();
    const oidc = /node_modules\/(openid-client|oauth4webapi|jose)\/|functions\/console\/oidc\.ts$/;
    const carrying = bundles.filter((b) => b.name.startsWith('console')).map((b) => [b.name, b.inputs.some((i) => oidc.test(i))]);
    expect(Object.fromEntries(carrying)).toEqual({ console: true, 'console-officer': false, 'console-provider': false, 'console-programme': false, 'console-search': false });
  }, 120_000);
});
