import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  ConditionalCheckFailedException, DynamoDBServiceException, IdempotentParameterMismatchException, InternalServerError,
  ItemCollectionSizeLimitExceededException, LimitExceededException, ProvisionedThroughputExceededException, ReplicatedWriteConflictException,
  RequestLimitExceeded, ResourceInUseException, ResourceNotFoundException, ThrottlingException, TransactionCanceledException,
  TransactionConflictException, TransactionInProgressException,
} from '@aws-sdk/client-dynamodb';
import type {
  BatchGetCommandInput, BatchGetCommandOutput, BatchWriteCommandInput, BatchWriteCommandOutput, DeleteCommandInput, DeleteCommandOutput,
  GetCommandInput, GetCommandOutput, PutCommandInput, PutCommandOutput, QueryCommandInput, QueryCommandOutput, ScanCommandInput,
  ScanCommandOutput, TransactGetCommandInput, TransactGetCommandOutput, TransactWriteCommandInput, TransactWriteCommandOutput,
  UpdateCommandInput, UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { ListTablesCommandInput, ListTablesCommandOutput } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall, type marshallOptions } from '@aws-sdk/util-dynamodb';
import { awsIdentity, signRequest, type AwsCredentials } from './sigv4.ts';

/**
 * The hub's DynamoDB client: the document client's commands and answers (items as plain objects,
 * marshalled by the SDK's own @aws-sdk/util-dynamodb) and the SDK's own exception classes, signed
 * by ./sigv4.ts (aws4) with the environment's credentials and region (or those the CLI hands in)
 * — sent as DynamoDB's JSON protocol over a keep-alive node:http(s) agent, one write per request.
 * No @smithy middleware stack, retry strategy, region or credential chain: they were ~40 KB of
 * every table Lambda (test/infra/bundles.test.ts keeps them out).
 *
 * Why not DynamoDBDocumentClient: the SDK's generic client (endpoint rules, schema serde, user
 * agent, endpoint discovery, checksums, ~185 KB minified) was two thirds of every Lambda bundle
 * and most of a request's client-side CPU, for the twelve operations of one JSON protocol
 * (as ./objects.ts already does for S3). What callers see is the same: `send(new PutCommand(…))`
 * answers the document client's output shape (`Item`, `Items`, `Attributes`, `LastEvaluatedKey`,
 * `Responses`, `Unprocessed…` unmarshalled; `$metadata`), and throws the SDK's exceptions
 * (`instanceof ConditionalCheckFailedException`, `e.Item` and `CancellationReasons` in wire form
 * as the SDK leaves them). Retries: up to `maxAttempts` for what the SDK's standard mode retries
 * (throttling, transient and 5xx errors, network failures), with its jittered backoff.
 * Middleware added to `middlewareStack` (a light hook shaped as the SDK's: `add`, `remove`,
 * `identify`) runs around each command with `context.commandName` the client command's name
 * (`PutItemCommand`, `TransactWriteItemsCommand`…), as in the SDK. Commands of
 * the SDK itself (@aws-sdk/lib-dynamodb or client-dynamodb, in tests and benches) are sent too.
 */

type Op =
  | 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'Scan' | 'BatchGetItem' | 'BatchWriteItem'
  | 'TransactWriteItems' | 'TransactGetItems' | 'ListTables';

