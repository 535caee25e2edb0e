import { buildSync } from 'esbuild';

/**
 * How every Lambda is bundled: esbuild, ESM, Node 22, minified. The AWS SDK v3 is bundled and
 * tree-shaken rather than loaded from the runtime: importing the runtime's client-dynamodb alone
 * takes ~130 ms of cold start, the bundled one ~40 ms. Only the SDK's exception classes and
 * util-dynamodb are bundled: requests are signed and sent by functions/store (sigv4.ts, ddb.ts,
 * objects.ts) with the credentials and region of the Lambda's environment, so no credential chain
 * is. The stack and the bundle benchmark both use these settings.
 */
export const LAMBDA_BUNDLING = {
  format: 'esm',
  target: 'node22',
  platform: 'node',
  minify: true,
  sourcemap: false,
  /**
   * Reached only through a lazy import for event-stream operations, which the hub never calls
   * (DynamoDB and S3 GetObject/PutObject); the Lambda runtime carries the package anyway.
   */
  external: ['@smithy/core/event-streams'] as string[],
  alias: {} as Record<string, string>,
  mainFields: ['module', 'main'],
  /** ESM bundles of CommonJS dependencies need `require`. */
  banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
} as const;

/** Run-time files beside every bundle, by their base name (read from LAMBDA_TASK_ROOT; a Lambda's own are its HandlerDef.assets). */
export const COMMON_ASSETS = ['functions/domain/reference/outcodes.txt'] as const;

/**
 * Whether the Lambda built from `entry` holds `module` (both relative to the project root): the
 * same resolution esbuild bundles with, packages left out. The stack gives the cursor secret's
 * ARN and read access to exactly the functions that hold functions/store/cursor.ts.
 */
export function bundleHolds(entry: string, module: string, root: string): boolean {
  return module in bundleInputs(entry, root);
}

/** The inputs of each entry's bundle, built once per entry (the stack asks about two modules). */
const inputsOf = new Map<string, Record<string, unknown>>();
function bundleInputs(entry: string, root: string): Record<string, unknown> {
  const cached = inputsOf.get(`${root}\0${entry}`);
  if (cached) return cached;
  const { metafile } = buildSync({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    packages: 'external',
    platform: LAMBDA_BUNDLING.platform,
    format: LAMBDA_BUNDLING.format,
    target: LAMBDA_BUNDLING.target,
    logLevel: 'silent',
  });
  inputsOf.set(`${root}\0${entry}`, metafile.inputs);
  return metafile.inputs;
}
