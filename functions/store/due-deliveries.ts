import { DeleteCommand, PutCommand, QueryCommand } from './ddb.ts';
import { config, dynamo } from './config.ts';
import * as keys from './keys.ts';

/**
 * The local retry queue (infra/local/event-poller.ts; in AWS the SQS delivery queue does this):
 * one record per webhook and event waiting for its next attempt, in the table itself, so a hub
 * killed at any moment (kill -9 included) loses no delivery: what was due is due again at start.
 * And how far the poller has read each shard of the table's stream, so what was written while
 * the hub was down, or before it crashed, is read again (the outbox is re-read).
 */

export interface Due<J> {
  job: J;
  /** The number of the attempt to make next (1 = the first). */
  attempt: number;
  dueAt: string;
  /** Identity of the record: one per webhook and event. */
  webhookId: string;
  eventId: string;
}

/** Queues the first attempt, unless this webhook and event are queued already (a stream record read twice). */
export async function enqueueDue<J>(webhookId: string, eventId: string, job: J, dueAt: Date): Promise<void> {
  const at = dueAt.toISOString();
  await dynamo().send(new PutCommand({
    TableName: config.tableName,
    Item: { ...keys.dueDelivery(webhookId, eventId), ...keys.dueDeliveryAt(at, webhookId, eventId), kind: 'due-delivery', webhookId, eventId, job, attempt: 1, dueAt: at },
    ConditionExpression: 'attribute_not_exists(pk)',
  })).catch((e: Error) => {
    if (e.name !== 'ConditionalCheckFailedException') throw e;
  });
}

/** The next attempt of a queued delivery, due at `dueAt`. */
export async function rescheduleDue<J>(d: Due<J>, attempt: number, dueAt: Date): Promise<void> {
  const at = dueAt.toISOString();
  await dynamo().send(new PutCommand({
    TableName: config.tableName,
    Item: { ...keys.dueDelivery(d.webhookId, d.eventId), ...keys.dueDeliveryAt(at, d.webhookId, d.eventId), kind: 'due-delivery', webhookId: d.webhookId, eventId: d.eventId, job: d.job, attempt, dueAt: at },
  }));
}

export async function removeDue(d: { webhookId: string; eventId: string }): Promise<void> {
  await dynamo().send(new DeleteCommand({ TableName: config.tableName, Key: keys.dueDelivery(d.webhookId, d.eventId) }));
}

/** Up to `limit` deliveries due at or before `now`, soonest first. */
export async function dueBy<J>(now: Date, limit: number): Promise<Due<J>[]> {
  const out = await dynamo().send(new QueryCommand({
    TableName: config.tableName,
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :p AND gsi2sk <= :t',
    ExpressionAttributeValues: { ':p': keys.dueDeliveries.gsi2pk, ':t': `${now.toISOString()}#\uffff` },
    Limit: limit,
  }));
  return (out.Items ?? []).map((i) => ({ job: i.job as J, attempt: i.attempt as number, dueAt: i.dueAt as string, webhookId: i.webhookId as string, eventId: i.eventId as string }));
}

// ---------------------------------------------------------------- stream checkpoints
export interface Checkpoint {
  shardId: string;
  /** The last sequence number handled. */
  sequence?: string;
  /** The shard ended and was read to its end. */
  closed?: boolean;
}

export async function checkpoints(): Promise<Map<string, Checkpoint>> {
  const out = await dynamo().send(new QueryCommand({
    TableName: config.tableName,
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
    ExpressionAttributeValues: { ':p': keys.streamCheckpoints.pk, ':s': keys.streamCheckpoints.skPrefix },
    ConsistentRead: true,
  }));
  return new Map((out.Items ?? []).map((i) => [i.shardId as string, { shardId: i.shardId as string, sequence: i.sequence as string | undefined, closed: i.closed === true }]));
}

export async function saveCheckpoint(c: Checkpoint): Promise<void> {
  await dynamo().send(new PutCommand({ TableName: config.tableName, Item: { ...keys.streamCheckpoint(c.shardId), kind: 'stream-checkpoint', ...c, ttl: Math.floor(Date.now() / 1000) + 30 * 86_400 } }));
}
