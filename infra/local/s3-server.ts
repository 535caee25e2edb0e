import { mkdirSync } from 'node:fs';
import S3rver from '@20minutes/s3rver';
import { freePort } from './dynamodb-local.ts';

/**
 * A real S3 protocol server (s3rver) on loopback, persisted under `directory`. The AWS SDK
 * talks to it over HTTP exactly as it talks to S3 (path-style, credentials S3RVER/S3RVER).
 */
export interface RunningS3 {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startS3Server(opts: { directory: string; port?: number }): Promise<RunningS3> {
  mkdirSync(opts.directory, { recursive: true });
  const port = opts.port ?? (await freePort());
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    silent: true,
    directory: opts.directory,
    allowMismatchedSignatures: true,
    configureBuckets: [],
  });
  await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => server.close() };
}
