import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { routeList, type HandlerName, type RouteDef } from '../../functions/routes/index.ts';
import { problem } from '../../functions/http/edge.ts';
import { handler as authorizer } from '../../functions/handlers/authorizer.ts';
import { HUB_API_RESOURCE } from '../../functions/domain/sign-in.ts';
import { startLocalOidc, type LocalOidc } from './oidc.ts';
import { isConsolePath, serveConsole } from './console.ts';

/**
 * The local API Gateway: serves functions/routes/index.ts over node:http by building API Gateway REST
 * proxy events and calling the same authorizer and handler code that runs in Lambda.
 */

/**
 * API Gateway caches the authorizer's answer per x-api-key (functions/routes/index.ts
 * AUTHORIZER_CACHE_SECONDS). Locally the cache is off unless HUB_AUTHORIZER_CACHE_SECONDS is set,
 * so a key revoked in the local store is refused on the very next request; only allowed answers
 * for a request carrying exactly one key are cached.
 */
const cacheMs = Number(process.env.HUB_AUTHORIZER_CACHE_SECONDS ?? 0) * 1000;
const authorized = new Map<string, { principal: string; context: Record<string, string>; until: number }>();

/** API Gateway's own payload limit; the hub's 256 KB limit is the edge's to enforce. */
const GATEWAY_MAX_BYTES = 10 * 1024 * 1024;

interface CompiledRoute {
  method: string;
  path: string;
  pattern: RegExp;
  names: string[];
  def: RouteDef & { handler: HandlerName };
}

const compiled: CompiledRoute[] = routeList
  .map(({ method, path, def }) => {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, n: string) => (names.push(n), '([^/]+)'))}$`,
    );
    return { method, path, pattern, names, def };
  })
  // literal segments win over parameters, as in API Gateway
  .sort((a, b) => a.names.length - b.names.length);

type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
const loaded = new Map<string, Promise<LambdaHandler>>();

function load(name: string): Promise<LambdaHandler> {
  let p = loaded.get(name);
  if (!p) {
    p = import(`../../functions/handlers/${name}.ts`).then((m: { handler: LambdaHandler }) => m.handler);
    loaded.set(name, p);
  }
  return p;
}

function lambdaContext(name: string, requestId: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `hub-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-2:000000000000:function:hub-${name}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/hub-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * The request's body, or 'too-large' once it passes the gateway's limit (the request is then
 * destroyed, as before). Plain stream events rather than an async iterator, which cost ~1% of the
 * gateway's CPU per request on the allocation bench's hot path.
 */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > GATEWAY_MAX_BYTES) {
        req.off('data', onData).off('end', onEnd).off('error', reject);
        req.destroy(); // as leaving a for-await loop early did
        resolve('too-large');
      } else chunks.push(chunk);
    };
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    req.on('data', onData).once('end', onEnd).once('error', reject);
  });
}

/** Statuses that carry no body, and so no Content-Length (RFC 9110 §8.6). */
const NO_BODY = new Set([204, 304]);

/**
 * The answer in one write: the head and the whole body, with its Content-Length (as API Gateway
 * answers) rather than chunked framing.
 */
function send(res: ServerResponse, result: APIGatewayProxyResult): void {
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body ?? '', 'utf8');
  const headers = result.headers as Record<string, string> | undefined;
  res.writeHead(result.statusCode, NO_BODY.has(result.statusCode) ? headers : { ...headers, 'content-length': String(body.length) });
  res.end(NO_BODY.has(result.statusCode) ? undefined : body);
}

function gatewayProblem(res: ServerResponse, status: number, detail: string, requestId: string): void {
  const reply = problem(status, { detail });
  send(res, { statusCode: status, headers: { ...reply.headers, 'x-request-id': requestId }, body: JSON.stringify(reply.body) });
}

