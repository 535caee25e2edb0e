import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { parsePrincipal } from '../../functions/domain/principal.ts';
import { createApiKey } from '../../functions/store/api-keys.ts';
import { resetClients } from '../../functions/store/config.ts';
import { provisionBucket, provisionTable } from '../../infra/local/provision.ts';
import { startGatewayProcess } from './gateway-process.ts';

/**
 * A hub of its own on the run's DynamoDB Local and S3 server: its own table and bucket and its
 * own gateway process, so a test can count every item the hub writes (e.g. "nothing written")
 * without other test files' traffic in the way.
 */
export interface IsolatedHub {
  baseUrl: string;
  key(principal: string): Promise<string>;
  /** Every item in this hub's table (a test-only Scan), but those of the `type`s in `except`. */
  itemCount(except?: readonly string[]): Promise<number>;
  stop(): Promise<void>;
}

export async function startIsolatedHub(name: string): Promise<IsolatedHub> {
  const tableName = `hub-${name}-${Date.now().toString(36)}`;
  const base = inject('hubEnv');
  Object.assign(process.env, { TABLE_NAME: tableName, BUCKET_NAME: tableName });
  resetClients();
  await provisionTable();
  await provisionBucket();
  const gateway = await startGatewayProcess({ ...base, TABLE_NAME: tableName, BUCKET_NAME: tableName });
  const keys = new Map<string, Promise<string>>();
  const raw = new DynamoDBClient({});
  return {
    baseUrl: gateway.baseUrl,
    key: (p) => {
      if (!keys.has(p)) keys.set(p, createApiKey(parsePrincipal(p)!));
      return keys.get(p)!;
    },
    itemCount: async (except = []) => {
      let n = 0;
      let start: Record<string, never> | undefined;
      const filter = except.length === 0 ? {} : {
        FilterExpression: `attribute_not_exists(#type) OR NOT (#type IN (${except.map((_, i) => `:t${i}`).join(', ')}))`,
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: Object.fromEntries(except.map((t, i) => [`:t${i}`, { S: t }])),
      };
      do {
        const page = await raw.send(new ScanCommand({ TableName: tableName, Select: 'COUNT', ExclusiveStartKey: start, ConsistentRead: true, ...filter }));
        n += page.Count ?? 0;
        start = page.LastEvaluatedKey as typeof start;
      } while (start);
      return n;
    },
    stop: () => gateway.stop(),
  };
}
