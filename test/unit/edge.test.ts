import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  badRequest, conflict, forbidden, HubError, notFound, payloadTooLarge, preconditionFailed, unauthorized, unprocessable,
  unsupportedMediaType, type ErrorCode,
} from '../../functions/domain/errors.ts';
import { BODY_LIMIT_BYTES, lambda, personMayCall, type Impl, type Reply } from '../../functions/http/edge.ts';
import { referenceRoutes } from '../../functions/routes/reference.ts';
import type { RouteDef, RouteKey } from '../../functions/routes/index.ts';
import type { Claim, IdempotencyStore, StoredAnswer } from '../../functions/store/idempotency.ts';

/**
 * The HTTP edge (functions/http/edge.ts) in process: API Gateway events built by hand, handed to
 * the handler `lambda(...)` builds, as Lambda would. No stack, no network (test/support/unit-guard.ts).
 */

// ---------------------------------------------------------------- events and calls

interface EventOptions {
  /** `authority:essex` etc. as the authorizer would pass it; null: no authorizer context at all. */
  principal?: string | null;
  /** More of the authorizer's context: `person` and `roles` when a person signed in. */
  context?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | null;
  base64?: boolean;
  query?: Record<string, string>;
  params?: Record<string, string>;
  path?: string;
  /** undefined: the edge makes one up. */
  requestId?: string;
}

let seq = 0;
function event(routeKey: string, o: EventOptions = {}): APIGatewayProxyEvent {
  const i = routeKey.indexOf(' ');
  const [method, resource] = [routeKey.slice(0, i), routeKey.slice(i + 1)];
  const requestId = 'requestId' in o ? o.requestId : `req-${++seq}`;
  const principal = o.principal === undefined ? 'authority:essex' : o.principal;
  return {
    httpMethod: method,
    resource,
    path: o.path ?? resource.replace(/\{(\w+)\}/g, (_, k: string) => o.params?.[k] ?? k),
    headers: o.headers ?? {},
    multiValueHeaders: {},
    queryStringParameters: o.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: o.params ?? null,
    stageVariables: null,
    body: o.body ?? null,
    isBase64Encoded: o.base64 ?? false,
    requestContext: {
      ...(requestId !== undefined ? { requestId } : {}),
      ...(principal !== null ? { authorizer: { ...o.context, principal } } : {}),
    } as never,
  } as APIGatewayProxyEvent;
}

const context = { getRemainingTimeInMillis: () => 29_000, callbackWaitsForEmptyEventLoop: true } as unknown as Context;

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: any;
}

type Handler = (e: APIGatewayProxyEvent, c: Context) => Promise<APIGatewayProxyResult | Reply>;

/**
 * Calls the handler and checks what every answer must carry: the request's id in
 * `x-request-id` (a fresh one when API Gateway gave none), and problem+json for every error.
 */
