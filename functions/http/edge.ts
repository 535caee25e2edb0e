import { createHash } from 'node:crypto';
import middy from '@middy/core';
import type { MiddlewareObj, Request as MiddyRequest } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import type { routes, RouteDef, RouteKey } from '../routes/index.ts';
import { byOf, parsePrincipal, personRolesOf, principalId, type By, type PersonRole, type Principal } from '../domain/principal.ts';
import type { IdempotencyStore, StoredAnswer } from '../store/idempotency.ts';
import { IdempotencyKey } from '../../schemas/common.ts';
import { log, type Log } from './log.ts';
import {
  badRequest, conflict, forbidden, HubError, notFound, payloadTooLarge, unauthorized, unprocessable, unsupportedMediaType,
  type FieldError,
} from '../domain/errors.ts';
import { PROBLEM_LIMITS } from '../../schemas/codes.ts';
import { PROBLEM_STATUS, problemTitle } from './problems.ts';

/**
 * The HTTP edge, written once: every Lambda behind the API is `lambda({...routes})`.
 * Middleware, in order: response + problem+json + x-request-id + access log; route and
 * principal (roles from functions/routes/index.ts); body limit; params, query and JSON/CSV parsing;
 * Idempotency-Key (on the body as sent); strict zod validation of the body. Handlers receive
 * typed, validated input and return `{status?, body}`.
 */

export const BODY_LIMIT_BYTES = 256 * 1024;


type Routes = typeof routes;
type Out<T> = T extends z.ZodMiniType ? z.output<T> : Record<string, never>;
type Field<K extends RouteKey, F extends string> = Routes[K] extends { [P in F]: infer S } ? S : undefined;

/** The principal a route admits: narrowed by its access list, so no handler re-checks a role. */
export type PrincipalOf<K extends RouteKey> = Routes[K]['access'] extends 'public'
  ? Principal | undefined
  : Routes[K]['access'] extends readonly (infer R)[] ? Extract<Principal, { kind: R }> : never;

