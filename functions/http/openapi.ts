import * as z from 'zod/mini';
import { routeList } from '../routes/index.ts';
import { IdempotencyKey, Problem } from '../../schemas/common.ts';
import { BODY_LIMIT_BYTES } from './edge.ts';

/** OpenAPI 3.1, generated from the route table and its zod schemas: the contract as code says it. */

/** Schemas named with `meta(schema, { id })` (schemas/meta.ts) become components; their `$defs` references are rewritten to point there. */
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

/** One component per name: a name that would stand for two different schemas (e.g. input and output) is a bug in the schemas. */
function addComponent(name: string, schema: unknown): void {
  const json = JSON.stringify(schema);
  const had = components[name];
  if (had !== undefined && JSON.stringify(had) !== json) throw new Error(`OpenAPI: the schema id ${name} names two different schemas (input and output?): give one its own id`);
  components[name] = schema;
}

/**
 * The JSON Schema of a zod schema, as a `$ref` to its component when it is named (`meta(schema, { id })`,
 * so that generated clients get a type of that name, e.g. `components['schemas']['SpendLine']`).
 */
const jsonSchema = (schema: z.ZodMiniType, io: 'input' | 'output') => {
  const { $schema: _dialect, $defs, id, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as Record<string, unknown>;
  for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, Record<string, unknown>>)) {
    const { id: _name, ...schema } = def;
    addComponent(name, rewriteRefs(schema));
  }
  if (typeof id === 'string') {
    addComponent(id, rewriteRefs(rest));
    return { $ref: `#/components/schemas/${id}` };
  }
  return rewriteRefs(rest) as Record<string, unknown>;
};

/** The first example a schema carries (`meta(schema, { examples })`), read from zod's registry: JSON Schema output drops it on schemas that transform. */
const exampleOf = (schema: z.ZodMiniType | undefined): unknown => (z.globalRegistry.get(schema as z.ZodMiniType)?.examples as unknown[] | undefined)?.[0];

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
    const paramShape = def.params?.shape as Record<string, z.ZodMiniType> | undefined;
    for (const name of pathParams) {
      const s = paramShape?.[name];
      const example = exampleOf(s);
      parameters.push({ name, in: 'path', required: true, schema: s ? jsonSchema(s, 'input') : { type: 'string' }, ...(example !== undefined ? { example } : {}) });
    }
    const queryShape = def.query?.shape as Record<string, z.ZodMiniType> | undefined;
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
    for (const h of def.doc?.headers ?? []) successHeaders[h] = { $ref: `#/components/headers/${h.replace('-', '')}` };
    const content: Record<string, unknown> = {};
    if (def.response) content['application/json'] = { schema: jsonSchema(def.response, 'output') };
    if (def.handler === 'openapi') content['application/json'] = { schema: { type: 'object', description: 'This OpenAPI 3.1 document' } };
    // a download in the format it was posted in: the request's (input) shape
    for (const [type, schema] of Object.entries(def.doc?.content ?? {})) content[type] = { schema: jsonSchema(schema, 'input') };
    const successBody = Object.keys(content).length ? { content } : {};
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
      const example = def.doc?.example;
      const content: Record<string, unknown> = {
        'application/json': { schema: jsonSchema(def.doc?.body ?? def.body, 'input'), ...(example !== undefined ? { example } : {}) },
      };
      if (def.csv) {
        content['text/csv'] = {
          schema: { type: 'string', maxLength: BODY_LIMIT_BYTES, ...(def.doc?.csv ? { description: def.doc.csv.description } : {}) },
          ...(def.doc?.csv ? { example: def.doc.csv.example } : {}),
        };
      }
      operation.requestBody = { required: true, content };
    }
    (paths[path] ??= {})[method.toLowerCase()] = operation;
  }
  jsonSchema(Problem, 'output'); // the component every problem response refers to
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'Commission East hub',
      version: '1.0.0',
      description:
        'The Eastern Region placement hub: federated vacancy search, pooled beds, consent-governed sharing and pooled spend. See CONTRACT.md.\n\n' +
        'Servers: in AWS, the API Gateway stage; for local development `npm start` serves the same API at `http://127.0.0.1:$PORT` (PORT default 3000), on the loopback interface only.\n\n' +
        'Every answer carries `x-request-id`. Errors are RFC 9457 `application/problem+json`. Throttling is API Gateway\'s usage plan per key (429, no rate-limit headers).',
      contact: { name: 'Commission East programme office', email: 'programme-office@commission-east.example' },
      license: { name: 'Open Government Licence v3.0', url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/' },
    },
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
      {
        // plain http on the loopback interface only (.spectral.yaml says why OWASP's https rule is off for it)
        url: 'http://127.0.0.1:3000',
        description: 'Local development: `npm start` on this machine (PORT 3000 by default; demo keys in .local/demo-keys.json)',
        'x-internal': true,
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
        ETag: {
          description: 'The version of the resource in this answer, quoted (e.g. "3"): send it back as If-Match to update only that version',
          required: true,
          schema: { type: 'string', maxLength: 16, pattern: '^"\\d{1,9}"$' },
        },
        Location: {
          description: 'The path of the resource this request created, under the same base URL',
          required: true,
          schema: { type: 'string', maxLength: 200, pattern: '^/v1/[A-Za-z0-9/_-]+$' },
        },
        ContentDisposition: {
          description: 'attachment, with a file name for the download',
          required: true,
          schema: { type: 'string', maxLength: 200, pattern: '^attachment; filename="[A-Za-z0-9._-]+"$' },
        },
        IdempotentReplayed: {
          description: '"true" when this is the stored answer to an earlier request with the same Idempotency-Key',
          schema: { type: 'string', enum: ['true'] },
        },
      },
      schemas: components,
    },
    paths,
  };
  annotateIntegers(document.paths);
  annotateIntegers(document.components);
  return document;
}