async function send(handler: unknown, e: APIGatewayProxyEvent): Promise<Answer> {
  const out = (await (handler as Handler)(e, context)) as APIGatewayProxyResult;
  const headers = Object.fromEntries(Object.entries(out.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const id = e.requestContext?.requestId;
  if (id) expect(headers['x-request-id'], 'x-request-id').toBe(id);
  else expect(headers['x-request-id'], 'x-request-id').toMatch(/^[0-9a-f-]{36}$/);
  let json: any;
  try {
    json = out.body ? JSON.parse(out.body) : undefined;
  } catch {
    json = undefined;
  }
  if (out.statusCode >= 400) {
    expect(headers['content-type'], `${out.statusCode} is problem+json`).toBe('application/problem+json');
    expect(json).toMatchObject({ type: `https://commission-east.example/problems/${out.statusCode}`, status: out.statusCode, title: expect.any(String) });
  }
  return { status: out.statusCode, headers, text: out.body, json };
}

// ---------------------------------------------------------------- a tiny route table

/**
 * Real route keys (the edge's types are fixed by the real table) with schemas of this test's own,
 * so each rule is exercised on its own.
 */
const Named = z.strictObject({ name: z.string().check(z.minLength(1)), nested: z.optional(z.strictObject({ size: z.number().check(z.int()) })) });
const tiny = {
  'GET /v1/authorities': { handler: 'test', access: ['authority', 'provider', 'programme-office'], summary: 'any signed-in caller', query: z.strictObject({ limit: z.optional(z.coerce.number().check(z.int())) }) },
  'POST /v1/vacancies/search': { handler: 'test', access: ['authority'], summary: 'authorities only, a strict body', body: Named },
  'GET /v1/pool/beds/{id}': { handler: 'test', access: ['programme-office'], summary: 'the programme office only', params: z.strictObject({ id: z.string().check(z.regex(/^bed_\w+$/)) }) },
  'POST /v1/spend/batches': { handler: 'test', access: ['authority'], summary: 'JSON or CSV', body: Named, csv: true },
  'POST /v1/pool/beds': { handler: 'test', access: ['programme-office'], summary: 'creating, idempotent', body: Named, idempotent: true, status: 201 },
} as const satisfies Partial<Record<RouteKey, RouteDef>>;

/** What the implementations saw, newest last. */
const seen: { route: string; principal: unknown; body: unknown; query: unknown; params: unknown; person?: string; roles?: unknown; by?: unknown }[] = [];
const record = (req: { route: string; principal: unknown; body: unknown; query: unknown; params: unknown; person?: string; roles?: unknown; by?: unknown }) => {
  seen.push({ route: req.route, principal: req.principal, body: req.body, query: req.query, params: req.params, person: req.person, roles: req.roles, by: req.by });
};

let thrown: unknown;
const handler = lambda(tiny, {
  'GET /v1/authorities': async (req) => {
    record(req);
    if (thrown !== undefined) throw thrown;
    return { body: { items: [], who: req.principal } };
  },
  'POST /v1/vacancies/search': async (req) => {
    record(req);
    return { body: { items: [] } };
  },
  'GET /v1/pool/beds/{id}': async (req) => {
    record(req);
    return { body: { id: req.params.id } } as Reply;
  },
  'POST /v1/spend/batches': (async (req) => {
    record(req);
    return { status: 202, body: { got: typeof req.body } };
  }) as Impl<'POST /v1/spend/batches'>,
  'POST /v1/pool/beds': (async (req) => {
    record(req);
    return { status: 201, body: { created: (req.body as unknown as { name: string }).name, n: seen.length }, headers: { location: '/v1/pool/beds/bed_x' } };
  }) as Impl<'POST /v1/pool/beds'>,
}, { idempotency: memoryIdempotency() });

// ---------------------------------------------------------------- an in-memory idempotency store

/** The IdempotencyStore contract (functions/store/idempotency.ts) kept in a Map, for the edge alone. */
function memoryIdempotency(): IdempotencyStore & { entries: Map<string, { fingerprint: string; answer?: StoredAnswer }> } {
  const entries = new Map<string, { fingerprint: string; answer?: StoredAnswer }>();
  const id = (p: { kind: string; id?: string }, key: string) => `${p.kind}:${p.id ?? ''}#${key}`;
  return {
    entries,
    claim: async (p, key, fingerprint): Promise<Claim> => {
      const e = entries.get(id(p, key));
      if (!e) {
        entries.set(id(p, key), { fingerprint });
        return { kind: 'claimed' };
      }
      if (e.fingerprint !== fingerprint) return { kind: 'mismatch' };
      return e.answer ? { kind: 'replay', answer: e.answer } : { kind: 'in-progress' };
    },
    complete: async (p, key, answer) => {
      entries.get(id(p, key))!.answer = answer;
    },
    release: async (p, key) => {
      entries.delete(id(p, key));
    },
  };
}

// ---------------------------------------------------------------- the tests

describe('the edge maps each HubError code to its status, once, as problem+json', () => {
  /** Written out here, not read from functions/http/problems.ts, so a changed mapping is caught. */
  const cases: [string, number, HubError][] = [
    ['badRequest', 400, badRequest('The body is not valid.', [{ path: 'age', message: 'too old' }])],
    ['unauthorized', 401, unauthorized()],
    ['forbidden', 403, forbidden()],
    ['notFound', 404, notFound()],
    ['method-not-allowed', 405, new HubError('method-not-allowed', 'Use GET.')],
    ['conflict', 409, conflict('The bed is occupied.', [{ path: 'status', message: 'occupied' }])],
    ['preconditionFailed', 412, preconditionFailed('If-Match names an older version.')],
    ['payloadTooLarge', 413, payloadTooLarge(1024)],
    ['unsupportedMediaType', 415, unsupportedMediaType('Send application/json.')],
    ['unprocessable', 422, unprocessable('The home cannot take this child.', [{ path: 'homeUrn', message: 'male only' }])],
    ['precondition-required', 428, new HubError('precondition-required', 'Send If-Match.')],
    ['header-too-large', 431, new HubError('header-too-large', 'Too many headers.')],
  ];

  it.each(cases)('%s → %i', async (_name, status, error) => {
    thrown = error;
    try {
      const r = await send(handler, event('GET /v1/authorities'));
      expect(r.status).toBe(status);
      expect(r.json.detail).toBe(error.detail);
      if (error.errors) expect(r.json.errors).toEqual(error.errors);
      else expect(r.json).not.toHaveProperty('errors');
    } finally {
      thrown = undefined;
    }
  });

  it('covers every code the domain can raise', () => {
    const codes: Record<ErrorCode, true> = {
      invalid: true, unauthenticated: true, forbidden: true, 'not-found': true, 'method-not-allowed': true, conflict: true,
      stale: true, 'too-large': true, 'unsupported-media-type': true, unprocessable: true, 'precondition-required': true, 'header-too-large': true,
    };
    expect(new Set(cases.map(([, , e]) => e.code))).toEqual(new Set(Object.keys(codes)));
  });

  it('a subclass of HubError is mapped by its code, and its headers are sent', async () => {
    class Refusal extends HubError {
      constructor() {
        super('conflict', 'No bed is free.', [{ path: 'kind', message: 'none free' }], { 'retry-after': '30' });
      }
    }
    thrown = new Refusal();
    try {
      const r = await send(handler, event('GET /v1/authorities'));
      expect(r.status).toBe(409);
      expect(r.headers['retry-after']).toBe('30');
      expect(r.json.errors).toEqual([{ path: 'kind', message: 'none free' }]);
    } finally {
      thrown = undefined;
    }
  });

  it('anything else is a 500 that says nothing of the cause', async () => {
    const secrets = [
      new Error('ResourceNotFoundException: arn:aws:dynamodb:eu-west-2:111111111111:table/hub-secret-table'),
      new TypeError("Cannot read properties of undefined (reading 'childRef')"),
      'a string thrown: child Jane Doe',
      { message: 'an object thrown with a child\'s name' },
    ];
    for (const error of secrets) {
      thrown = error;
      try {
        const r = await send(handler, event('GET /v1/authorities'));
        expect(r.status).toBe(500);
        expect(Object.keys(r.json).sort()).toEqual(['detail', 'status', 'title', 'type']);
        for (const leak of ['arn:', 'dynamodb', 'childRef', 'Jane', 'child\'s name', 'TypeError', 'stack']) expect(r.text).not.toContain(leak);
      } finally {
        thrown = undefined;
      }
    }
  });

  it('clips a hostile detail and lists at most 100 field errors', async () => {
    thrown = badRequest('x'.repeat(100_000), Array.from({ length: 5_000 }, (_, i) => ({ path: `f${i}`.padEnd(10_000, 'y'), message: 'bad' })));
    try {
      const r = await send(handler, event('GET /v1/authorities'));
      expect(r.status).toBe(400);
      expect(r.json.errors).toHaveLength(100);
      expect(r.text.length).toBeLessThan(100_000);
      expect(r.json.detail).toMatch(/the first 100 of 5000 errors/);
    } finally {
      thrown = undefined;
    }
  });
});

describe('principal and roles', () => {
  it('a call with no principal is 401 on a route that needs one, and never reaches the handler', async () => {
    const before = seen.length;
    for (const principal of [null, '', 'authority:atlantis', 'nobody', 'authority:essex:extra']) {
      const r = await send(handler, event('GET /v1/authorities', { principal }));
      expect(r.status, String(principal)).toBe(401);
    }
    expect(seen.length).toBe(before);
  });

  it('a principal whose role is not in the route\'s access list is 403, before its input is even read', async () => {
    const before = seen.length;
    for (const principal of ['authority:essex', 'provider:acme-care']) {
      const r = await send(handler, event('GET /v1/pool/beds/{id}', { principal, params: { id: 'not a bed id' } }));
      expect(r.status, principal).toBe(403);
    }
    for (const principal of ['provider:acme-care', 'programme-office']) {
      const r = await send(handler, event('POST /v1/vacancies/search', { principal, body: '{"name":"x"}', headers: { 'content-type': 'application/json' } }));
      expect(r.status, principal).toBe(403);
    }
    expect(seen.length).toBe(before);
  });

  it('a principal in the access list reaches the handler, narrowed to its role', async () => {
    const r = await send(handler, event('GET /v1/pool/beds/{id}', { principal: 'programme-office', params: { id: 'bed_123' } }));
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ id: 'bed_123' });
    expect(seen.at(-1)).toMatchObject({ route: 'GET /v1/pool/beds/{id}', principal: { kind: 'programme-office' } });
    const a = await send(handler, event('GET /v1/authorities', { principal: 'provider:acme-care' }));
    expect(a.json.who).toEqual({ kind: 'provider', id: 'acme-care' });
  });

  it('a person named by the authorizer reaches the handler with their roles in that organisation, and `by` names both', async () => {
    await send(handler, event('GET /v1/pool/beds/{id}', {
      principal: 'programme-office', params: { id: 'bed_1' },
      context: { person: 'p-42', roles: 'programme-officer director-of-childrens-services' },
    }));
    // A role of another kind of organisation is not the person's here (CONTRACT "Organisations and people": roles by organisation).
    expect(seen.at(-1)).toMatchObject({ person: 'p-42', roles: ['programme-officer'], by: { principal: 'programme-office', person: 'p-42' } });
    await send(handler, event('GET /v1/pool/beds/{id}', { principal: 'programme-office', params: { id: 'bed_1' } }));
    const key = seen.at(-1) as { person?: string; roles?: unknown; by: unknown };
    expect([key.person, key.roles, key.by]).toEqual([undefined, undefined, { principal: 'programme-office' }]);
  });

  it('a person holding no role of their organisation is 403 everywhere; a route\'s personRoles admit only those roles (CONTRACT roles)', async () => {
    const before = seen.length;
    const r = await send(handler, event('GET /v1/pool/beds/{id}', { principal: 'programme-office', params: { id: 'bed_1' }, context: { person: 'p-1', roles: 'director-of-childrens-services' } }));
    expect(r.status).toBe(403);
    expect(seen.length).toBe(before);
    expect(() => personMayCall({ personRoles: ['nominated-officer', 'director-of-childrens-services'] }, ['placement-officer'])).toThrow(/needs a role/);
    expect(() => personMayCall({ personRoles: ['nominated-officer', 'director-of-childrens-services'] }, ['director-of-childrens-services'])).not.toThrow();
    expect(() => personMayCall({}, ['provider-staff'])).not.toThrow();
    expect(() => personMayCall({}, [])).toThrow(/no role here/);
  });

  it('x-api-key and Authorization together are 400 (CONTRACT), before the principal is even looked at', async () => {
    const before = seen.length;
    for (const principal of ['authority:essex', null]) {
      const r = await send(handler, event('GET /v1/authorities', { principal, headers: { 'x-api-key': 'k', Authorization: 'Bearer a.b.c' } }));
      expect(r.status, String(principal)).toBe(400);
    }
    expect(seen.length).toBe(before);
  });

  it('a public route needs no principal', async () => {
    const { handler: health } = await import('../../functions/handlers/health.ts');
    const r = await send(health, event('GET /v1/health', { principal: null }));
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('ok');
  });

  it('a route of the table this Lambda does not serve is 404 problem+json', async () => {
    const only = lambda(referenceRoutes, { 'GET /v1/authorities': async () => ({ body: {} }) });
    const r = await send(only, event('GET /v1/sharing-agreements'));
    expect(r.status).toBe(404);
    const other = await send(only, event('DELETE /v1/nowhere'));
    expect(other.status).toBe(404);
  });
});