export interface HubRequest<K extends RouteKey> {
  principal: PrincipalOf<K>;
  /** The signed-in person (the token's `sub`); undefined for an API key (a system). */
  person?: string;
  /** The person's roles within the principal (verified claims); undefined for an API key. */
  roles?: readonly PersonRole[];
  /** Who is acting, as recorded on every record a write changes. */
  by: By;
  params: Out<Field<K, 'params'>>;
  query: Out<Field<K, 'query'>>;
  body: Field<K, 'csv'> extends true ? Out<Field<K, 'body'>> | string : Out<Field<K, 'body'>>;
  /** Lower-cased request headers. */
  headers: Record<string, string>;
  requestId: string;
  route: K;
  /** Structured logger carrying this request's id, route and principal. */
  log: Log;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Impl<K extends RouteKey> = (req: HubRequest<K>) => Promise<Reply>;

interface EdgeState {
  started: number;
  requestId: string;
  log: Log;
  routeKey?: RouteKey;
  route?: RouteDef;
  principal?: Principal;
  person?: string;
  roles?: readonly PersonRole[];
  params: unknown;
  query: unknown;
  body: unknown;
  /** The body as sent, before validation: what `Idempotency-Key` compares. */
  sent: Sent;
  headers: Record<string, string>;
  idempotency?: { principal: Principal; key: string };
}

/** A request body as it arrived: none, CSV text, parsed JSON, or text that is not JSON. */
type Sent = { kind: 'none' } | { kind: 'csv'; text: string } | { kind: 'json'; value: unknown } | { kind: 'malformed'; text: string };

type Mw = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult | Reply, Error, Context>;
/** Per-request state, keyed by the event object the runtime hands us. */
const states = new WeakMap<object, EdgeState>();
const edgeOf = (r: MiddyRequest<APIGatewayProxyEvent>): EdgeState => states.get(r.event)!;

// ---------------------------------------------------------------- rendering

function render(reply: Reply, requestId: string): APIGatewayProxyResult {
  const status = reply.status ?? 200;
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let body = '';
  if (typeof reply.body === 'string') body = reply.body;
  else if (reply.body !== undefined) {
    body = JSON.stringify(reply.body);
    headers['content-type'] ??= 'application/json';
  }
  headers['x-request-id'] = requestId;
  headers['cache-control'] ??= 'no-store';
  return { statusCode: status, headers, body };
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * The problem+json reply. Bounded as the OpenAPI document says (PROBLEM_LIMITS): at most 100
 * field errors, and paths (which may name a caller's unknown key), messages and the detail
 * clipped, so a hostile body cannot make the answer echo it back at length.
 */
export function problem(status: number, error: { detail?: string; errors?: FieldError[]; headers?: Record<string, string> } = {}): Reply {
  const errors = error.errors?.slice(0, PROBLEM_LIMITS.errors).map((e) => ({ path: clip(e.path, PROBLEM_LIMITS.path), message: clip(e.message, PROBLEM_LIMITS.message) }));
  const more = error.errors && error.errors.length > PROBLEM_LIMITS.errors ? ` (the first ${PROBLEM_LIMITS.errors} of ${error.errors.length} errors are listed)` : '';
  const detail = error.detail === undefined ? undefined : clip(error.detail, PROBLEM_LIMITS.detail - more.length) + more;
  return {
    status,
    headers: { 'content-type': 'application/problem+json', ...error.headers },
    body: {
      type: `https://commission-east.example/problems/${status}`,
      title: problemTitle(status),
      status,
      ...(detail !== undefined ? { detail } : {}),
      ...(errors !== undefined ? { errors } : {}),
    },
  };
}

// ---------------------------------------------------------------- middleware

/** Outermost: request id, logs (never bodies), and the one mapping of errors to problem+json. */
const response = (): Mw => ({
  before: (request) => {
    const e = request.event;
    const requestId = e.requestContext?.requestId ?? crypto.randomUUID();
    states.set(e, {
      started: performance.now(),
      requestId,
      log: log.child({ requestId }),
      params: {},
      query: {},
      body: undefined,
      sent: { kind: 'none' },
      headers: Object.fromEntries(Object.entries(e.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v ?? '')])),
    });
  },
  after: (request) => {
    const state = edgeOf(request);
    request.response = render(request.response as Reply, state.requestId);
    access(state, request.response.statusCode);
  },
  onError: (request) => {
    const state = edgeOf(request) ?? { requestId: request.event.requestContext?.requestId ?? 'unknown', started: performance.now(), log };
    const err = request.error;
    let reply: Reply;
    if (err instanceof HubError) reply = problem(PROBLEM_STATUS[err.code], err);
    else {
      state.log.error('unhandled error', { error: err as Error, route: state.routeKey });
      reply = problem(500, { detail: 'Something went wrong on our side; the request id identifies it.' });
    }
    request.response = render(reply, state.requestId);
    access(state as EdgeState, reply.status!);
  },
});

function access(state: EdgeState, status: number): void {
  state.log.info('request', {
    route: state.routeKey,
    principal: state.principal ? principalId(state.principal) : undefined,
    person: state.person,
    status,
    ms: Math.round((performance.now() - state.started) * 10) / 10,
  });
}

/** The route from the table, the principal the authorizer established, and the role rule. */
const routeAndPrincipal = (table: Readonly<Record<string, RouteDef>>, served: ReadonlySet<string>): Mw => ({
  before: (request) => {
    const state = edgeOf(request);
    const key = `${request.event.httpMethod} ${request.event.resource}` as RouteKey;
    const route = served.has(key) ? table[key] : undefined;
    if (!route) throw notFound('No such route.');
    state.routeKey = key;
    state.route = route;
    const context = request.event.requestContext?.authorizer;
    const claimed = context?.principal;
    const principal = typeof claimed === 'string' ? parsePrincipal(claimed) : undefined;
    state.principal = principal;
    if (principal && typeof context?.person === 'string' && context.person !== '') {
      // A person signed in (a verified token): the authorizer's context names them and their roles.
      state.person = context.person;
      state.roles = personRolesOf(principal.kind, typeof context.roles === 'string' ? context.roles.split(' ') : []);
    }
    if (route.access === 'public') return;
    if (state.headers['x-api-key'] !== undefined && state.headers.authorization !== undefined) {
      throw badRequest('Send x-api-key or Authorization, not both.');
    }
    if (!principal) throw unauthorized();
    state.log = state.log.child({ principal: principalId(principal), ...(state.person ? { person: state.person } : {}) });
    if (!route.access.includes(principal.kind)) throw forbidden();
    if (state.person !== undefined) personMayCall(route, state.roles ?? []);
  },
});

/**
 * The person rule, from the route table: a signed-in person holds some role of their organisation,
 * and one of the route's `personRoles` where it names them; otherwise 403. API keys are systems and
 * have no person roles: the route's access list alone admits them.
 */
export function personMayCall(route: Pick<RouteDef, 'personRoles'>, roles: readonly PersonRole[]): void {
  if (roles.length === 0) throw forbidden('You hold no role here.');
  if (route.personRoles && !roles.some((r) => route.personRoles!.includes(r))) {
    throw forbidden(`This needs a role: ${route.personRoles.join(', ')}.`);
  }
}

const bodyLimit = (limit = BODY_LIMIT_BYTES): Mw => ({
  before: (request) => {
    const { body, isBase64Encoded } = request.event;
    if (body == null) return;
    const bytes = isBase64Encoded ? Buffer.byteLength(body, 'base64') : Buffer.byteLength(body, 'utf8');
    if (bytes > limit) throw payloadTooLarge(limit);
  },
});

export function zodErrors(error: z.core.$ZodError, prefix: (string | number)[] = []): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ path: [...base, k].join('.'), message: 'unknown field' }));
    }
    return [{ path: base.join('.') || '(body)', message: issue.message }];
  });
}

