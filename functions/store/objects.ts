import { createHash } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { config, dynamo } from './config.ts';
import { signRequest } from './sigv4.ts';

/**
 * The four S3 calls spend needs (GET as a stream, GET as text, PUT, DELETE), SigV4-signed by
 * ./sigv4.ts (as every AWS call of the hub) and sent over node:http(s).
 *
 * Why not @aws-sdk/client-s3: it adds ~180 KB to each bundle, and the Lambda budget is 300 KB
 * (test/infra/bundles.test.ts). Credentials and region are the DynamoDB client's (./sigv4.ts:
 * the environment's, or the chain the CLI hands in). Locally,
 * AWS_ENDPOINT_URL_S3 points at the S3 server (path-style); in AWS, virtual-hosted HTTPS.
 */

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** RFC 3986 encoding of each path segment, as SigV4 wants for S3 (`/` kept). */
export const encodeKey = (key: string): string =>
  key.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');

export interface S3Target {
  protocol: 'http:' | 'https:';
  hostname: string;
  port?: number;
  path: string;
}

/** Where an object lives: path-style at a custom endpoint, virtual-hosted in AWS. */
export function targetOf(bucket: string, key: string, region: string, endpoint = process.env.AWS_ENDPOINT_URL_S3): S3Target {
  if (endpoint) {
    const u = new URL(endpoint);
    return {
      protocol: u.protocol as 'http:' | 'https:',
      hostname: u.hostname,
      ...(u.port ? { port: Number(u.port) } : {}),
      path: `${u.pathname.replace(/\/$/, '')}/${encodeKey(bucket)}/${encodeKey(key)}`,
    };
  }
  return { protocol: 'https:', hostname: `${bucket}.s3.${region}.amazonaws.com`, path: `/${encodeKey(key)}` };
}

export interface SignedRequest {
  method: string;
  target: S3Target;
  headers: Record<string, string>;
}

/** Signs an S3 request (SigV4, payload hash in x-amz-content-sha256). */
export async function signS3(
  method: string,
  target: S3Target,
  opts: {
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    payloadSha256?: string;
    headers?: Record<string, string>;
    signingDate?: Date;
  },
): Promise<SignedRequest> {
  const host = target.port ? `${target.hostname}:${target.port}` : target.hostname;
  const headers = signRequest(
    {
      service: 's3', region: opts.region, method, host, path: target.path,
      headers: { 'x-amz-content-sha256': opts.payloadSha256 ?? EMPTY_SHA256, ...(opts.headers ?? {}) },
      ...(opts.signingDate ? { date: opts.signingDate } : {}),
    },
    opts.credentials,
  );
  return { method, target, headers };
}

const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 32, noDelay: true }), https: new HttpsAgent({ keepAlive: true, maxSockets: 32, noDelay: true }) };

export class S3Error extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}
export const isNoSuchKey = (e: unknown): boolean => e instanceof S3Error && (e.status === 404 || e.code === 'NoSuchKey');

async function send(method: string, key: string, body?: Buffer, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  const client = dynamo().config;
  const [region, credentials] = await Promise.all([client.region(), client.credentials()]);
  const target = targetOf(config.bucketName, key, region);
  const signed = await signS3(method, target, {
    region,
    credentials,
    payloadSha256: body ? createHash('sha256').update(body).digest('hex') : EMPTY_SHA256,
    headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) },
  });
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(
      {
        method,
        protocol: target.protocol,
        hostname: target.hostname,
        ...(target.port ? { port: target.port } : {}),
        path: target.path,
        headers: signed.headers,
        agent: target.protocol === 'https:' ? agents.https : agents.http,
        timeout: 30_000,
      },
      resolve,
    );
    req.on('timeout', () => req.destroy(new Error(`S3 ${method} ${key}: timed out`)));
    req.on('error', reject);
    req.end(body);
  });
  if (res.statusCode! >= 300) {
    const text = await readAll(res);
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? String(res.statusCode);
    throw new S3Error(res.statusCode!, code, `S3 ${method} ${key}: ${res.statusCode} ${code}`);
  }
  return res;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Retries what failed on the way (network, 5xx, throttling) — every call here is idempotent. */
async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const retriable = !(e instanceof S3Error) || e.status >= 500 || e.status === 429 || e.code === 'SlowDown';
      if (!retriable || attempt >= 4) throw e;
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt + Math.random() * 50));
    }
  }
}

/** An object's body as a stream (throws S3Error; `isNoSuchKey` for a missing object). */
export function openObject(key: string): Promise<Readable> {
  return withRetry(() => send('GET', key));
}

/** An object's text, or undefined when there is no such object. */
export async function getObjectText(key: string): Promise<string | undefined> {
  try {
    return await withRetry(async () => readAll(await send('GET', key)));
  } catch (e) {
    if (isNoSuchKey(e)) return undefined;
    throw e;
  }
}

export async function getObjectBytes(key: string): Promise<Buffer> {
  return withRetry(async () => {
    const chunks: Buffer[] = [];
    for await (const c of await send('GET', key)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  });
}

export async function putObject(key: string, body: string, contentType: string): Promise<void> {
  const bytes = Buffer.from(body, 'utf8');
  await withRetry(async () => (await send('PUT', key, bytes, { 'content-type': contentType })).resume());
}

export async function deleteObjects(objectKeys: string[]): Promise<void> {
  await Promise.all(objectKeys.map((key) => withRetry(async () => (await send('DELETE', key)).resume())));
}