describe('input', () => {
  const json = { 'content-type': 'application/json' };

  it('an unknown body field is 400 naming it, nested or not, and the handler never runs', async () => {
    const before = seen.length;
    const r = await send(handler, event('POST /v1/vacancies/search', { body: JSON.stringify({ name: 'x', childName: 'Jane' }), headers: json }));
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual([{ path: 'childName', message: 'unknown field' }]);
    const nested = await send(handler, event('POST /v1/vacancies/search', { body: JSON.stringify({ name: 'x', nested: { size: 1, colour: 'red' } }), headers: json }));
    expect(nested.status).toBe(400);
    expect(nested.json.errors).toEqual([{ path: 'nested.colour', message: 'unknown field' }]);
    expect(seen.length).toBe(before);
  });

  it('a valid body reaches the handler parsed', async () => {
    const r = await send(handler, event('POST /v1/vacancies/search', { body: JSON.stringify({ name: 'x', nested: { size: 2 } }), headers: json }));
    expect(r.status).toBe(200);
    expect(seen.at(-1)!.body).toEqual({ name: 'x', nested: { size: 2 } });
  });

  it('a field that breaks its schema is 400 naming the field', async () => {
    const r = await send(handler, event('POST /v1/vacancies/search', { body: JSON.stringify({ name: 'x', nested: { size: 1.5 } }), headers: json }));
    expect(r.status).toBe(400);
    expect(r.json.errors.map((e: { path: string }) => e.path)).toEqual(['nested.size']);
  });

  it('an unknown query parameter is 400 naming it; so on a route that takes none', async () => {
    const r = await send(handler, event('GET /v1/authorities', { query: { limit: '5', colour: 'red' } }));
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual([{ path: 'colour', message: 'unknown field' }]);
    const none = await send(handler, event('GET /v1/pool/beds/{id}', { principal: 'programme-office', params: { id: 'bed_1' }, query: { x: '1' } }));
    expect(none.status).toBe(400);
    expect(none.json.errors).toEqual([{ path: 'x', message: 'unknown parameter' }]);
  });

  it('a bad path parameter is 400', async () => {
    const r = await send(handler, event('GET /v1/pool/beds/{id}', { principal: 'programme-office', params: { id: '../etc' } }));
    expect(r.status).toBe(400);
    expect(r.json.errors[0].path).toBe('id');
  });

  it('text that is not JSON is 400; another media type is 415; CSV only where the route takes it', async () => {
    expect((await send(handler, event('POST /v1/vacancies/search', { body: '{"name":', headers: json }))).status).toBe(400);
    expect((await send(handler, event('POST /v1/vacancies/search', { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }))).status).toBe(415);
    expect((await send(handler, event('POST /v1/vacancies/search', { body: 'name\nx\n', headers: { 'content-type': 'text/csv' } }))).status).toBe(415);
    const csv = await send(handler, event('POST /v1/spend/batches', { body: 'name\nx\n', headers: { 'content-type': 'text/csv; charset=utf-8' } }));
    expect(csv.status).toBe(202);
    expect(seen.at(-1)!.body).toBe('name\nx\n');
  });

  it('a body on a route that takes none is 400', async () => {
    const r = await send(handler, event('GET /v1/authorities', { body: '{}', headers: json }));
    expect(r.status).toBe(400);
  });

  it(`a body over ${BODY_LIMIT_BYTES / 1024} KB is 413, counted in bytes as sent, before it is parsed`, async () => {
    const before = seen.length;
    const over = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT_BYTES) });
    expect((await send(handler, event('POST /v1/vacancies/search', { body: over, headers: json }))).status).toBe(413);
    // characters are not bytes: 100,000 euro signs are 300,000 bytes of UTF-8
    const euros = JSON.stringify({ name: '€'.repeat(100_000) });
    expect(euros.length).toBeLessThan(BODY_LIMIT_BYTES);
    expect((await send(handler, event('POST /v1/vacancies/search', { body: euros, headers: json }))).status).toBe(413);
    // over the limit even when it is not JSON at all, and on CSV
    expect((await send(handler, event('POST /v1/spend/batches', { body: 'a,b\n'.repeat(70_000), headers: { 'content-type': 'text/csv' } }))).status).toBe(413);
    expect(seen.length).toBe(before);
  });

  it('a body just under the limit is read; a base64 body is measured decoded', async () => {
    const under = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT_BYTES - 100) });
    expect((await send(handler, event('POST /v1/vacancies/search', { body: under, headers: json }))).status).toBe(200);
    const raw = JSON.stringify({ name: 'y'.repeat(200 * 1024) });
    const b64 = Buffer.from(raw).toString('base64');
    expect(b64.length).toBeGreaterThan(BODY_LIMIT_BYTES);
    expect((await send(handler, event('POST /v1/vacancies/search', { body: b64, base64: true, headers: json }))).status).toBe(200);
    expect((seen.at(-1)!.body as { name: string }).name).toHaveLength(200 * 1024);
  });
});

