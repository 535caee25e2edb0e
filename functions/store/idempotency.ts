import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from './ddb.ts';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { Principal } from '../domain/principal.ts';
import { config, dynamo } from './config.ts';
import * as keys from './keys.ts';
import { ttlAfter } from './table.ts';

/** Kept 48 hours (the contract promises at least 24). */
const KEEP_SECONDS = 48 * 3600;
/** An in-progress claim older than this is taken to have crashed and may be retried. */
const IN_PROGRESS_SECONDS = 60;

export interface StoredAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' };

/**
 * Claims an idempotency key for a request fingerprint. Exactly one concurrent caller gets
 * `claimed`; the rest see the stored answer, a mismatch, or that the first is still running.
 */
export async function claimIdempotencyKey(p: Principal, idemKey: string, fingerprint: string, now = Date.now()): Promise<Claim> {
  const Key = keys.idempotency(p, idemKey);
  try {
    await dynamo().send(
      new PutCommand({
        TableName: config.tableName,
        Item: { ...Key, type: 'idempotency', fingerprint, state: 'in-progress', claimedAt: now, ttl: ttlAfter(KEEP_SECONDS, now) },
        ConditionExpression: 'attribute_not_exists(pk) OR (#s = :progress AND claimedAt < :stale) OR #t < :nowSec',
        ExpressionAttributeNames: { '#s': 'state', '#t': 'ttl' },
        ExpressionAttributeValues: { ':progress': 'in-progress', ':stale': now - IN_PROGRESS_SECONDS * 1000, ':nowSec': Math.floor(now / 1000) },
      }),
    );
    return { kind: 'claimed' };
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
  }
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key, ConsistentRead: true }));
  if (!Item) return claimIdempotencyKey(p, idemKey, fingerprint, now);
  if (Item.fingerprint !== fingerprint) return { kind: 'mismatch' };
  if (Item.state === 'done') return { kind: 'replay', answer: Item.answer as StoredAnswer };
  return { kind: 'in-progress' };
}

/** Records a 2xx answer for replay. */
export async function completeIdempotencyKey(p: Principal, idemKey: string, answer: StoredAnswer): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: config.tableName,
      Key: keys.idempotency(p, idemKey),
      UpdateExpression: 'SET #s = :done, answer = :a',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ':done': 'done', ':a': answer },
    }),
  );
}

/** Releases a claim whose request did not succeed, so the client may retry with the same key. */
export async function releaseIdempotencyKey(p: Principal, idemKey: string): Promise<void> {
  await dynamo().send(
    new DeleteCommand({
      TableName: config.tableName,
      Key: keys.idempotency(p, idemKey),
      ConditionExpression: '#s = :progress',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ':progress': 'in-progress' },
    }),
  ).catch((e) => {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
  });
}

/** The store the HTTP edge uses for `Idempotency-Key` (passed to `lambda()` by handlers that need it). */
export interface IdempotencyStore {
  claim: typeof claimIdempotencyKey;
  complete: typeof completeIdempotencyKey;
  release: typeof releaseIdempotencyKey;
}

export const idempotency: IdempotencyStore = {
  claim: claimIdempotencyKey,
  complete: completeIdempotencyKey,
  release: releaseIdempotencyKey,
};
