import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it } from 'vitest';
import { Middlewares, retryKind } from '../../functions/store/ddb.ts';
import { awsIdentity, envCredentials, signRequest, useAwsIdentity } from '../../functions/store/sigv4.ts';

/**
 * The one signer of every AWS call (functions/store/sigv4.ts, aws4) signs byte for byte as the
 * SDK's own signer (@smithy/signature-v4, a dev dependency kept for this comparison) for each
 * shape the hub sends: DynamoDB's JSON protocol with a session token and a trace id, S3 with
 * its payload hash and an encoded key, and the fetch callers' JSON calls (no content-length).
 * AWS's documented S3 example is test/unit/spend-objects.test.ts.
 */

/** node:crypto in the shape @smithy/signature-v4 asks for. */
type Data = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Data): Buffer => (typeof d === 'string' ? Buffer.from(d) : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d));
class Sha256 {
  private readonly h;
  constructor(secret?: Data) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(d: Data): void {
    this.h.update(bytes(d));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token-example' };
const date = new Date('2026-12-03T17:45:12Z');

/**
 * The SDK signer's answer. applyChecksum off: by default it also sends and signs an
 * x-amz-content-sha256 header, which only S3 reads (the hub's S3 calls set it themselves).
 */
async function sdkSigned(service: string, region: string, host: string, path: string, headers: Record<string, string>, body?: string): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service, region, credentials, sha256: Sha256, applyChecksum: false });
  const [hostname, port] = host.split(':');
  const out = await signer.sign(
    { method: body === undefined ? 'GET' : 'POST', protocol: 'https:', hostname: hostname!, ...(port ? { port: Number(port) } : {}), path, query: {}, headers: { host, ...headers }, ...(body !== undefined ? { body } : {}) },
    { signingDate: date },
  );
  return out.headers as Record<string, string>;
}