describe('x-request-id', () => {
  it('is API Gateway\'s request id on success, on a 4xx and on a 500, and made up when there is none', async () => {
    // `send` checks the header on every answer in this file; here each kind once more, by name
    const ok = await send(handler, event('GET /v1/authorities', { requestId: 'gw-ok' }));
    expect(ok.headers['x-request-id']).toBe('gw-ok');
    const refused = await send(handler, event('GET /v1/authorities', { requestId: 'gw-401', principal: null }));
    expect(refused.headers['x-request-id']).toBe('gw-401');
    thrown = new Error('boom');
    try {
      const failed = await send(handler, event('GET /v1/authorities', { requestId: 'gw-500' }));
      expect([failed.status, failed.headers['x-request-id']]).toEqual([500, 'gw-500']);
    } finally {
      thrown = undefined;
    }
    const a = await send(handler, event('GET /v1/authorities', { requestId: undefined }));
    const b = await send(handler, event('GET /v1/authorities', { requestId: undefined }));
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });
});

describe('Idempotency-Key (with an in-memory store)', () => {
  const po = { principal: 'programme-office' as const };
  const post = (key: string | undefined, body: string, requestId?: string) =>
    send(handler, event('POST /v1/pool/beds', { ...po, ...(requestId ? { requestId } : {}), body, headers: { 'content-type': 'application/json', ...(key !== undefined ? { 'idempotency-key': key } : {}) } }));

  it('replays the first 2xx answer for the same body (key order and spacing aside), without running the handler again', async () => {
    const first = await post('k-1', '{"name":"Oak","nested":{"size":1}}', 'first');
    expect(first.status).toBe(201);
    const runs = seen.length;
    const again = await post('k-1', '{ "nested": { "size": 1 }, "name": "Oak" }', 'again');
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.location).toBe('/v1/pool/beds/bed_x');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['x-request-id']).toBe('again');
    expect(seen.length).toBe(runs);
  });

  it('a key used with another body is 422, and the handler does not run', async () => {
    await post('k-2', '{"name":"Elm"}');
    const runs = seen.length;
    const r = await post('k-2', '{"name":"Ash"}');
    expect(r.status).toBe(422);
    expect(seen.length).toBe(runs);
  });

  it('a refused request releases its key, so the corrected request may use it', async () => {
    const bad = await post('k-3', '{"name":"Fir","extra":1}');
    expect(bad.status).toBe(400);
    const good = await post('k-3', '{"name":"Fir"}');
    expect(good.status).toBe(201);
  });

  it('a key that is not 1-255 visible ASCII characters is 400 naming the header', async () => {
    const r = await post('', '{"name":"Yew"}');
    expect(r.status).toBe(400);
    expect(r.json.errors[0].path).toBe('Idempotency-Key');
    expect((await post('x'.repeat(256), '{"name":"Yew"}')).status).toBe(400);
  });

  it('a Lambda serving a creating POST without an idempotency store is refused when it is built', () => {
    expect(() => lambda(tiny, { 'POST /v1/pool/beds': async () => ({ status: 201 }) })).toThrow(/Idempotency-Key/);
  });
});