/** A document-client command: its operation, its input, and (for typing only) its output. */
export abstract class DocCommand<I, O> {
  declare readonly output: O;
  abstract readonly op: Op;
  constructor(readonly input: I) {}
}
export class GetCommand extends DocCommand<GetCommandInput, GetCommandOutput> { readonly op = 'GetItem'; }
export class PutCommand extends DocCommand<PutCommandInput, PutCommandOutput> { readonly op = 'PutItem'; }
export class UpdateCommand extends DocCommand<UpdateCommandInput, UpdateCommandOutput> { readonly op = 'UpdateItem'; }
export class DeleteCommand extends DocCommand<DeleteCommandInput, DeleteCommandOutput> { readonly op = 'DeleteItem'; }
export class QueryCommand extends DocCommand<QueryCommandInput, QueryCommandOutput> { readonly op = 'Query'; }
export class ScanCommand extends DocCommand<ScanCommandInput, ScanCommandOutput> { readonly op = 'Scan'; }
export class BatchGetCommand extends DocCommand<BatchGetCommandInput, BatchGetCommandOutput> { readonly op = 'BatchGetItem'; }
export class BatchWriteCommand extends DocCommand<BatchWriteCommandInput, BatchWriteCommandOutput> { readonly op = 'BatchWriteItem'; }
export class TransactWriteCommand extends DocCommand<TransactWriteCommandInput, TransactWriteCommandOutput> { readonly op = 'TransactWriteItems'; }
export class TransactGetCommand extends DocCommand<TransactGetCommandInput, TransactGetCommandOutput> { readonly op = 'TransactGetItems'; }
/** Not an item operation: sent as is (the DynamoDB Local commit barrier, ./config.ts). */
export class ListTablesCommand extends DocCommand<ListTablesCommandInput, ListTablesCommandOutput> { readonly op = 'ListTables'; }

export type {
  BatchGetCommandInput, BatchWriteCommandInput, DeleteCommandInput, GetCommandInput, PutCommandInput, QueryCommandInput,
  TransactWriteCommandInput, UpdateCommandInput,
};

type Item = Record<string, unknown>;
/** An @aws-sdk command object (its output type is its middleware handler's). */
type SdkCommand = { input: object; resolveMiddleware: (...args: any[]) => (...args: any[]) => Promise<{ output: unknown }> };
type Wire = Record<string, unknown>;

/** The document client's names of the SDK's own commands (tests, benches): lib-dynamodb's and client-dynamodb's. */
const SDK_OPS: Record<string, Op> = {
  GetCommand: 'GetItem', PutCommand: 'PutItem', UpdateCommand: 'UpdateItem', DeleteCommand: 'DeleteItem', QueryCommand: 'Query', ScanCommand: 'Scan',
  BatchGetCommand: 'BatchGetItem', BatchWriteCommand: 'BatchWriteItem', TransactWriteCommand: 'TransactWriteItems', TransactGetCommand: 'TransactGetItems',
};

/** The exception classes of @aws-sdk/client-dynamodb a data-plane call can answer, by wire name. */
const EXCEPTIONS: Record<string, new (opts: never) => DynamoDBServiceException> = {
  ConditionalCheckFailedException, IdempotentParameterMismatchException, InternalServerError, ItemCollectionSizeLimitExceededException,
  LimitExceededException, ProvisionedThroughputExceededException, ReplicatedWriteConflictException, RequestLimitExceeded,
  ResourceInUseException, ResourceNotFoundException, ThrottlingException, TransactionCanceledException, TransactionConflictException,
  TransactionInProgressException,
};

const MAX_RETRY_DELAY_MS = 20_000;

/** What the SDK's standard retry mode retries (@smithy/core service-error-classification), by error name, code and status. */
const THROTTLING = new Set([
  'BandwidthLimitExceeded', 'EC2ThrottledException', 'LimitExceededException', 'PriorRequestNotComplete', 'ProvisionedThroughputExceededException',
  'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException', 'SlowDown', 'ThrottledException', 'Throttling', 'ThrottlingException',
  'TooManyRequestsException', 'TransactionInProgressException',
]);
const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
type Failure = Error & { code?: string; $metadata?: { httpStatusCode?: number; attempts?: number; totalRetryDelay?: number }; cause?: unknown };

