import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parsePrincipal, principalId, type Principal } from '../domain/principal.ts';
import { config, dynamo } from './config.ts';
import { keys } from './keys.ts';

/** API keys are stored only as SHA-256 hashes; the value is shown once, when created. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export async function createApiKey(principal: Principal, now = new Date()): Promise<string> {
  const key = `ceh_${randomBytes(24).toString('base64url')}`;
  const hash = hashApiKey(key);
  await dynamo().send(
    new PutCommand({
      TableName: config.tableName,
      Item: {
        ...keys.apiKey(hash),
        ...keys.apiKeyByPrincipal(principal, hash),
        type: 'apiKey',
        principal: principalId(principal),
        createdAt: now.toISOString(),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return key;
}

/** Revokes every live key of the principal; answers how many. */
export async function revokeApiKeys(principal: Principal, now = new Date()): Promise<number> {
  let revoked = 0;
  let start: Record<string, unknown> | undefined;
  const { gsi1pk } = keys.apiKeyByPrincipal(principal);
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: config.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :k)',
        ExpressionAttributeValues: { ':p': gsi1pk, ':k': 'APIKEY#' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      if (item.revokedAt) continue;
      await dynamo().send(
        new UpdateCommand({
          TableName: config.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET revokedAt = :t',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':t': now.toISOString() },
        }),
      );
      revoked++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return revoked;
}

/** The principal a key stands for; undefined for an unknown or revoked key. */
export async function principalForApiKey(key: string): Promise<Principal | undefined> {
  if (key.length < 8 || key.length > 256) return undefined;
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: config.tableName, Key: keys.apiKey(hashApiKey(key)), ConsistentRead: true }),
  );
  if (!Item || Item.revokedAt) return undefined;
  return parsePrincipal(String(Item.principal));
}
