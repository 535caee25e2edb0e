import type { TestProject } from 'vitest/node';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.ts';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.ts';

/**
 * One local stack per test run: DynamoDB Local (in memory, -sharedDb) and the S3 server, with
 * the gateway in its own process serving the real handlers over HTTP. Tests reach it through
 * test/support/hub.ts.
 */
let stack: LocalStack | undefined;
let gateway: GatewayProcess | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    hubEnv: Record<string, string>;
    baseUrl: string;
  }
}

export async function setup(project: TestProject): Promise<void> {
  stack = await startLocalStack();
  gateway = await startGatewayProcess(stack.env);
  project.provide('hubEnv', stack.env);
  project.provide('baseUrl', gateway.baseUrl);
}

export async function teardown(): Promise<void> {
  await gateway?.stop();
  await stack?.stop();
}