/** 'throttled' or 'transient' (network, timeout, 5xx) when the SDK's standard mode would retry it; undefined otherwise. */
export function retryKind(e: Failure): 'throttled' | 'transient' | undefined {
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || THROTTLING.has(e.name)) return 'throttled';
  if (e.name === 'AbortError') return undefined;
  for (let c: Failure | undefined = e, depth = 0; c && depth <= 10; c = c.cause as Failure | undefined, depth++) {
    if (TRANSIENT_NAMES.has(c.name) || TRANSIENT_CODES.has(c.code ?? '') || (c.name === 'InvalidSignatureException' && c.message?.includes('Signature expired'))) return 'transient';
  }
  return status !== undefined && status >= 500 && status <= 599 ? 'transient' : undefined;
}

type Args = { input: Wire };
type Handler = (args: Args) => Promise<{ output: unknown; response?: unknown }>;
/** A middleware as on an SDK client: `(next, context) => async (args) => next(args)`. */
export type Middleware = (next: Handler, context: DdbContext) => Handler;
const STEPS = ['initialize', 'serialize', 'build', 'finalizeRequest', 'deserialize'];

/**
 * The hook tests, benches and the DynamoDB Local commit barrier (./config.ts) add middleware to,
 * shaped as the SDK's middleware stack for what they use: `add(mw, { step, name })` (a name once),
 * `remove(name | mw)`, `identify()`. Middleware runs by step, then in the order added, the first
 * outermost, as in the SDK.
 */
export class Middlewares {
  private entries: { mw: Middleware; name?: string; step: string }[] = [];

  add(mw: Middleware, opts: { step?: string; name?: string; [k: string]: unknown } = {}): void {
    if (opts.name && this.entries.some((e) => e.name === opts.name)) throw new Error(`Duplicate middleware name '${opts.name}'`);
    const step = opts.step ?? 'initialize';
    this.entries.push({ mw, step, ...(opts.name ? { name: opts.name } : {}) });
    this.entries.sort((a, b) => STEPS.indexOf(a.step) - STEPS.indexOf(b.step));
  }

  remove(which: string | Middleware): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => (typeof which === 'string' ? e.name !== which : e.mw !== which));
    return this.entries.length < before;
  }

  identify(): string[] {
    return this.entries.map((e) => `${e.name ?? 'anonymous'} - ${e.step}`);
  }

  resolve(handler: Handler, context: DdbContext): Handler {
    let h = handler;
    for (let i = this.entries.length - 1; i >= 0; i--) h = this.entries[i]!.mw(h, context);
    return h;
  }
}

export interface DdbOptions {
  maxAttempts?: number;
  marshallOptions?: marshallOptions;
}

export interface DdbContext {
  clientName: string;
  commandName: string;
}

export class DynamoDb {
  /** Add middleware here as on an SDK client (`add(mw, { step, name })`, `remove`, `identify`). */
  readonly middlewareStack = new Middlewares();
  /** Region and credentials (cached; fetched again within 5 minutes of expiry, as the SDK): ./objects.ts signs with them too. */
  readonly config: { region: () => Promise<string>; credentials: () => Promise<AwsCredentials> };
  private readonly maxAttempts: number;
  private readonly marshalling: marshallOptions;
  private readonly agent: HttpAgent;
  private url?: URL;
  private region?: string;
  private creds?: Promise<AwsCredentials>;
  /** The credentials in hand, so that a request signs without waiting a turn when they are fresh. */
  private held?: AwsCredentials;