describe('SigV4 signing (aws4) as the SDK signs', () => {
  it('a DynamoDB call: JSON body, content-length, session token; the trace id sent but not signed', async () => {
    const body = JSON.stringify({ TableName: 'hub', Key: { pk: { S: 'POOL#BED#b1' }, sk: { S: 'BED' } } });
    const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem', 'content-length': String(Buffer.byteLength(body)), 'x-amzn-trace-id': 'Root=1-abc' };
    const ours = signRequest({ service: 'dynamodb', region: 'eu-west-2', method: 'POST', host: 'dynamodb.eu-west-2.amazonaws.com', path: '/', headers, body, date }, credentials);
    const sdk = await sdkSigned('dynamodb', 'eu-west-2', 'dynamodb.eu-west-2.amazonaws.com', '/', headers, body);
    expect(ours.authorization).toBe(sdk.authorization);
    expect(ours.authorization).toMatch(/SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token;x-amz-target, /);
    expect(ours).toMatchObject({ 'x-amz-date': '20261203T174512Z', 'x-amz-security-token': 'session-token-example', 'x-amzn-trace-id': 'Root=1-abc', host: 'dynamodb.eu-west-2.amazonaws.com' });
    expect(Object.keys(ours).every((k) => k === k.toLowerCase())).toBe(true);
  });

  it('DynamoDB Local on a port, and a different secret, day or region each change the signature', async () => {
    const body = '{}';
    const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-length': '2' };
    const sign = (over: Partial<{ region: string; date: Date; secret: string }> = {}) =>
      signRequest({ service: 'dynamodb', region: over.region ?? 'eu-west-2', method: 'POST', host: '127.0.0.1:8000', path: '/', headers, body, date: over.date ?? date }, { ...credentials, secretAccessKey: over.secret ?? credentials.secretAccessKey }).authorization;
    expect(sign()).toBe((await sdkSigned('dynamodb', 'eu-west-2', '127.0.0.1:8000', '/', headers, body)).authorization);
    const variants = [sign(), sign({ region: 'eu-west-1' }), sign({ date: new Date('2026-12-04T17:45:12Z') }), sign({ secret: 'another' })];
    expect(new Set(variants.map((a) => a!.split('Signature=')[1])).size).toBe(4);
    // the derived-key cache is keyed by secret, day, region and service: after the variants, the first inputs still sign as first
    expect(sign()).toBe(variants[0]);
  });

  it('an S3 PUT: the payload hash in x-amz-content-sha256, a key encoded segment by segment', async () => {
    const path = '/hub/rollups/FY2025-26/essex%20%28draft%29/manifest.json';
    const headers = { 'x-amz-content-sha256': createHash('sha256').update('{"a":1}').digest('hex'), 'content-type': 'application/json', 'content-length': '7' };
    const ours = signRequest({ service: 's3', region: 'eu-west-2', method: 'PUT', host: '127.0.0.1:4569', path, headers, date }, credentials);
    const signer = new SignatureV4({ service: 's3', region: 'eu-west-2', credentials, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
    const sdk = await signer.sign({ method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port: 4569, path, query: {}, headers: { host: '127.0.0.1:4569', ...headers } }, { signingDate: date });
    expect(ours.authorization).toBe(sdk.headers.authorization);
  });

  it("a fetch caller's JSON call (Secrets Manager, SQS, Cognito): signed without content-length, which fetch sets", async () => {
    const body = JSON.stringify({ SecretId: 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:CursorSecret-AbCdEf' });
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' };
    const ours = signRequest({ service: 'secretsmanager', region: 'eu-west-2', method: 'POST', host: 'secretsmanager.eu-west-2.amazonaws.com', path: '/', headers, body, date }, credentials);
    const sdk = await sdkSigned('secretsmanager', 'eu-west-2', 'secretsmanager.eu-west-2.amazonaws.com', '/', headers, body);
    expect(ours.authorization).toBe(sdk.authorization);
    expect(Object.keys(ours)).not.toContain('content-length');
    expect(Object.keys(ours)).not.toContain('Content-Length');
  });
});

describe('credentials and region', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    useAwsIdentity(undefined);
  });

  it("come from the environment (as Lambda and the local hub give them); a missing one is named", async () => {
    Object.assign(process.env, { AWS_REGION: 'eu-west-2', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' });
    expect(await awsIdentity().credentials()).toEqual({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 's', sessionToken: 't' });
    expect(await awsIdentity().region()).toBe('eu-west-2');
    delete process.env.AWS_SECRET_ACCESS_KEY;
    expect(() => envCredentials()).toThrow(/AWS_SECRET_ACCESS_KEY/);
    delete process.env.AWS_REGION;
    await expect(awsIdentity().region()).rejects.toThrow(/AWS_REGION is not set/);
  });

  it('the CLI against AWS hands in its own chain; undefined is the environment again', async () => {
    Object.assign(process.env, { AWS_REGION: 'eu-west-2', AWS_ACCESS_KEY_ID: 'FROMENV', AWS_SECRET_ACCESS_KEY: 's' });
    useAwsIdentity({ credentials: async () => ({ accessKeyId: 'FROMCHAIN', secretAccessKey: 'x' }), region: async () => 'eu-west-1' });
    expect([(await awsIdentity().credentials()).accessKeyId, await awsIdentity().region()]).toEqual(['FROMCHAIN', 'eu-west-1']);
    useAwsIdentity(undefined);
    expect([(await awsIdentity().credentials()).accessKeyId, await awsIdentity().region()]).toEqual(['FROMENV', 'eu-west-2']);
  });
});

describe("retries: what the SDK's standard mode retries", () => {
  const err = (name: string, status?: number, extra: object = {}) => Object.assign(new Error(name), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}), ...extra });
  it.each([
    ['ThrottlingException', 400, 'throttled'],
    ['ProvisionedThroughputExceededException', 400, 'throttled'],
    ['TransactionInProgressException', 400, 'throttled'],
    ['Http429', 429, 'throttled'],
    ['InternalServerError', 500, 'transient'],
    ['ServiceUnavailable', 503, 'transient'],
    ['TimeoutError', undefined, 'transient'],
    ['ConditionalCheckFailedException', 400, undefined],
    ['TransactionCanceledException', 400, undefined],
    ['ValidationException', 400, undefined],
  ])('%s (%s) → %s', (name, status, kind) => {
    expect(retryKind(err(name, status))).toBe(kind);
  });
  it('network failures by code, also as a cause; an abort never', () => {
    expect(retryKind(err('Error', undefined, { code: 'ECONNRESET' }))).toBe('transient');
    expect(retryKind(err('Error', undefined, { cause: err('Error', undefined, { code: 'ENOTFOUND' }) }))).toBe('transient');
    expect(retryKind(err('AbortError', undefined, { code: 'ECONNRESET' }))).toBeUndefined();
    expect(retryKind(err('InvalidSignatureException', 400, { message: 'Signature expired: 20261203T000000Z' }))).toBe('transient');
  });
});

describe('the middleware hook (shaped as the SDK stack for tests, benches and the DynamoDB Local barrier)', () => {
  it('runs by step, then first added outermost; a name once; removed by name', async () => {
    const hooks = new Middlewares();
    const seen: string[] = [];
    const mw = (tag: string) => (next: (a: { input: Record<string, unknown> }) => Promise<{ output: unknown }>, ctx: { commandName: string }) => async (args: { input: Record<string, unknown> }) => {
      seen.push(`${tag}>${ctx.commandName}`);
      const out = await next(args);
      seen.push(`<${tag}`);
      return out;
    };
    hooks.add(mw('a'), { step: 'initialize', name: 'a' });
    hooks.add(mw('late'), { step: 'build', name: 'late' });
    hooks.add(mw('b'), { step: 'initialize', name: 'b' });
    expect(() => hooks.add(mw('a2'), { name: 'a' })).toThrow(/Duplicate middleware name 'a'/);
    expect(hooks.identify()).toEqual(['a - initialize', 'b - initialize', 'late - build']);
    const run = hooks.resolve(async () => ({ output: 'done' }), { clientName: 'DynamoDBClient', commandName: 'GetItemCommand' });
    expect(await run({ input: {} })).toEqual({ output: 'done' });
    expect(seen).toEqual(['a>GetItemCommand', 'b>GetItemCommand', 'late>GetItemCommand', '<late', '<b', '<a']);
    expect([hooks.remove('b'), hooks.remove('b')]).toEqual([true, false]);
    expect(hooks.identify()).toEqual(['a - initialize', 'late - build']);
  });
});
