import { spawn, type ChildProcess } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { SERVE_ENV, SERVE_NODE_FLAGS, startLocalStack, type LocalStack } from '../../infra/local/stack.ts';

/**
 * One local stack per test run: DynamoDB Local (in memory, -sharedDb) and the S3 server, with
 * the gateway in its own process serving the real handlers over HTTP. Tests reach it through
 * test/support/hub.ts.
 */
let stack: LocalStack | undefined;
let gateway: ChildProcess | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    hubEnv: Record<string, string>;
    baseUrl: string;
  }
}

export async function setup(project: TestProject): Promise<void> {
  stack = await startLocalStack();
  const env = { ...process.env, ...stack.env, PORT: '0', LOG_LEVEL: 'SILENT' };
  gateway = spawn(process.execPath, [...SERVE_NODE_FLAGS, '--import', 'tsx', 'infra/local/serve.ts'], { env: { ...env, ...SERVE_ENV }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    gateway!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    gateway!.once('exit', (code) => reject(new Error(`gateway exited ${code}: ${out}`)));
  });
  project.provide('hubEnv', stack.env);
  project.provide('baseUrl', `http://127.0.0.1:${port}`);
}

export async function teardown(): Promise<void> {
  gateway?.kill('SIGTERM');
  await stack?.stop();
}
