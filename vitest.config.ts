import { defineConfig } from 'vitest/config';

/**
 * Three layers, one run (`npm test` runs them all; `npx vitest run --project unit` one):
 * - `unit`: test/unit/** — pure domain rules and the HTTP edge in process. No global setup, no
 *   DynamoDB Local, no Java; test/support/unit-guard.ts refuses any network connection or child
 *   process, so a unit test that reaches for the stack fails at once (`npm run test:unit`).
 * - `infra`: test/infra/** — CDK assertions, cdk-nag and bundle sizes: synthesis and esbuild,
 *   offline, no local stack either.
 * - `integration`: test/integration/** and test/attack/** — real HTTP against the local stack
 *   (DynamoDB Local + the S3 server + the gateway) that test/support/global-setup.ts starts once
 *   per run.
 * - `e2e`: test/e2e/** — the console in Debian's Chromium (playwright-core) against the real local
 *   hub with its OpenID provider, started once per run by test/e2e/global-setup.ts.
 */
const shared = {
  pool: 'forks' as const,
  testTimeout: 30_000,
  hookTimeout: 120_000,
  env: { LOG_LEVEL: 'SILENT', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'], setupFiles: ['test/support/unit-guard.ts'] } },
      { test: { ...shared, name: 'infra', include: ['test/infra/**/*.test.ts'] } },
      {
        test: {
          ...shared,
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/attack/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/env.ts'],
        },
      },
      {
        // the console in a real headless Chromium against the real local hub (npm start) it starts
        test: { ...shared, name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/e2e/global-setup.ts'], fileParallelism: false },
      },
    ],
  },
});
