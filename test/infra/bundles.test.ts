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
   * Budgets above the common one, each with its reason. The console is four Lambdas split by
   * persona (functions/routes/console.ts): the shell (sign-in with the OpenID client, start pages,
   * assets) bundles to 222.4 KB, within the common budget. Each persona's pages measured
   * (`npx tsx test/bench/bundle-contents.ts console-officer 40`, 3 Dec 2026): the officer 318.3 KB,
   * the provider 279.1, the programme office 276.4 — of which the AWS request layer (@smithy/core
   * 29, signature-v4 9.3, @aws-sdk core, util-dynamodb and client-dynamodb 14.6) is ~53 KB and
   * zod 59.5–61 with schemas/ 25–37 KB. For the common 250 KB the lean AWS request layer (issue
   * 16, engineer A) and schemas on zod/mini (engineer B) must save together ≥ 68.3 KB in the
   * officer's, ≥ 29.1 in the provider's, ≥ 26.4 in the programme office's: A's ~40 KB alone brings
   * the provider and programme office under; the officer's (search with its region map, referrals,
   * offers, placements) then needs ≥ 29 KB from B. Remove these when both have landed and this
   * passes without them.
   */
  const BUDGET_KB: Record<string, number> = { 'console-officer': 325, 'console-provider': 285, 'console-programme': 285 };

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
    expect(Object.fromEntries(carrying)).toEqual({ console: true, 'console-officer': false, 'console-provider': false, 'console-programme': false });
  }, 120_000);
});
