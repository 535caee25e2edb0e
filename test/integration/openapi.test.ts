import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeList } from '../../functions/routes/index.ts';
import { openApiDocument } from '../../functions/http/openapi.ts';
import { PROBLEM_LIMITS } from '../../schemas/common.ts';
import { call } from '../support/hub.ts';

/**
 * The OpenAPI document the hub serves: linted by Spectral (spectral:oas + the OWASP API
 * ruleset, as `npm run lint:openapi` runs it) with zero errors, covering every route in the
 * table, and telling the truth about the bounds and answers the edge enforces.
 */

type Doc = { paths: Record<string, Record<string, any>>; components: Record<string, any>; servers: any[] };
let doc: Doc;
let dir: string;

beforeAll(async () => {
  const r = await call(null, 'GET', '/openapi.json');
  expect(r.status).toBe(200);
  doc = r.json;
  dir = mkdtempSync(join(tmpdir(), 'hub-openapi-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface SpectralResult {
  code: string;
  severity: number;
  message: string;
  path: string[];
}

async function spectral(file: string): Promise<SpectralResult[]> {
  const bin = resolve('node_modules/.bin/spectral');
  // exit code 1 when an error is found; the JSON report is on stdout either way
  const out = await promisify(execFile)(bin, ['lint', file, '-r', resolve('.spectral.yaml'), '-f', 'json', '--fail-severity', 'error', '-q'], {
    maxBuffer: 64 * 1024 * 1024,
  }).catch((e: { stdout?: string; stderr?: string }) => {
    if (!e.stdout) throw new Error(`spectral failed: ${e.stderr}`);
    return { stdout: e.stdout };
  });
  return JSON.parse(out.stdout) as SpectralResult[];
}

describe('OpenAPI document', () => {
  it('is the document the generator writes (npm run openapi)', () => {
    expect(doc).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('passes Spectral (spectral:oas + OWASP) with zero errors', async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const results = await spectral(file);
    const errors = results.filter((r) => r.severity === 0).map((r) => `${r.code} ${r.path.join('.')}: ${r.message}`);
    expect(errors).toEqual([]);
  }, 120_000);

  it('the lint can fail: an unbounded string in the document is an error', async () => {
    const broken = structuredClone(doc);
    delete broken.components.schemas.Problem.properties.detail.maxLength;
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify(broken));
    const results = await spectral(file);
    expect(results.filter((r) => r.severity === 0).map((r) => r.code)).toContain('owasp:api4:2023-string-limit');
  }, 120_000);

  it('documents every route in the table with its method', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(routeList.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('documents the answers every operation can give, each with x-request-id', () => {
    for (const { method, path, def } of routeList) {
      const op = doc.paths[path]![method.toLowerCase()]!;
      const statuses = Object.keys(op.responses);
      const where = `${method} ${path}`;
      expect(statuses, where).toEqual(expect.arrayContaining([String(def.status ?? 200), '400', '429', '500', 'default']));
      if (def.access !== 'public') expect(statuses, where).toEqual(expect.arrayContaining(['401', '403']));
      if (path.includes('{')) expect(statuses, where).toContain('404');
      if (def.body) expect(statuses, where).toEqual(expect.arrayContaining(['413', '415']));
      for (const s of def.statuses ?? []) expect(statuses, where).toContain(String(s));
      for (const [status, response] of Object.entries<any>(op.responses)) {
        expect(response.headers?.['x-request-id'], `${where} ${status}`).toEqual({ $ref: '#/components/headers/RequestId' });
        if (status === 'default' || Number(status) >= 400) {
          expect(Object.keys(response.content), `${where} ${status}`).toEqual(['application/problem+json']);
        }
      }
      if (def.idempotent) {
        expect(op.parameters.map((p: any) => p.name), where).toContain('Idempotency-Key');
        expect(statuses, where).toEqual(expect.arrayContaining(['409', '422']));
      }
    }
  });

  it('lists the deployed server (https) and the local one (http on the loopback interface only), each marked internal or not', () => {
    expect(doc.servers.map((s) => s.url)).toEqual(['https://{apiId}.execute-api.{region}.amazonaws.com/live', 'http://127.0.0.1:3000']);
    for (const s of doc.servers) {
      expect(s.url, 'plain http only on 127.0.0.1').toMatch(/^(https:\/\/|http:\/\/127\.0\.0\.1:)/);
      expect(s['x-internal'], s.url).toBe(s.url.startsWith('http:'));
    }
  });

  it('gives an example for every request body (each media type) and every path parameter', () => {
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        for (const p of op.parameters ?? []) if (p.in === 'path' && p.example === undefined) missing.push(`${method} ${path} path parameter ${p.name}`);
        for (const [type, media] of Object.entries<any>(op.requestBody?.content ?? {})) if (media.example === undefined) missing.push(`${method} ${path} ${type} body`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('names the spend line: the JSON batch body is SpendLine[], every field typed, PLACE_PROVIDER PR0-PR5', () => {
    const body = doc.paths['/v1/spend/batches']!.post.requestBody.content;
    expect(body['application/json'].schema).toEqual({ $ref: '#/components/schemas/SpendBatchBody' });
    expect(doc.components.schemas.SpendBatchBody.properties.lines.items).toEqual({ $ref: '#/components/schemas/SpendLine' });
    const line = doc.components.schemas.SpendLine;
    expect(Object.keys(line.properties)).toEqual([
      'period', 'providerName', 'providerUrn', 'companiesHouseNumber', 'providerGroup', 'placementType', 'placementProvider', 'childRef', 'weeks',
      'weeklyCost', 'amount',
    ]);
    for (const [name, field] of Object.entries<any>(line.properties)) expect(field.type, name).toMatch(/^(string|number)$/);
    expect(line.properties.placementProvider.enum).toEqual(['PR0', 'PR1', 'PR2', 'PR3', 'PR4', 'PR5']);
    expect(line.required).toEqual(['period', 'providerName', 'placementType', 'placementProvider', 'amount']);
    expect(line.additionalProperties).toBe(false);
    // money: weeklyCost is never negative, amount may be (a credit)
    expect(line.properties.weeklyCost.minimum).toBe(0);
    expect(line.properties.amount.minimum).toBeUndefined();
  });

  it('declares the CSV body and the raw download with their media types', () => {
    const post = doc.paths['/v1/spend/batches']!.post;
    expect(Object.keys(post.requestBody.content)).toEqual(['application/json', 'text/csv']);
    expect(post.requestBody.content['text/csv'].schema.type).toBe('string');
    const raw = doc.paths['/v1/spend/batches/{batchId}/raw']!.get.responses['200'];
    expect(Object.keys(raw.content).sort()).toEqual(['application/json', 'text/csv']);
    expect(raw.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SpendBatchJson' });
    expect(doc.components.schemas.SpendBatchJson.properties.lines.items).toEqual({ $ref: '#/components/schemas/SpendLine' });
    expect(raw.headers['Content-Disposition']).toEqual({ $ref: '#/components/headers/ContentDisposition' });
  });

  it('declares ETag and Location on the answers that carry them', () => {
    const headersOf = (method: string, path: string, status: string) => Object.keys(doc.paths[path]![method].responses[status].headers);
    for (const [method, path, status] of [['put', '/v1/homes/{urn}', '200'], ['put', '/v1/homes/{urn}', '201'], ['get', '/v1/homes/{urn}', '200'],
      ['get', '/v1/vacancies/{id}', '200'], ['post', '/v1/vacancies/{id}/confirm', '200'], ['patch', '/v1/vacancies/{id}', '200']] as const) {
      expect(headersOf(method, path, status), `${method} ${path}`).toContain('ETag');
    }
    expect(headersOf('post', '/v1/homes/{urn}/vacancies', '201')).toEqual(expect.arrayContaining(['ETag', 'Location']));
    for (const path of ['/v1/referrals', '/v1/pool/beds', '/v1/pool/requests', '/v1/pool/allocations']) expect(headersOf('post', path, '201'), path).toContain('Location');
    expect(doc.components.headers.ETag.schema.pattern).toBe('^"\\d{1,9}"$');
  });

  it('states money and count rules: prices not negative, counts from 0', () => {
    const s = doc.components.schemas;
    for (const price of [s.HomeInput.properties.weeklyPrice, s.VacancyInput.properties.weeklyPrice, s.Home.properties.weeklyPrice, s.VacancySearch.properties.maxWeeklyPrice]) {
      expect(price).toMatchObject({ type: 'number', minimum: 0, description: expect.stringMatching(/at most 2 decimal places/) });
    }
    expect(s.PoolBedInput.properties.weeklyCost).toMatchObject({ exclusiveMinimum: 0 });
    for (const count of [s.SpendBatch.properties.lines, s.SpendBatch.properties.accepted, s.SpendBatch.properties.rejected, s.SpendBatchAnswer.properties.accepted,
      s.Rollup.properties.totals.properties.authorities]) {
      expect(count).toMatchObject({ type: 'integer', minimum: 0 });
    }
  });
});

describe('the bounds the document states hold at the edge', () => {
  it('a URN longer than the document allows is 400', async () => {
    const r = await call('authority:essex', 'GET', '/v1/homes/SC1234567890');
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('a list page is at most 100 items: limit 101 is 400', async () => {
    expect((await call('authority:essex', 'GET', '/v1/homes', { query: { limit: 101 } })).status).toBe(400);
    expect((await call('authority:essex', 'GET', '/v1/homes', { query: { limit: 100 } })).status).toBe(200);
  });

  it('a problem lists at most 100 field errors and clips what a caller sent', async () => {
    const body: Record<string, unknown> = { child: { age: 10, sex: 'female', needs: [] } };
    for (let i = 0; i < 150; i++) body[`unknown${i}`] = i;
    body['k'.repeat(5000)] = 1;
    const r = await call('authority:essex', 'POST', '/v1/vacancies/search', { body });
    expect(r.status).toBe(400);
    expect(r.json.errors).toHaveLength(PROBLEM_LIMITS.errors);
    expect(r.json.detail).toMatch(/first 100 of 151 errors/);
    expect(r.json.detail.length).toBeLessThanOrEqual(PROBLEM_LIMITS.detail);
    for (const e of r.json.errors) {
      expect(e.path.length).toBeLessThanOrEqual(PROBLEM_LIMITS.path);
      expect(e.message.length).toBeLessThanOrEqual(PROBLEM_LIMITS.message);
    }
  });

  it('a home name over 200 characters is 400 naming the field', async () => {
    const home = {
      name: 'n'.repeat(201), placementType: 'K2', outcode: 'CM1', registeredPlaces: 2, ofstedRating: 'good',
      ageRange: { min: 8, max: 17 }, sexes: ['female'],
    };
    const r = await call('provider:openapi-bounds', 'PUT', '/v1/homes/SC900001', { body: home });
    expect(r.status).toBe(400);
    expect(r.json.errors.map((e: { path: string }) => e.path)).toEqual(['name']);
  });
});
