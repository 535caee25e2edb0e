import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeList, type RouteKey } from '../../functions/routes/index.ts';
import { londonToday } from '../../functions/domain/calendar-days.ts';
import { call } from '../support/hub.ts';
import { startIsolatedHub, type IsolatedHub } from '../support/isolated.ts';
import { HOMES, placed } from '../support/placement-fixtures.ts';

/**
 * Prism's validation proxy (@stoplight/prism-cli) in front of a hub of its own: every request is
 * checked against the served OpenAPI document on its way in and every answer on its way out, and
 * any violation comes back in the `sl-violations` header. Through it, each route's request body
 * example is sent (path ids taken from the answers before), in an order that gives each one the
 * state it needs, and must be accepted by the hub with no violation either way.
 */

const PROVIDER = 'provider:harbour-care';
const AUTHORITY = 'authority:essex';
const PO = 'programme-office';

let hub: IsolatedHub;
let prism: ChildProcess;
let prismUrl: string;
let dir: string;
let log = '';

const freePort = () =>
  new Promise<number>((ok, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
    s.once('error', fail);
  });

beforeAll(async () => {
  const served = await call(null, 'GET', '/openapi.json');
  expect(served.status).toBe(200);
  dir = mkdtempSync(join(tmpdir(), 'hub-prism-'));
  const spec = join(dir, 'openapi.json');
  writeFileSync(spec, served.text);
  process.env.HUB_WEBHOOKS_ALLOW_LOOPBACK = '1'; // the isolated hub takes it: a webhook to a receiver on loopback
  hub = await startIsolatedHub('openapi-prism');
  const port = await freePort();
  prism = spawn(resolve('node_modules/.bin/prism'), ['proxy', spec, hub.baseUrl, '-h', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  prismUrl = await new Promise<string>((ok, fail) => {
    const seen = (d: Buffer) => {
      log += d.toString();
      const m = /Prism is listening on (http:\/\/[\d.:]+)/.exec(log);
      if (m) ok(m[1]!);
    };
    prism.stdout!.on('data', seen);
    prism.stderr!.on('data', seen);
    prism.once('exit', (code) => fail(new Error(`prism exited ${code}: ${log}`)));
  });
}, 120_000);

afterAll(async () => {
  prism?.kill('SIGTERM');
  await hub?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  json: any;
  text: string;
  headers: Headers;
  violations: { location: string[]; message: string; severity: string }[];
}

/** One call through Prism as `who`. */
async function via(who: string, method: string, path: string, opts: { body?: unknown; csv?: string; query?: Record<string, string> } = {}): Promise<Answer> {
  const url = new URL(path, prismUrl);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { 'x-api-key': await hub.key(who) };
  let body: string | undefined;
  if (opts.csv !== undefined) [headers['content-type'], body] = ['text/csv', opts.csv];
  else if (opts.body !== undefined) [headers['content-type'], body] = ['application/json', JSON.stringify(opts.body)];
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  const v = res.headers.get('sl-violations');
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers, violations: v ? JSON.parse(v) : [] };
}

const route = (key: RouteKey) => routeList.find((r) => r.key === key)!.def;
const example = (key: RouteKey) => route(key).doc!.example as Record<string, any>;
/** The routes whose body example went through, and what went wrong on the way. */
const sent = new Set<string>();
const problems: string[] = [];

/** Sends a route's request (its body example unless another body is given) and expects a 2xx without a violation. */
async function send(who: string, key: RouteKey, path: string, opts: Parameters<typeof via>[3] = {}): Promise<Answer> {
  const { method } = routeList.find((r) => r.key === key)!;
  const body = opts.csv === undefined ? opts.body ?? route(key).doc?.example : undefined;
  const r = await via(who, method, path, { ...opts, body });
  const what = `${key} as ${who} → ${r.status}`;
  if (r.status >= 300) problems.push(`${what}: ${r.text.slice(0, 400)}`);
  for (const v of r.violations) problems.push(`${what}: ${v.severity} ${v.location.join('.')} ${v.message}`);
  if (route(key).body && r.status < 300) sent.add(opts.csv === undefined ? key : `${key} (csv)`);
  return r;
}

describe("Prism's validation proxy in front of the hub", () => {
  it('finds no violation in either direction, and the hub accepts every request body example', async () => {
    const urn = example('POST /v1/pool/beds').homeUrn as string;
    await send(PROVIDER, 'PUT /v1/homes/{urn}', `/v1/homes/${urn}`);
    await send(AUTHORITY, 'GET /v1/homes/{urn}', `/v1/homes/${urn}`);
    await send(PROVIDER, 'GET /v1/homes', '/v1/homes');
    const vacancy = await send(PROVIDER, 'POST /v1/homes/{urn}/vacancies', `/v1/homes/${urn}/vacancies`);
    const vacancyId = vacancy.json?.id as string;
    await send(PROVIDER, 'GET /v1/homes/{urn}/vacancies', `/v1/homes/${urn}/vacancies`);
    await send(AUTHORITY, 'GET /v1/vacancies/{id}', `/v1/vacancies/${vacancyId}`);
    await send(PROVIDER, 'PATCH /v1/vacancies/{id}', `/v1/vacancies/${vacancyId}`);
    await send(PROVIDER, 'POST /v1/vacancies/{id}/confirm', `/v1/vacancies/${vacancyId}/confirm`);
    await send(AUTHORITY, 'POST /v1/vacancies/search', '/v1/vacancies/search');

    const bed = await send(PO, 'POST /v1/pool/beds', '/v1/pool/beds');
    const request = await send(AUTHORITY, 'POST /v1/pool/requests', '/v1/pool/requests');
    await send(PO, 'GET /v1/pool/requests/{id}/candidates', `/v1/pool/requests/${request.json?.id}/candidates`);
    const allocation = await send(PO, 'POST /v1/pool/allocations', '/v1/pool/allocations', {
      body: { ...example('POST /v1/pool/allocations'), requestId: request.json?.id, bedId: bed.json?.id },
    });
    await send(AUTHORITY, 'GET /v1/pool/beds', '/v1/pool/beds');
    await send(AUTHORITY, 'GET /v1/pool/allocations/{id}', `/v1/pool/allocations/${allocation.json?.id}`);
    await send(AUTHORITY, 'POST /v1/pool/allocations/{id}/end', `/v1/pool/allocations/${allocation.json?.id}/end`);
    await send(PO, 'PATCH /v1/pool/beds/{id}', `/v1/pool/beds/${bed.json?.id}`);
    await send(PO, 'GET /v1/pool/ledger', '/v1/pool/ledger', { query: { from: '2026-06-01', to: '2026-06-30' } });

    const referral = await send(AUTHORITY, 'POST /v1/referrals', '/v1/referrals');
    const referralId = referral.json?.id as string;
    await send(PROVIDER, 'GET /v1/referrals/{id}', `/v1/referrals/${referralId}`);
    await send(PROVIDER, 'POST /v1/referrals/{id}/responses', `/v1/referrals/${referralId}/responses`);
    // offers on it: made (holding a bed), read, withdrawn; made again, declined; made again, accepted
    const held = await send(PROVIDER, 'POST /v1/homes/{urn}/vacancies', `/v1/homes/${urn}/vacancies`);
    const offerOf = () => ({
      body: { ...example('POST /v1/referrals/{id}/offers'), homeUrn: urn, vacancyId: held.json?.id, startDate: londonToday(), holdUntil: new Date(Date.now() + 86_400_000).toISOString() },
    });
    const first = await send(PROVIDER, 'POST /v1/referrals/{id}/offers', `/v1/referrals/${referralId}/offers`, offerOf());
    await send(AUTHORITY, 'GET /v1/referrals/{id}/offers', `/v1/referrals/${referralId}/offers`);
    await send(PROVIDER, 'GET /v1/offers/{id}', `/v1/offers/${first.json?.id}`);
    await send(PROVIDER, 'POST /v1/offers/{id}/withdraw', `/v1/offers/${first.json?.id}/withdraw`);
    const second = await send(PROVIDER, 'POST /v1/referrals/{id}/offers', `/v1/referrals/${referralId}/offers`, offerOf());
    await send(AUTHORITY, 'POST /v1/offers/{id}/decline', `/v1/offers/${second.json?.id}/decline`);
    const third = await send(PROVIDER, 'POST /v1/referrals/{id}/offers', `/v1/referrals/${referralId}/offers`, offerOf());
    await send(AUTHORITY, 'POST /v1/offers/{id}/accept', `/v1/offers/${third.json?.id}/accept`);
    await send(AUTHORITY, 'POST /v1/referrals/{id}/consent', `/v1/referrals/${referralId}/consent`);
    await send(AUTHORITY, 'GET /v1/audit', '/v1/audit', { query: { referralId } });

    // placements, made as an accepted offer makes them, in this hub's table (the isolated hub points the store at it)
    const near = await placed({ home: HOMES.suffolk, startDate: '2026-06-01', referralId });
    const far = await placed({ home: HOMES.westminster, startDate: '2026-06-01' });
    await send(AUTHORITY, 'GET /v1/placements', '/v1/placements');
    await send(PROVIDER, 'GET /v1/placements', '/v1/placements');
    await send(PROVIDER, 'GET /v1/placements/{id}', `/v1/placements/${near.id}`);
    await send(AUTHORITY, 'POST /v1/placements/{id}/approval', `/v1/placements/${near.id}/approval`);
    await send(AUTHORITY, 'POST /v1/placements/{id}/notices/{noticeId}/sent', `/v1/placements/${far.id}/notices/${far.notices[0]!.id}/sent`);
    await send('authority:suffolk', 'GET /v1/notices', '/v1/notices');
    await send(AUTHORITY, 'POST /v1/placements/{id}/end', `/v1/placements/${near.id}/end`);
    await send(AUTHORITY, 'GET /v1/placements/{id}', `/v1/placements/${near.id}`);
    const episodes = await send(AUTHORITY, 'GET /v1/placements/ssda903', '/v1/placements/ssda903', { query: { year: '2026-27' } });
    expect(episodes.text).toContain(near.childRef);

    const json = await send(AUTHORITY, 'POST /v1/spend/batches', '/v1/spend/batches');
    await send(AUTHORITY, 'POST /v1/spend/batches', '/v1/spend/batches', { csv: route('POST /v1/spend/batches').doc!.csv!.example });
    const raw = await send(AUTHORITY, 'GET /v1/spend/batches/{batchId}/raw', `/v1/spend/batches/${json.json?.batchId}/raw`);
    expect(raw.headers.get('content-type')).toMatch(/^application\/json/);
    await send(AUTHORITY, 'GET /v1/spend/batches', '/v1/spend/batches');
    await send(PO, 'POST /v1/rollups', '/v1/rollups');
    await send(AUTHORITY, 'GET /v1/rollups/{period}', `/v1/rollups/${example('POST /v1/rollups').period}`);
    await send(PO, 'PUT /v1/provider-groups/{group}', `/v1/provider-groups/${encodeURIComponent('Harbour Care Group')}`);
    await send(AUTHORITY, 'GET /v1/authorities', '/v1/authorities');
    await send(PROVIDER, 'GET /v1/sharing-agreements', '/v1/sharing-agreements');
    await send(AUTHORITY, 'DELETE /v1/spend/batches/{batchId}', `/v1/spend/batches/${json.json?.batchId}`);

    // a provider the hub knows (it posted a home) that is not yet a party accedes to the regional agreement
    const JOINER = 'provider:prism-joiner';
    await send(JOINER, 'PUT /v1/homes/{urn}', '/v1/homes/SC483799');
    await send(AUTHORITY, 'GET /v1/providers', '/v1/providers');
    const agreementId = example('POST /v1/providers/{id}/accession').agreementId as string;
    await send(JOINER, 'POST /v1/providers/{id}/accession', '/v1/providers/prism-joiner/accession');
    await send(PROVIDER, 'GET /v1/sharing-agreements/{id}/accessions', `/v1/sharing-agreements/${agreementId}/accessions`);
    // a webhook (to loopback: the isolated hub allows it, as the local hub may), its list, deliveries and removal
    const hook = await send(AUTHORITY, 'POST /v1/webhooks', '/v1/webhooks', { body: { ...example('POST /v1/webhooks'), url: 'http://127.0.0.1:9/hook' } });
    await send(AUTHORITY, 'GET /v1/webhooks', '/v1/webhooks');
    await send(AUTHORITY, 'GET /v1/webhooks/{id}/deliveries', `/v1/webhooks/${hook.json?.id}/deliveries`);
    await send(AUTHORITY, 'DELETE /v1/webhooks/{id}', `/v1/webhooks/${hook.json?.id}`);
    await send(AUTHORITY, 'GET /v1/events', '/v1/events');

    expect(problems).toEqual([]);
    const withBody = routeList.filter((r) => r.def.body).flatMap((r) => (r.def.csv ? [r.key, `${r.key} (csv)`] : [r.key]));
    expect([...sent].sort()).toEqual(withBody.sort());
  }, 180_000);

  it('reports what breaks the document: a body outside its schema is a request violation (and the hub refuses it)', async () => {
    const r = await via(PROVIDER, 'PUT', '/v1/homes/SC483715', { body: { ...example('PUT /v1/homes/{urn}'), registeredPlaces: 0, weeklyPrice: -1 } });
    expect(r.status).toBe(400);
    expect(r.violations.map((v) => v.location.join('.'))).toEqual(expect.arrayContaining(['request.body.registeredPlaces', 'request.body.weeklyPrice']));
  });
});
