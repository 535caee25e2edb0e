import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetClients } from '../../functions/store/config.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { provisionBucket, provisionTable } from './provision.ts';
import { startS3Server } from './s3-server.ts';

/**
 * The local stand-ins for AWS: DynamoDB Local and an S3 protocol server, provisioned like the
 * stack. `dataDir` persists both (npm start); without it DynamoDB runs in memory and S3 in a
 * temporary folder (tests, benchmarks).
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

export async function startLocalStack(opts: { dataDir?: string } = {}): Promise<LocalStack> {
  const s3Dir = opts.dataDir ? join(opts.dataDir, 's3') : mkdtempSync(join(tmpdir(), 'hub-s3-'));
  const [dynamo, s3] = await Promise.all([
    startDynamoDbLocal({ dbPath: opts.dataDir ? join(opts.dataDir, 'dynamodb') : undefined }),
    startS3Server({ directory: s3Dir }),
  ]);
  const env = { ...LOCAL_ENV, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_ENDPOINT_URL_S3: s3.endpoint };
  Object.assign(process.env, env);
  resetClients();
  await provisionTable();
  await provisionBucket();
  return {
    env,
    dynamoPid: dynamo.process.pid,
    stop: async () => {
      await Promise.all([dynamo.stop(), s3.stop()]);
      if (!opts.dataDir) rmSync(s3Dir, { recursive: true, force: true });
    },
  };
}
