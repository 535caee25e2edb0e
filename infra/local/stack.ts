import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetClients } from '../../functions/store/config.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { provisionBucket, provisionTable } from './provision.ts';
import { repairS3Directory, startS3Server } from './s3-server.ts';

/**
 * The local stand-ins for AWS: DynamoDB Local and an S3 protocol server, provisioned like the
 * stack. `dataDir` persists both (npm start); without it DynamoDB runs in memory and S3 in a
 * temporary folder (tests, benchmarks). Whatever was started is stopped again if the start
 * fails, and DynamoDB Local dies with this process however it ends (dynamodb-local.ts).
 */
export interface LocalStack {
  env: Record<string, string>;
  /** DynamoDB Local's process id (the benchmarks attribute CPU to it). */
  dynamoPid?: number;
  stop(): Promise<void>;
}

export const LOCAL_ENV = {
  AWS_REGION: 'eu-west-2',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  TABLE_NAME: 'commission-east-hub',
  BUCKET_NAME: 'commission-east-hub',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * Node's flags for a process that serves the routes (npm start, and the gateway process the tests
 * and benchmarks run): a young generation of up to 64 MB a semi-space. Locally one process stands
 * in for API Gateway and every Lambda instance at once; under 500 requests in flight (the pool
 * bench) their live objects outgrow V8's default 16 MB semi-space, and each scavenge copied them
 * again and promoted them to the old generation: measured, the gateway spent ~30% more CPU per
 * allocation (1.24–1.40 ms against 0.88–0.90 ms; 32 MB did not help). In AWS each Lambda instance
 * serves one request at a time, so the functions keep Node's defaults. package.json's `start`
 * script passes the same flags (a unit test checks it).
 */
export const SERVE_NODE_FLAGS = ['--max-semi-space-size=64'] as const;

/**
 * The environment of a process that serves the routes, beside the stack's (LOCAL_ENV and
 * endpoints): its DynamoDB client has no cap on sockets. In AWS each Lambda instance runs one
 * request at a time with its own connections, so the SDK's cap of 50 sockets a client never binds;
 * locally one process stands in for every instance, and under 500 allocations at once the cap
 * queued each allocation's next request behind 450 others' first ones in Node (a winner's claim took
 * ~0.4 s to become firm; every contender waits for that), a queue AWS does not have. Measured
 * on the pool bench: 0.48–0.53× raw writes with the cap, 0.58–0.59× without (16 rounds each).
 */
export const SERVE_ENV = { HUB_DYNAMODB_MAX_SOCKETS: 'Infinity' } as const;

/**
 * The key that seals list cursors locally: random, made once per data folder and kept there
 * (so cursors survive a restart), or made per run without one. In AWS it is a Secrets Manager
 * secret (infra/stack.ts, functions/store/config.ts).
 */
export const localCursorSecret = (dataDir?: string): string => localSecret(dataDir, 'cursor-secret');

/**
 * The key that encrypts webhook signing secrets locally (functions/store/webhook-secrets.ts),
 * kept like the cursor secret: a stored webhook must still open after a restart.
 */
export const localWebhookKey = (dataDir?: string): string => localSecret(dataDir, 'webhook-key');

function localSecret(dataDir: string | undefined, name: string): string {
  if (!dataDir) return randomBytes(32).toString('base64url');
  const file = join(dataDir, name);
  const kept = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (kept.length >= 32) return kept;
  const made = randomBytes(32).toString('base64url');
  writeFileAtomic(file, `${made}\n`, 0o600);
  return made;
}

/** Written whole or not at all: a kill mid-write leaves the previous file (or none), never half of one. */
export function writeFileAtomic(file: string, data: string, mode = 0o644): void {
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, data, { mode });
  renameSync(partial, file);
}

export async function startLocalStack(opts: { dataDir?: string; say?: (line: string) => void } = {}): Promise<LocalStack> {
  const s3Dir = opts.dataDir ? join(opts.dataDir, 's3') : mkdtempSync(join(tmpdir(), 'hub-s3-'));
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    const repaired = repairS3Directory(s3Dir);
    if (repaired.length > 0) opts.say?.(`repaired ${repaired.length} S3 file(s) an interrupted write left: ${repaired.slice(0, 3).join(', ')}${repaired.length > 3 ? ' …' : ''}`);
  }
  const [dynamo, s3] = await Promise.allSettled([
    startDynamoDbLocal({ dbPath: opts.dataDir ? join(opts.dataDir, 'dynamodb') : undefined }),
    startS3Server({ directory: s3Dir }),
  ]);
  const stop = async () => {
    await Promise.all([dynamo.status === 'fulfilled' && dynamo.value.stop(), s3.status === 'fulfilled' && s3.value.stop()]);
    if (!opts.dataDir) rmSync(s3Dir, { recursive: true, force: true });
  };
  try {
    if (dynamo.status === 'rejected') throw dynamo.reason;
    if (s3.status === 'rejected') throw new Error(`The S3 server cannot start in ${s3Dir}: ${(s3.reason as Error).message}`);
    const env = {
      ...LOCAL_ENV,
      CURSOR_SECRET: localCursorSecret(opts.dataDir),
      WEBHOOK_KEY: localWebhookKey(opts.dataDir),
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.value.endpoint,
      AWS_ENDPOINT_URL_S3: s3.value.endpoint,
    };
    Object.assign(process.env, env);
    resetClients();
    opts.say?.('provisioning the table and the bucket …');
    await provisionTable();
    await provisionBucket();
    return { env, dynamoPid: dynamo.value.pid, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