  constructor(opts: DdbOptions = {}) {
    this.maxAttempts = opts.maxAttempts ?? 3;
    this.marshalling = opts.marshallOptions ?? {};
    const identity = awsIdentity();
    let region: Promise<string> | undefined;
    const regionOf = (): Promise<string> =>
      (region ??= identity.region().catch((e: unknown) => {
        region = undefined;
        throw e;
      }));
    /** Asks the source (the one request in flight is shared; a failure is not kept). */
    const fetchCredentials = (): Promise<AwsCredentials> =>
      (this.creds = identity.credentials().catch((e: unknown) => {
        this.creds = undefined;
        throw e;
      }));
    const credentials = async (): Promise<AwsCredentials> => {
      let c = await (this.creds ?? fetchCredentials());
      // within 5 minutes of expiry: asked again once; still so, they are used as they are (as the SDK does)
      if (stale(c)) c = await fetchCredentials();
      this.held = stale(c) ? undefined : c;
      return c;
    };
    this.config = { region: regionOf, credentials };
    // the SDK's default agent: keep-alive, 50 sockets; and no Nagle delay on a request's one write.
    // HUB_DYNAMODB_MAX_SOCKETS: the local gateway (infra/local/stack.ts SERVE_ENV) lifts the cap
    const endpointUrl = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? process.env.AWS_ENDPOINT_URL;
    const agentOpts = { keepAlive: true, maxSockets: Number(process.env.HUB_DYNAMODB_MAX_SOCKETS ?? 50), noDelay: true };
    this.agent = endpointUrl?.startsWith('http:') ? new HttpAgent(agentOpts) : new HttpsAgent(agentOpts);
  }

  send<O>(command: DocCommand<unknown, O>): Promise<O>;
  /** A command of the SDK itself (lib-dynamodb's or client-dynamodb's), for tests and benches. */
  send<C extends SdkCommand>(command: C): Promise<Awaited<ReturnType<ReturnType<C['resolveMiddleware']>>>['output']>;
  async send(command: object): Promise<unknown> {
    const { op, marshalled } = opOf(command);
    const input = (command as { input: Wire }).input;
    const handler = this.middlewareStack.resolve(
      async (args: { input: Wire }) => ({ output: await this.call(op, args.input, marshalled), response: {} }),
      { clientName: 'DynamoDBClient', commandName: `${op}Command` } satisfies DdbContext,
    );
    const { output } = await handler({ input });
    return output;
  }

  /** AWS_ENDPOINT_URL_DYNAMODB (DynamoDB Local) or the region's endpoint. */
  private async endpoint(): Promise<URL> {
    const custom = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? process.env.AWS_ENDPOINT_URL;
    if (custom) return new URL(custom);
    const r = (this.region = await this.config.region());
    return new URL(`https://dynamodb.${r}.${r.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`);
  }

  /**
   * One operation, retried as the SDK's standard mode retries. A transactional write carries one
   * ClientRequestToken for all its attempts (made here unless the caller gave one, as the SDK
   * does): a retry of a write that committed but whose answer was lost then succeeds in DynamoDB
   * without writing again, rather than being refused by the items it already changed.
   */
  private async call(op: Op, input: Wire, marshalled: boolean): Promise<unknown> {
    const sent = op === 'TransactWriteItems' && input.ClientRequestToken === undefined ? { ...input, ClientRequestToken: randomUUID() } : input;
    const body = JSON.stringify(marshalled ? marshalInput(op, sent, this.marshalling) : sent);
    let totalRetryDelay = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const { status, requestId, json } = await this.post(op, body);
        if (status === 200) {
          const $metadata = { httpStatusCode: status, requestId, attempts: attempt, totalRetryDelay };
          return { ...(marshalled ? unmarshalOutput(op, json) : json), $metadata };
        }
        throw exceptionOf(status, requestId, json, attempt, totalRetryDelay);
      } catch (e) {
        const err = e as Failure;
        const kind = retryKind(err);
        if (attempt >= this.maxAttempts || !kind) {
          if (err.$metadata) Object.assign(err.$metadata, { attempts: attempt, totalRetryDelay });
          throw err;
        }
        const delay = Math.floor(Math.min(MAX_RETRY_DELAY_MS, Math.random() * 2 ** (attempt - 1) * (kind === 'throttled' ? 500 : 100)));
        totalRetryDelay += delay;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async post(op: Op, body: string): Promise<{ status: number; requestId?: string; json: Wire }> {
    this.url ??= await this.endpoint();
    const url = this.url;
    this.region ??= await this.config.region();
    const credentials = this.held && !stale(this.held) ? this.held : await this.config.credentials();
    const headers: Record<string, string> = {
      'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${op}`, 'content-length': String(Buffer.byteLength(body)),
    };
    const trace = process.env.AWS_LAMBDA_FUNCTION_NAME ? process.env._X_AMZ_TRACE_ID : undefined;
    if (trace) headers['x-amzn-trace-id'] = trace;
    const signed = signRequest({ service: 'dynamodb', region: this.region, method: 'POST', host: url.host, path: url.pathname || '/', headers, body }, credentials);
    // the answer read with plain stream events (an async iterator per answer costs more CPU than the JSON itself)
    const { res, text } = await new Promise<{ res: IncomingMessage; text: string }>((resolve, reject) => {
      const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
      const req = send({ method: 'POST', hostname: url.hostname, port: url.port || undefined, path: url.pathname || '/', headers: signed, agent: this.agent, timeout: 300_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ res, text: (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8') }));
        res.on('close', () => {
          if (!res.complete) reject(Object.assign(new Error(`DynamoDB ${op}: the connection closed before the answer was whole`), { name: 'TimeoutError', code: 'ECONNRESET' }));
        });
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`DynamoDB ${op}: socket timed out`), { name: 'TimeoutError' })));
      req.on('error', reject);
      req.end(body);
    });
    let json: Wire = {};
    try {
      json = text ? (JSON.parse(text) as Wire) : {};
    } catch {
      json = { message: text.slice(0, 500) };
    }
    return { status: res.statusCode ?? 0, requestId: res.headers['x-amzn-requestid'] as string | undefined, json };
  }
}

