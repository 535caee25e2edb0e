import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { COMMON_ASSETS, LAMBDA_BUNDLING } from '../../infra/bundling.ts';
import { handlers, jobs, workers } from '../../functions/routes/index.ts';
import { judge, median, percentile, round, timeMany, type BenchRow } from './harness.ts';

/**
 * The platform figures: each Lambda bundle's size (target ≤ 250 KB) and cold module-init time
 * (≤ 150 ms, beside importing an empty module the same way: coldInitMs), and the request
 * overhead of the HTTP edge beside a bare handler, in process.
 */
const OUT = resolve('.local/bench/bundles');
/** Each Lambda's minified size and cold-init budgets (test/infra/bundles.test.ts, test/infra/cold-init.test.ts). */
export const BUNDLE_BUDGET_KB = 250;
export const COLD_INIT_BUDGET_MS = 150;

export async function bundleAll(): Promise<{ name: string; file: string; bytes: number; inputs: string[] }[]> {
  mkdirSync(OUT, { recursive: true });
  const entries = [
    ...Object.entries(handlers).map(([n, def]) => ({ name: n, entry: `functions/handlers/${n}.ts`, assets: (def as { assets?: readonly string[] }).assets ?? [] })),
    ...Object.entries(jobs).map(([n, def]) => ({ name: `job:${n}`, entry: `functions/jobs/${n}.ts`, assets: (def as { assets?: readonly string[] }).assets ?? [] })),
    ...Object.entries(workers).map(([n, def]) => ({ name: `worker:${n}`, entry: `functions/events/${n}.ts`, assets: (def as { assets?: readonly string[] }).assets ?? [] })),
  ];
  const out = [];
  for (const { name, entry, assets } of entries) {
    const file = join(OUT, name.replace(':', '-'), 'index.mjs');
    const { metafile } = await build({
      metafile: true,
      entryPoints: [entry],
      bundle: true,
      outfile: file,
      format: LAMBDA_BUNDLING.format,
      target: LAMBDA_BUNDLING.target,
      platform: LAMBDA_BUNDLING.platform,
      minify: LAMBDA_BUNDLING.minify,
      external: [...LAMBDA_BUNDLING.external],
      alias: LAMBDA_BUNDLING.alias,
      mainFields: [...LAMBDA_BUNDLING.mainFields],
      banner: { js: LAMBDA_BUNDLING.banner },
      logLevel: 'silent',
    });
    // laid out as in Lambda's task root (infra/stack.ts copies the same files beside the bundle)
    for (const a of [...COMMON_ASSETS, ...assets]) cpSync(a, join(dirname(file), basename(a)), { recursive: true });
    // the modules with code in the bundle (esbuild lists tree-shaken ones at 0 bytes)
    const inputs = Object.values(metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([f]) => f));
    out.push({ name, file, bytes: statSync(file).size, inputs });
  }
  return out;
}

/**
 * What a Lambda's environment holds, with dummy values: region, credentials, the table, bucket
 * and cursor secret (locally the cursor secret is a value; in Lambda it is fetched from Secrets
 * Manager at init, which needs the network, so AWS_LAMBDA_FUNCTION_NAME is left unset).
 */
const DUMMY_LAMBDA_ENV = {
  AWS_REGION: 'eu-west-2', AWS_DEFAULT_REGION: 'eu-west-2', AWS_ACCESS_KEY_ID: 'AKIDCOLDINIT', AWS_SECRET_ACCESS_KEY: 'cold-init-secret',
  AWS_SESSION_TOKEN: 'cold-init-token', TABLE_NAME: 'hub-table', BUCKET_NAME: 'hub-bucket', CURSOR_SECRET: 'cold-init-cursor-secret-of-32-characters-or-more',
  LOG_LEVEL: 'SILENT', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NODE_OPTIONS: '',
};

/** Loaded before the bundle: every connection (net, fetch) throws, so init provably runs offline. */
const NO_NETWORK = `data:text/javascript,${encodeURIComponent(
  "import net from 'node:net'; const no = () => { throw new Error('network is refused during cold init'); }; net.Socket.prototype.connect = no; globalThis.fetch = async () => no();",
)}`;

