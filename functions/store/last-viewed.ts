import { GetCommand, UpdateCommand } from './ddb.ts';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { Principal } from '../domain/principal.ts';
import { config, dynamo } from './config.ts';
import * as keys from './keys.ts';
import { ttlAfter } from './table.ts';

/** A person's last view is kept a year after it was last written (then their next visit is a first). */
const KEEP_SECONDS = 365 * 86_400;

/**
 * When a person last viewed a console list (keys.lastViewed: per organisation, person and list),
 * for "new since my last visit". Read before the list is shown; written after it has been read,
 * and only forward (a slower, older visit never moves it back).
 */

/** When the person last viewed `list`, or undefined for their first visit. */
export async function lastViewedAt(p: Principal, sub: string, list: string): Promise<string | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.lastViewed(p, sub, list), ConsistentRead: true }));
  const at = out.Item?.viewedAt;
  return typeof at === 'string' ? at : undefined;
}

/** Records that the person viewed `list` at `at` (ISO time), unless a later view is recorded already. */
export async function markViewed(p: Principal, sub: string, list: string, at: string): Promise<void> {
  try {
    await dynamo().send(new UpdateCommand({
      TableName: config.tableName,
      Key: keys.lastViewed(p, sub, list),
      UpdateExpression: 'SET viewedAt = :at, #type = :type, #ttl = :ttl',
      ConditionExpression: 'attribute_not_exists(viewedAt) OR viewedAt < :at',
      ExpressionAttributeNames: { '#type': 'type', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':at': at, ':type': 'lastViewed', ':ttl': ttlAfter(KEEP_SECONDS, Date.parse(at)) },
    }));
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
  }
}