export async function handle(req: IncomingMessage, res: ServerResponse, url = new URL(req.url ?? '/', 'http://local')): Promise<void> {
  const requestId = randomUUID();
  const method = (req.method ?? 'GET').toUpperCase();
  let pathname: string;
  try {
    pathname = decodeURI(url.pathname);
  } catch {
    return gatewayProblem(res, 400, 'The path is not valid.', requestId);
  }
  const candidates = compiled.filter((r) => r.pattern.test(url.pathname));
  if (candidates.length === 0) return gatewayProblem(res, 404, 'No such route.', requestId);
  const route = candidates.find((r) => r.method === method);
  if (!route) return gatewayProblem(res, 405, `Use ${[...new Set(candidates.map((c) => c.method))].join(', ')}.`, requestId);

  const body = await readBody(req);
  if (body === 'too-large') return gatewayProblem(res, 413, 'The body is over the gateway limit.', requestId);

  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const [k, v] = [req.rawHeaders[i]!, req.rawHeaders[i + 1]!];
    headers[k] = v;
    (multiValueHeaders[k] ??= []).push(v);
  }

  let principal: string | undefined;
  let context: Record<string, string> = {};
  const keys = Object.entries(multiValueHeaders).flatMap(([k, v]) => (k.toLowerCase() === 'x-api-key' ? v : []));
  const cached = cacheMs > 0 && keys.length === 1 ? authorized.get(keys[0]!) : undefined;
  if (route.def.access !== 'public' && cached && cached.until > Date.now()) ({ principal, context } = cached);
  else if (route.def.access !== 'public') {
    try {
      const auth = await authorizer({
        type: 'REQUEST',
        methodArn: `arn:aws:execute-api:eu-west-2:000000000000:local/v1/${method}${route.path}`,
        resource: route.path,
        path: pathname,
        httpMethod: method,
        headers,
        multiValueHeaders,
        pathParameters: null,
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        stageVariables: null,
        requestContext: {} as never,
      });
      principal = auth.context?.principal === undefined ? undefined : String(auth.context.principal);
      context = Object.fromEntries(Object.entries(auth.context ?? {}).map(([k, v]) => [k, String(v)]));
      if (cacheMs > 0 && keys.length === 1 && principal) authorized.set(keys[0]!, { principal, context, until: Date.now() + cacheMs });
    } catch (e) {
      if ((e as Error).message === 'Unauthorized') return gatewayProblem(res, 401, 'A valid x-api-key or Authorization: Bearer header is required.', requestId);
      console.error('authorizer failed', e);
      return gatewayProblem(res, 500, 'The authorizer failed.', requestId);
    }
  }

  const match = route.pattern.exec(url.pathname)!;
  const pathParameters: Record<string, string> = {};
  try {
    route.names.forEach((n, i) => (pathParameters[n] = decodeURIComponent(match[i + 1]!)));
  } catch {
    return gatewayProblem(res, 400, 'The path is not valid.', requestId);
  }
  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    queryStringParameters[k] = v;
    (multiValueQueryStringParameters[k] ??= []).push(v);
  }
  const hasQuery = Object.keys(queryStringParameters).length > 0;
  const event: APIGatewayProxyEvent = {
    resource: route.path,
    path: pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? queryStringParameters : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQueryStringParameters : null,
    pathParameters: route.names.length ? pathParameters : null,
    stageVariables: null,
    body: body.length ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: principal ? { ...context, principal, principalId: principal } : null,
      httpMethod: method,
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? null } as never,
      path: `/v1${pathname}`,
      protocol: `HTTP/${req.httpVersion}`,
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: route.path,
      stage: 'v1',
    },
  };
  try {
    const fn = await load(route.def.handler);
    send(res, await fn(event, lambdaContext(route.def.handler, requestId)));
  } catch (e) {
    console.error('handler failed', e);
    gatewayProblem(res, 502, 'The handler failed.', requestId);
  }
}

/** node:http's own limit on a request head (request line + headers), as API Gateway's is ~10 KB + 16 KB. */
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * What node:http refuses before any handler runs — a head over MAX_HEADER_BYTES, bytes a request
 * line may not carry, a line that is not HTTP — answered like every other refusal: problem+json
 * with an x-request-id, then the connection closed (the parser cannot resynchronise).
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const detail = status === 431
    ? `The request line and headers are over ${MAX_HEADER_BYTES / 1024} KB.`
    : 'The request is not valid HTTP: the request line or a header holds characters it may not (encode a path as UTF-8 with %XX escapes).';
  const reply = problem(status, { detail });
  const body = JSON.stringify(reply.body);
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    ...Object.entries({ ...reply.headers, 'x-request-id': randomUUID(), 'content-length': String(Buffer.byteLength(body)), connection: 'close' }).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/**
 * The local hub's HTTP server: the API routes, and the local OpenID provider at /oidc
 * (infra/local/oidc.ts) whose issuer, keys and audience the authorizer is configured with here,
 * as the stack configures it with Cognito's. `oidcDataDir` keeps the provider's keys (npm start);
 * without it they are made for this run.
 */
export function startGateway(port: number, host = '127.0.0.1', opts: { oidcDataDir?: string } = {}): Promise<Server & { oidc: LocalOidc }> {
  let oidc: LocalOidc | undefined;
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    if (oidc?.handle(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://local');
    (isConsolePath(url.pathname) ? serveConsole(req, res) : handle(req, res, url)).catch((e) => {
      console.error(e);
      if (!res.headersSent) gatewayProblem(res, 500, 'Gateway error.', randomUUID());
    });
  });
  server.on('clientError', answerClientError);
  // An idle kept-alive connection is kept for 30 s (Node's default is 5 s), so that a client reusing
  // its connections, as an integrator's HTTP client or the pool bench's load generator does between
  // bursts, is not made to set up a new TCP connection per request after every short pause (below
  // Node's 60 s headersTimeout, which must stay the larger).
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: listening } = server.address() as AddressInfo;
      oidc = startLocalOidc({ origin: `http://${host}:${listening}`, dataDir: opts.oidcDataDir });
      // the authorizer's configuration, and the console's client secret (the console runs in this process)
      Object.assign(process.env, {
        HUB_OIDC_ISSUER: oidc.issuer, HUB_OIDC_JWKS_URL: oidc.jwksUri, HUB_OIDC_AUDIENCE: HUB_API_RESOURCE, HUB_OIDC_CONSOLE_CLIENT_SECRET: oidc.consoleClientSecret, HUB_CONSOLE_CLIENT_SECRET: oidc.consoleClientSecret,
      });
      resolve(Object.assign(server, { oidc }));
    });
  });
}
