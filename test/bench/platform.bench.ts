import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { LAMBDA_BUNDLING } from '../../infra/bundling.ts';
import { handlers, jobs, workers } from '../../functions/routes/index.ts';
import { judge, median, percentile, round, timeMany, type BenchRow } from './harness.ts';

/**
 * The platform figures: each Lambda bundle's size (target ≤ 300 KB) and cold module-init time
 * (≤ 150 ms, beside importing an empty module in the same fresh process), and the request
 * overhead of the HTTP edge beside a bare handler, in process.
 */
const OUT = resolve('.local/bench/bundles');

export async function bundleAll(): Promise<{ name: string; file: string; bytes: number }[]> {
  mkdirSync(OUT, { recursive: true });
  const entries = [
    ...Object.keys(handlers).map((n) => ({ name: n, entry: `functions/handlers/${n}.ts` })),
    ...Object.keys(jobs).map((n) => ({ name: `job:${n}`, entry: `functions/jobs/${n}.ts` })),
    ...Object.keys(workers).map((n) => ({ name: `worker:${n}`, entry: `functions/events/${n}.ts` })),
  ];
  const out = [];
  for (const { name, entry } of entries) {
    const file = join(OUT, name.replace(':', '-'), 'index.mjs');
    await build({
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
    out.push({ name, file, bytes: statSync(file).size });
  }
  return out;
}

/** ms to import `file` in a fresh Node process (median of runs). */
function coldImportMs(file: string, runs = 5): number {
  const script = `const t=performance.now();await import(${JSON.stringify(`file://${file}`)});console.log(performance.now()-t)`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const ms = Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'eu-west-2', LOG_LEVEL: 'SILENT' } }).trim());
    times.push(ms);
  }
  return median(times);
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
  writeFileSync(empty, 'export {};\n');
  const emptyMs = coldImportMs(empty);
  for (const b of bundles) {
    const kb = round(b.bytes / 1024, 1);
    rows.push({ name: `bundle ${b.name}`, value: kb, unit: 'KB', ...judge(kb, '≤', 300, 'KB') });
    const ms = round(coldImportMs(b.file), 1);
    rows.push({ name: `cold init ${b.name}`, value: ms, unit: 'ms', baseline: { name: 'empty module', value: round(emptyMs, 1) }, ...judge(ms, '≤', 150, 'ms') });
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