function parseWith(schema: z.ZodMiniType | undefined, value: unknown, where: string): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(`The ${where} is not valid.`, zodErrors(result.error));
  return result.data;
}

/**
 * Params and query (strict zod), then the body as sent: CSV text where the route takes it, or
 * JSON parsed but not yet validated (text that is not JSON is kept as it came, for `validate`
 * to refuse after the Idempotency-Key check has seen it).
 */
const parse = (): Mw => ({
  before: (request) => {
    const state = edgeOf(request);
    const route = state.route!;
    const e = request.event;
    state.params = parseWith(route.params, { ...(e.pathParameters ?? {}) }, 'path');
    const query = Object.fromEntries(Object.entries(e.queryStringParameters ?? {}).filter(([, v]) => v !== undefined));
    if (!route.query && Object.keys(query).length > 0) {
      throw badRequest('This route takes no query parameters.', Object.keys(query).map((k) => ({ path: k, message: 'unknown parameter' })));
    }
    state.query = parseWith(route.query, query, 'query');
    if (!route.body) {
      if (e.body != null && e.body.length > 0) throw badRequest('This route takes no body.');
      return;
    }
    const raw = e.body == null ? '' : e.isBase64Encoded ? Buffer.from(e.body, 'base64').toString('utf8') : e.body;
    const type = (state.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
    if (route.csv && (type === 'text/csv' || type === 'application/csv')) {
      state.sent = { kind: 'csv', text: raw };
      return;
    }
    if (type !== 'application/json' && !type.endsWith('+json')) {
      throw unsupportedMediaType(`Send application/json${route.csv ? ' or text/csv' : ''}.`);
    }
    try {
      state.sent = { kind: 'json', value: JSON.parse(raw) };
    } catch {
      state.sent = { kind: 'malformed', text: raw };
    }
  },
});

/** Malformed JSON → 400; JSON nested deeper than MAX_JSON_DEPTH → 400; the body through the route's strict zod schema. */
const validate = (): Mw => ({
  before: (request) => {
    const state = edgeOf(request);
    const { sent } = state;
    if (sent.kind === 'csv') state.body = sent.text;
    else if (sent.kind === 'malformed') throw badRequest('The body is not valid JSON.');
    else if (sent.kind === 'json') {
      if (nestsDeeperThan(sent.value, MAX_JSON_DEPTH)) throw badRequest(`The body nests deeper than ${MAX_JSON_DEPTH} levels.`);
      state.body = parseWith(state.route!.body, sent.value, 'body');
    }
  },
});

/**
 * The deepest JSON body the hub reads. JSON.parse handles any depth, but much that follows a parse
 * recurses (JSON.stringify, schema checks, the DynamoDB marshaller): a body nested thousands of
 * levels deep would overflow their stacks. No request of the contract nests more than a few levels.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether a parsed JSON value nests deeper than `max` arrays/objects (iterative: any depth is safe to measure). */
export function nestsDeeperThan(root: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * JSON in a canonical form (object keys sorted, no whitespace), for the Idempotency-Key
 * fingerprint. Iterative, with its own stack, so no body can overflow the call stack however
 * deeply it nests; the output is the same as the recursive form's.
 */
export function stableStringify(root: unknown): string {
  const out: string[] = [];
  // Work items: a value still to write, or literal text (brackets and separators).
  const todo: ({ text: string } | { value: unknown })[] = [{ value: root }];
  while (todo.length > 0) {
    const next = todo.pop()!;
    if ('text' in next) {
      out.push(next.text);
      continue;
    }
    const value = next.value;
    if (Array.isArray(value)) {
      todo.push({ text: ']' });
      for (let i = value.length - 1; i >= 0; i--) {
        todo.push({ value: value[i] });
        if (i > 0) todo.push({ text: ',' });
      }
      todo.push({ text: '[' });
    } else if (value && typeof value === 'object') {
      const keys = Object.keys(value).sort();
      todo.push({ text: '}' });
      for (let i = keys.length - 1; i >= 0; i--) {
        todo.push({ value: (value as Record<string, unknown>)[keys[i]!] });
        todo.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:` });
      }
      todo.push({ text: '{' });
    } else out.push(JSON.stringify(value) ?? 'null');
  }
  return out.join('');
}

/**
 * What a request's body is, for `Idempotency-Key`: the body as sent, not as validated and
 * normalised. JSON in a canonical form (keys sorted, no whitespace), so key order and layout do
 * not make a different body; CSV and text that is not JSON exactly as sent.
 */
function sentText(sent: Sent): string {
  switch (sent.kind) {
    case 'none': return stableStringify(undefined);
    case 'json': return stableStringify(sent.value);
    case 'csv':
    case 'malformed': return sent.text;
  }
}

/**
 * `Idempotency-Key` on creating POSTs: one effect, the first 2xx answer replayed, 422 on a changed
 * body. Runs before the body is validated, so a key already used with another body is 422 whether
 * or not this body would validate (a claim whose body then fails validation is released).
 */
const idempotency = (store: IdempotencyStore | undefined): Mw => ({
  before: async (request) => {
    const state = edgeOf(request);
    const key = state.headers['idempotency-key'];
    if (!state.route?.idempotent || key === undefined || !state.principal) return;
    const valid = IdempotencyKey.safeParse(key);
    if (!valid.success) {
      throw badRequest('Idempotency-Key must be 1-255 visible ASCII characters.', [{ path: 'Idempotency-Key', message: valid.error.issues[0]!.message }]);
    }
    const fingerprint = createHash('sha256').update(`${request.event.httpMethod} ${request.event.path}\n${sentText(state.sent)}`).digest('hex');
    if (!store) throw new Error(`route ${state.routeKey} is idempotent but its Lambda was built without an idempotency store`);
    const claim = await store.claim(state.principal, key, fingerprint);
    if (claim.kind === 'mismatch') throw unprocessable('This Idempotency-Key was used with a different request.');
    if (claim.kind === 'in-progress') throw conflict('A request with this Idempotency-Key is still in progress; retry shortly.');
    if (claim.kind === 'replay') {
      const a = claim.answer;
      access(state, a.status);
      return { statusCode: a.status, headers: { ...a.headers, 'idempotent-replayed': 'true', 'x-request-id': state.requestId }, body: a.body };
    }
    state.idempotency = { principal: state.principal, key };
  },
  after: async (request) => {
    const state = edgeOf(request);
    if (!state.idempotency) return;
    const reply = request.response as Reply;
    const rendered = render(reply, state.requestId);
    if (rendered.statusCode >= 200 && rendered.statusCode < 300) {
      const { 'x-request-id': _omit, ...headers } = rendered.headers as Record<string, string>;
      const answer: StoredAnswer = { status: rendered.statusCode, headers, body: rendered.body };
      await store!.complete(state.idempotency.principal, state.idempotency.key, answer);
    } else {
      await store!.release(state.idempotency.principal, state.idempotency.key);
    }
  },
  onError: async (request) => {
    const state = edgeOf(request);
    if (state?.idempotency) await store!.release(state.idempotency.principal, state.idempotency.key);
  },
});

// ---------------------------------------------------------------- the builder

/**
 * Builds a Lambda handler serving some routes of the table. `table` is the part of the route
 * table the handler belongs to (functions/routes/<part>.ts), so the Lambda bundles only that part's
 * schemas; each implementation gets typed, validated input fixed by its route key. A handler
 * serving a creating POST passes the DynamoDB idempotency store; the others do not carry it (nor,
 * when they touch no table, the AWS SDK at all).
 */
export function lambda<K extends RouteKey>(
  table: NoInfer<{ readonly [P in K]: RouteDef }>,
  impls: { [P in K]: Impl<P> },
  deps: { idempotency?: IdempotencyStore } = {},
) {
  const served = new Set(Object.keys(impls));
  const needsIdempotency = [...served].filter((k) => (table as Record<string, RouteDef>)[k]?.idempotent);
  if (needsIdempotency.length > 0 && !deps.idempotency) {
    throw new Error(`${needsIdempotency.join(', ')} honour Idempotency-Key: pass { idempotency } from functions/store/idempotency.ts`);
  }
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult | Reply, Error, Context>()
    .use([response(), routeAndPrincipal(table, served), bodyLimit(), parse(), idempotency(deps.idempotency), validate()])
    .handler(async (event) => {
      const state = states.get(event)!;
      const impl = (impls as unknown as Record<string, (req: unknown) => Promise<Reply>>)[state.routeKey!];
      if (!impl) throw notFound('No such route.');
      return impl({
        principal: state.principal as Principal,
        person: state.person,
        roles: state.roles,
        by: state.principal ? byOf(state.principal, state.person) : (undefined as never),
        params: state.params as never,
        query: state.query as never,
        body: state.body as never,
        headers: state.headers,
        requestId: state.requestId,
        route: state.routeKey!,
        log: state.log,
      });
    });
}
