import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, call, keyFor, unique } from '../support/hub.ts';

/**
 * The OpenAPI document as an integrator uses it: TypeScript types generated from the served
 * /openapi.json by openapi-typescript (its programmatic API), a client written against them with
 * openapi-fetch, type-checked by tsc (strict) together with the generated file, then run against
 * the hub this test run started. A document a generator cannot read, types that do not compile, or
 * calls whose typed bodies the hub refuses, all fail here.
 */

const run = promisify(execFile);
let dir: string;
let generated: string;

/** The client an integrator would write: every call typed by the generated `paths`. Printed results are asserted below. */
const CLIENT = `
import createClient from 'openapi-fetch';
import type { components, paths } from './hub-api.ts';

type Schemas = components['schemas'];
const env = JSON.parse(process.env.HUB_CLIENT ?? '{}') as { baseUrl: string; authority: string; provider: string; urn: string };
const hub = createClient<paths>({ baseUrl: env.baseUrl });
const as = (key: string) => ({ 'x-api-key': key });

const authorities = await hub.GET('/v1/authorities', { params: { query: { limit: 100 } }, headers: as(env.authority) });
const slugs: Schemas['Authority']['id'][] = authorities.data?.items.map((a) => a.id) ?? [];

const home: Schemas['HomeInput'] = {
  name: 'Generated Client House', placementType: 'K2', outcode: 'cm1', registeredPlaces: 3, ofstedRating: 'good',
  ageRange: { min: 10, max: 17 }, sexes: ['female'], supports: ['self-harm'], excludes: [], weeklyPrice: 4321.99,
};
const put = await hub.PUT('/v1/homes/{urn}', { params: { path: { urn: env.urn } }, body: home, headers: as(env.provider) });
const version: number | undefined = put.data?.version;
const got = await hub.GET('/v1/homes/{urn}', { params: { path: { urn: env.urn } }, headers: as(env.authority) });
const outcode: string | undefined = got.data?.outcode;
const stale = await hub.PUT('/v1/homes/{urn}', {
  params: { path: { urn: env.urn }, header: { 'If-Match': '"99"' } }, body: home, headers: as(env.provider),
});
const problem: Schemas['Problem'] | undefined = stale.error;

const line: Schemas['SpendLine'] = {
  period: '2025-10', providerName: 'Harbour Care Ltd', companiesHouseNumber: 'sc 123456', placementType: 'K2', placementProvider: 'PR4',
  childRef: 'GEN-' + env.urn, weeks: 2, weeklyCost: 5963.5, amount: 11927,
};
const json = await hub.POST('/v1/spend/batches', { body: { lines: [line] }, headers: as(env.authority) });
const csvText = 'period,providerName,placementType,placementProvider,childRef,amount\\n2025-10,Harbour Care Ltd,K2,PR4,GEN-CSV-' + env.urn + ',"£1,234.56"\\n';
const csv = await hub.POST('/v1/spend/batches', {
  body: csvText, bodySerializer: (b) => b, headers: { ...as(env.authority), 'content-type': 'text/csv' },
});
const answer: Schemas['SpendBatchAnswer'] | undefined = csv.data;
const raw = answer
  ? await hub.GET('/v1/spend/batches/{batchId}/raw', { params: { path: { batchId: answer.batchId } }, headers: as(env.authority), parseAs: 'text' })
  : undefined;

console.log(JSON.stringify({
  authorities: { status: authorities.response.status, slugs },
  put: { status: put.response.status, version, etag: put.response.headers.get('etag') },
  get: { status: got.response.status, outcode, weeklyPrice: got.data?.weeklyPrice },
  stale: { status: stale.response.status, problemStatus: problem?.status },
  json: { status: json.response.status, accepted: json.data?.accepted, rejected: json.data?.rejected.length },
  csv: { status: csv.response.status, accepted: answer?.accepted, rejected: answer?.rejected.length },
  raw: raw && { status: raw.response.status, type: raw.response.headers.get('content-type'), text: raw.data },
}));
`;

beforeAll(async () => {
  const served = await call(null, 'GET', '/openapi.json');
  expect(served.status).toBe(200);
  generated = astToString(await openapiTS(served.json));
  // inside the project (.local is ignored by git and tsc) so that openapi-fetch resolves from node_modules
  mkdirSync(resolve('.local'), { recursive: true });
  dir = mkdtempSync(resolve('.local/openapi-client-'));
  writeFileSync(join(dir, 'hub-api.ts'), generated);
  writeFileSync(join(dir, 'client.ts'), CLIENT);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023', 'DOM'], types: ['node'], strict: true,
        noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, allowImportingTsExtensions: true, noEmit: true, skipLibCheck: true,
        verbatimModuleSyntax: true,
      },
      files: ['hub-api.ts', 'client.ts'],
    }),
  );
}, 60_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a client generated from /openapi.json (openapi-typescript + openapi-fetch)', () => {
  it('generates types with the named schemas, SpendLine and its PLACE_PROVIDER list among them', () => {
    expect(generated).toMatch(/SpendLine: \{/);
    expect(generated).toContain('placementProvider: "PR0" | "PR1" | "PR2" | "PR3" | "PR4" | "PR5";');
    expect(generated).toContain('"text/csv": string;');
    expect(generated).toMatch(/lines: components\["schemas"\]\["SpendLine"\]\[\];/);
    expect(generated).toMatch(/ETag: string;/);
    expect(generated).toMatch(/Location: string;/);
  });

  it('compiles (tsc, strict) with a client written against it', async () => {
    const tsc = resolve('node_modules/.bin/tsc');
    const out = await run(tsc, ['-p', dir], { maxBuffer: 16 * 1024 * 1024 }).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: `${e.stdout}${e.stderr}` }));
    expect(out.stdout).toBe('');
  }, 120_000);

  it('the typed calls work against the hub: authorities, a home PUT and GET, spend batches as JSON and CSV, the raw download', async () => {
    const urn = `SC${String(Date.now() % 1_000_000).padStart(6, '0')}`;
    const provider = `provider:openapi-client-${unique()}`;
    const env = { baseUrl: baseUrl(), authority: await keyFor('authority:essex'), provider: await keyFor(provider), urn };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(dir, 'client.ts')], { env: { ...process.env, HUB_CLIENT: JSON.stringify(env) } });
    const r = JSON.parse(stdout);
    expect(r.authorities.status).toBe(200);
    expect(r.authorities.slugs).toHaveLength(11);
    expect(r.put).toEqual({ status: 201, version: 1, etag: '"1"' });
    // the document's pattern let the client send `cm1`; the hub stored it normalised
    expect(r.get).toEqual({ status: 200, outcode: 'CM1', weeklyPrice: 4321.99 });
    expect(r.stale).toEqual({ status: 412, problemStatus: 412 });
    expect(r.json).toEqual({ status: 201, accepted: 1, rejected: 0 });
    expect(r.csv).toEqual({ status: 201, accepted: 1, rejected: 0 });
    expect(r.raw.status).toBe(200);
    expect(r.raw.type).toMatch(/^text\/csv/);
    expect(r.raw.text).toContain(`GEN-CSV-${urn}`);
  }, 60_000);
});
