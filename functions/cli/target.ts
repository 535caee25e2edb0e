import { existsSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from '@smithy/core/config';
import { resetClients } from '../store/config.ts';
import { useAwsIdentity } from '../store/sigv4.ts';

/**
 * Where a `hub` command acts. By default the local store: the running `npm start` hub's
 * DynamoDB Local and S3 server (found through .local/endpoints.json), or, when no hub runs,
 * the same persisted data started just for the command. With `--aws` (or HUB_TARGET=aws) the
 * AWS account and region of the environment, with TABLE_NAME and BUCKET_NAME from the stack
 * outputs, signed with the SDK's node credential chain (profiles, SSO, process, IMDS…) and its
 * region chain (AWS_REGION, then the profile): the Lambdas read theirs from the environment
 * (store/sigv4.ts), and this is never bundled into one.
 */
export interface Target {
  kind: 'local' | 'aws';
  close(): Promise<void>;
}

export const dataDir = () => resolve(process.env.HUB_DATA_DIR ?? '.local');
const endpointsFile = () => join(dataDir(), 'endpoints.json');

export function writeEndpoints(env: Record<string, string>): void {
  writeFileSync(endpointsFile(), `${JSON.stringify({ pid: process.pid, ...env }, null, 2)}\n`);
}

export function clearEndpoints(): void {
  rmSync(endpointsFile(), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the persisted local store for one command (infra/local, handed in by bin/hub.js so functions/ never imports infra/). */
export type LocalStarter = (opts: { dataDir: string }) => Promise<{ stop(): Promise<void> }>;

export async function openTarget(opts: { aws?: boolean; startLocal: LocalStarter }): Promise<Target> {
  if (opts.aws || process.env.HUB_TARGET === 'aws') {
    for (const v of ['TABLE_NAME', 'BUCKET_NAME']) {
      if (!process.env[v]) throw new Error(`--aws needs ${v} (see the stack outputs: TableName, BucketName)`);
    }
    useAwsIdentity({ credentials: defaultProvider(), region: loadConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS) });
    resetClients();
    return { kind: 'aws', close: async () => undefined };
  }
  const file = endpointsFile();
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string> & { pid: number };
    if (alive(Number(saved.pid))) {
      const { pid: _pid, ...env } = saved;
      Object.assign(process.env, env);
      resetClients();
      return { kind: 'local', close: async () => undefined };
    }
  }
  const stack = await opts.startLocal({ dataDir: dataDir() });
  return { kind: 'local', close: () => stack.stop() };
}
