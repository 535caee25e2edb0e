import * as z from 'zod';
import { routeList } from '../routes/index.ts';
import { IdempotencyKey, Problem } from '../../schemas/common.ts';

/** OpenAPI 3.1, generated from the route table and its zod schemas: the contract as code says it. */

/** Schemas named with `.meta({ id })` become components; their `$defs` references are rewritten to point there. */
let components: Record<string, unknown> = {};

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : rewriteRefs(v)]),
    );
  }
  return node;
}

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  // `id` at the root is zod's echo of `.meta({ id })`: the name of a component, not a JSON Schema keyword
  const { $schema: _dialect, $defs, id: _id, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as Record<string, unknown>;
  for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, Record<string, unknown>>)) {
    const { id: _name, ...schema } = def;
    components[name] ??= rewriteRefs(schema);
  }
  return rewriteRefs(rest) as Record<string, unknown>;
};


const INT32 = 2 ** 31;

/**
 * OpenAPI integer formats from the bounds zod emits: int32 where the minimum and maximum fit
 * in 32 bits, int64 where they fit in the safe-integer range (zod's `.int()` always bounds).
 */
function annotateIntegers(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(annotateIntegers);
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  const types = Array.isArray(o.type) ? o.type : [o.type];
  if (types.includes('integer') && o.format === undefined && typeof o.minimum === 'number' && typeof o.maximum === 'number') {
    const [min, max] = [o.minimum, o.maximum];
    if (min >= -INT32 && max < INT32) o.format = 'int32';
    else if (Number.isSafeInteger(min) && Number.isSafeInteger(max)) o.format = 'int64';
  }
  for (const v of Object.values(o)) annotateIntegers(v);
}

/** Every answer carries x-request-id (the edge, the local gateway and API Gateway's own answers). */
const REQUEST_ID_HEADER = { $ref: '#/components/headers/RequestId' };