/** A cold init: wall-clock ms, and CPU ms (user + system, all threads) the process spent in it. */
export interface ColdInit {
  wallMs: number;
  cpuMs: number;
}

/**
 * A Lambda's cold init in a fresh Node process (the median run of `runs`, by CPU): importing its
 * bundle until the module (and so `handler`) has been evaluated, with DUMMY_LAMBDA_ENV and no
 * network. Both clocks: the wall clock is what Lambda bills as init, but on a shared machine it
 * also counts the time the process waited for a core; the CPU time is the work itself.
 */
export function coldInit(file: string, runs = 5): ColdInit {
  const script = `const c=process.cpuUsage(),t=performance.now();const m=await import(${JSON.stringify(`file://${file}`)});const w=performance.now()-t,u=process.cpuUsage(c);if(typeof m.handler!=='function')throw new Error('no handler exported');console.log(JSON.stringify({wallMs:w,cpuMs:(u.user+u.system)/1000}))`;
  const inits: ColdInit[] = [];
  for (let i = 0; i < runs; i++) {
    // as Lambda runs it: the task root (the bundle's folder, its assets beside it) is the working directory
    const root = dirname(file);
    const env = { PATH: process.env.PATH ?? '', HOME: '/nonexistent', LAMBDA_TASK_ROOT: root, ...DUMMY_LAMBDA_ENV };
    inits.push(JSON.parse(execFileSync(process.execPath, ['--import', NO_NETWORK, '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] })) as ColdInit);
  }
  return inits.sort((a, b) => a.cpuMs - b.cpuMs)[Math.floor(runs / 2)]!;
}

function healthEvent(): APIGatewayProxyEvent {
  return {
    resource: '/v1/health', path: '/v1/health', httpMethod: 'GET', headers: {}, multiValueHeaders: {},
    queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: null, stageVariables: null,
    body: null, isBase64Encoded: false, requestContext: { requestId: 'bench' } as never,
  };
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const bundles = await bundleAll();
  const empty = join(OUT, 'empty.mjs');
  writeFileSync(empty, 'export const handler = async () => undefined;\n');
  const emptyInit = coldInit(empty);
  for (const b of bundles) {
    const kb = round(b.bytes / 1024, 1);
    rows.push({ name: `bundle ${b.name}`, value: kb, unit: 'KB', ...judge(kb, '≤', BUNDLE_BUDGET_KB, 'KB') });
    const init = coldInit(b.file);
    const ms = round(init.cpuMs, 1);
    rows.push({ name: `cold init ${b.name}, CPU (wall ${round(init.wallMs, 1)} ms)`, value: ms, unit: 'ms', baseline: { name: `empty module (wall ${round(emptyInit.wallMs, 1)} ms)`, value: round(emptyInit.cpuMs, 1) }, ...judge(ms, '≤', COLD_INIT_BUDGET_MS, 'ms') });
  }

  process.env.LOG_LEVEL = 'SILENT';
  const { handler } = await import('../../functions/handlers/health.ts');
  const bare = async (_e: APIGatewayProxyEvent) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'ok' }) });
  const context = { getRemainingTimeInMillis: () => 29_000 } as unknown as Context;
  const n = 20_000;
  const edge = await timeMany(n, () => handler(healthEvent(), context), 2_000);
  const base = await timeMany(n, () => bare(healthEvent()), 2_000);
  const edgeUs = round(percentile(edge, 50) * 1000, 1);
  const baseUs = round(percentile(base, 50) * 1000, 1);
  rows.push({ name: 'edge request p50 (GET /v1/health, in process)', value: edgeUs, unit: 'µs', baseline: { name: 'bare handler p50', value: baseUs } });
  rows.push({ name: 'edge request p99 (in process)', value: round(percentile(edge, 99) * 1000, 1), unit: 'µs', baseline: { name: 'bare handler p99', value: round(percentile(base, 99) * 1000, 1) } });
  return rows;
}