/** Credentials within 5 minutes of their expiry are fetched again, as the SDK does. */
const stale = (c: AwsCredentials): boolean => c.expiration !== undefined && c.expiration.getTime() - Date.now() < 300_000;

/** The operation a command names, and whether its items are plain objects (document commands). */
function opOf(command: object): { op: Op; marshalled: boolean } {
  if (command instanceof DocCommand) return { op: command.op, marshalled: command.op !== 'ListTables' };
  const name = command.constructor.name;
  if ('clientCommand' in command && SDK_OPS[name]) return { op: SDK_OPS[name], marshalled: true }; // lib-dynamodb
  if (name.endsWith('Command')) return { op: name.slice(0, -'Command'.length) as Op, marshalled: false }; // client-dynamodb
  throw new TypeError(`not a DynamoDB command: ${name}`);
}

/** The SDK's exception for an error answer (its class by the wire name, the body's members on it). */
function exceptionOf(status: number, requestId: string | undefined, json: Wire, attempts: number, totalRetryDelay: number): Error {
  const name = String(json.__type ?? `Http${status}`).split('#').pop()!;
  const { __type: _type, message, Message, ...members } = json as Wire & { message?: string; Message?: string };
  const $metadata = { httpStatusCode: status, requestId, attempts, totalRetryDelay };
  const Ctor = EXCEPTIONS[name];
  const opts = { name, $fault: status >= 500 ? 'server' : 'client', $metadata, message: String(message ?? Message ?? name), ...(Message !== undefined ? { Message } : {}), ...members };
  // a refused condition is an answer, not a fault: no stack (every loser under contention would pay for its capture)
  const refusal = name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException';
  const limit = Error.stackTraceLimit;
  if (refusal) Error.stackTraceLimit = 0;
  let e: DynamoDBServiceException;
  try {
    e = Ctor ? new Ctor(opts as never) : new DynamoDBServiceException(opts as never);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return Object.assign(e, members, Message !== undefined ? { Message } : {});
}

const mapOf = (o: unknown, opts: marshallOptions) => (o === undefined ? undefined : marshall(o as Item, opts));
const nativeOf = (o: unknown) => (o === undefined ? undefined : unmarshall(o as never));

/** Key, Item and ExpressionAttributeValues of one request (and of each transaction item). */
function marshalRequest(r: Wire, opts: marshallOptions): Wire {
  const out: Wire = { ...r };
  if (r.Key !== undefined) out.Key = mapOf(r.Key, opts);
  if (r.Item !== undefined) out.Item = mapOf(r.Item, opts);
  if (r.ExpressionAttributeValues !== undefined) out.ExpressionAttributeValues = mapOf(r.ExpressionAttributeValues, opts);
  if (r.ExclusiveStartKey !== undefined) out.ExclusiveStartKey = mapOf(r.ExclusiveStartKey, opts);
  return out;
}

function marshalInput(op: Op, input: Wire, opts: marshallOptions): Wire {
  switch (op) {
    case 'BatchGetItem': {
      const RequestItems: Wire = {};
      for (const [t, v] of Object.entries(input.RequestItems as Record<string, Wire>)) RequestItems[t] = { ...v, Keys: (v.Keys as Item[]).map((k) => mapOf(k, opts)) };
      return { ...input, RequestItems };
    }
    case 'BatchWriteItem': {
      const RequestItems: Wire = {};
      for (const [t, rs] of Object.entries(input.RequestItems as Record<string, Wire[]>)) RequestItems[t] = rs.map(marshalWrite(opts));
      return { ...input, RequestItems };
    }
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return { ...input, TransactItems: (input.TransactItems as Record<string, Wire>[]).map((t) => Object.fromEntries(Object.entries(t).map(([k, r]) => [k, marshalRequest(r, opts)]))) };
    default:
      return marshalRequest(input, opts);
  }
}

const marshalWrite = (opts: marshallOptions) => (r: Wire): Wire => {
  const put = r.PutRequest as Wire | undefined;
  const del = r.DeleteRequest as Wire | undefined;
  return { ...r, ...(put ? { PutRequest: { ...put, Item: mapOf(put.Item, opts) } } : {}), ...(del ? { DeleteRequest: { ...del, Key: mapOf(del.Key, opts) } } : {}) };
};

function unmarshalWrite(r: Wire): Wire {
  const put = r.PutRequest as Wire | undefined;
  const del = r.DeleteRequest as Wire | undefined;
  return { ...r, ...(put ? { PutRequest: { ...put, Item: nativeOf(put.Item) } } : {}), ...(del ? { DeleteRequest: { ...del, Key: nativeOf(del.Key) } } : {}) };
}

function unmarshalOutput(op: Op, json: Wire): Wire {
  const out: Wire = { ...json };
  if (json.Item !== undefined) out.Item = nativeOf(json.Item);
  if (json.Attributes !== undefined) out.Attributes = nativeOf(json.Attributes);
  if (json.LastEvaluatedKey !== undefined) out.LastEvaluatedKey = nativeOf(json.LastEvaluatedKey);
  if (Array.isArray(json.Items)) out.Items = json.Items.map(nativeOf);
  if (op === 'BatchGetItem') {
    if (json.Responses) out.Responses = Object.fromEntries(Object.entries(json.Responses as Record<string, Wire[]>).map(([t, items]) => [t, items.map(nativeOf)]));
    if (json.UnprocessedKeys) out.UnprocessedKeys = Object.fromEntries(Object.entries(json.UnprocessedKeys as Record<string, Wire>).map(([t, v]) => [t, { ...v, Keys: (v.Keys as Wire[]).map(nativeOf) }]));
  }
  if (op === 'BatchWriteItem' && json.UnprocessedItems) {
    out.UnprocessedItems = Object.fromEntries(Object.entries(json.UnprocessedItems as Record<string, Wire[]>).map(([t, rs]) => [t, rs.map(unmarshalWrite)]));
  }
  if (op === 'TransactGetItems' && Array.isArray(json.Responses)) out.Responses = (json.Responses as Wire[]).map((r) => ({ ...r, Item: nativeOf(r.Item) }));
  return out;
}