const problemResponse = (description: string) => ({
  description,
  headers: { 'x-request-id': REQUEST_ID_HEADER },
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const STANDARD_ERRORS: Record<number, string> = {
  400: 'Invalid input (problem+json with errors[])',
  401: 'Missing, unknown or revoked x-api-key',
  403: 'This key may not use this route',
  404: 'No such resource, or not yours to see',
  409: 'Conflict with the current state',
  412: 'If-Match is stale',
  413: 'Body over 256 KB',
  415: 'The body is not application/json (or text/csv where the route takes CSV)',
  422: 'Idempotency-Key reused with a different body, or a rule of the domain refused the request',
  429: 'Too many requests: throttled by the API Gateway stage or the key\'s usage plan, or its daily quota is used up (sent by API Gateway, without rate-limit headers)',
  500: 'Something went wrong on the hub\'s side; x-request-id identifies it in the logs',
};

export function openApiDocument(): Record<string, unknown> {
  components = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, path, def } of routeList) {
    const parameters: unknown[] = [];
    const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const paramShape = def.params?.shape as Record<string, z.ZodType> | undefined;
    for (const name of pathParams) {
      const s = paramShape?.[name];
      parameters.push({ name, in: 'path', required: true, schema: s ? jsonSchema(s, 'input') : { type: 'string' } });
    }
    const queryShape = def.query?.shape as Record<string, z.ZodType> | undefined;
    for (const [name, s] of Object.entries(queryShape ?? {})) {
      parameters.push({ name, in: 'query', required: !s.safeParse(undefined).success, schema: jsonSchema(s, 'input') });
    }
    if (def.idempotent) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        schema: jsonSchema(IdempotencyKey, 'input'),
        description: 'Same key and body within 24 h replays the first 2xx answer; a different body is 422.',
      });
    }
    const statuses = def.statuses ?? [];
    if (statuses.includes(412)) {
      parameters.push({
        name: 'If-Match',
        in: 'header',
        required: false,
        schema: { type: 'string', maxLength: 16, pattern: '^(\\*|(W/)?"?\\d{1,9}"?)$' },
        description: 'The version you last read (its ETag, e.g. "3"), or * for any: a stale version is 412.',
      });
    }
    const successHeaders: Record<string, unknown> = { 'x-request-id': REQUEST_ID_HEADER };
    if (def.idempotent) successHeaders['idempotent-replayed'] = { $ref: '#/components/headers/IdempotentReplayed' };
    const successBody = def.response
      ? { content: { 'application/json': { schema: jsonSchema(def.response, 'output') } } }
      : def.handler === 'openapi'
        ? { content: { 'application/json': { schema: { type: 'object', description: 'This OpenAPI 3.1 document' } } } }
        : {};
    const responses: Record<string, unknown> = {};
    // the route's success status, and any other 2xx it names (e.g. 201 when a PUT creates)
    for (const s of [def.status ?? 200, ...statuses.filter((n) => n < 300)].sort()) {
      responses[String(s)] = { description: s === (def.status ?? 200) ? def.summary : `${def.summary} (${s})`, headers: successHeaders, ...successBody };
    }
    const errorStatuses = new Set<number>([
      400,
      ...(def.access === 'public' ? [] : [401, 403]),
      ...(def.body ? [413, 415] : []),
      // Idempotency-Key: 409 while the first request with the key is in progress, 422 when it was used with another body
      ...(def.idempotent ? [409, 422] : []),
      ...statuses.filter((n) => n >= 400),
      429,
      500,
    ]);
    if (pathParams.length > 0) errorStatuses.add(404);
    for (const s of [...errorStatuses].sort()) responses[String(s)] = problemResponse(STANDARD_ERRORS[s] ?? 'Error');
    responses['default'] = problemResponse('Any other error, e.g. 502 when API Gateway cannot reach the hub');

    const operation: Record<string, unknown> = {
      operationId: `${method.toLowerCase()}${path.replace(/[{}]/g, '').split(/[/.-]/).map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : '')).join('')}`,
      summary: def.summary,
      description: def.access === 'public' ? 'No key needed.' : `Callable by: ${def.access.join(', ')}.`,
      tags: [path.split('/')[2] ?? 'meta'],
      ...(def.access === 'public' ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      responses,
    };
    if (def.body) {
      const content: Record<string, unknown> = { 'application/json': { schema: jsonSchema(def.body, 'input') } };
      if (def.csv) content['text/csv'] = { schema: { type: 'string', maxLength: 262144 } };
      operation.requestBody = { required: true, content };
    }
    (paths[path] ??= {})[method.toLowerCase()] = operation;
  }
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'Commission East hub',
      version: '1.0.0',
      description:
        'The Eastern Region placement hub: federated vacancy search, pooled beds, consent-governed sharing and pooled spend. See CONTRACT.md.\n\n' +
        'Servers: in AWS, the API Gateway stage (below). For local development `npm start` serves the same API at `http://127.0.0.1:$PORT` (PORT default 3000), on the loopback interface only.\n\n' +
        'Every answer carries `x-request-id`. Errors are RFC 9457 `application/problem+json`. Throttling is API Gateway\'s usage plan per key (429, no rate-limit headers).',
      contact: { name: 'Commission East programme office', email: 'programme-office@commission-east.example' },
      license: { name: 'Open Government Licence v3.0', url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/' },
    },
    // Locally, `npm start` serves the same API over plain http on 127.0.0.1 (named in
    // info.description, not here: every listed server is https).
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com/live',
        description: 'Production: the API Gateway stage of the hub stack in AWS (stage live)',
        variables: {
          apiId: { default: 'your-api-id', description: 'The REST API id the stack outputs' },
          region: { default: 'eu-west-2', description: 'The AWS region the stack is deployed in (London by default)' },
        },
        'x-internal': false,
      },
    ],
    security: [{ apiKey: [] }],
    tags: [...new Set(routeList.map((r) => r.path.split('/')[2] ?? 'meta'))].map((name) => ({ name, description: `${name} routes` })),
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
      headers: {
        RequestId: {
          description: 'Identifies this request in the logs (the API Gateway request id, a UUID)',
          schema: { type: 'string', maxLength: 64, pattern: '^[A-Za-z0-9-]{1,64}$' },
        },
        IdempotentReplayed: {
          description: '"true" when this is the stored answer to an earlier request with the same Idempotency-Key',
          schema: { type: 'string', enum: ['true'] },
        },
      },
      schemas: { ...components, Problem: jsonSchema(Problem, 'output') },
    },
    paths,
  };
  annotateIntegers(document.paths);
  annotateIntegers(document.components);
  return document;
}
