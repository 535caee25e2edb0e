import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from './ddb.ts';
import { notFound } from '../domain/errors.ts';
import { principalId } from '../domain/principal.ts';
import type { EventType, HubEvent } from '../domain/events.ts';
import { config, dynamo } from './config.ts';
import { newId } from './ids.ts';
import * as keys from './keys.ts';
import { queryPage, type Page } from './paging.ts';
import { ttlAfter } from './table.ts';
import { idempotency, type IdempotencyStore } from './idempotency.ts';
import { toWebhook, type WebhookRecord } from './webhook-record.ts';
import { newWebhookSecret, openSecret, sealSecret } from './webhook-secrets.ts';

export type { WebhookRecord } from './webhook-record.ts';

/** How long the delivery log keeps an attempt (longer than the 3 days of retries, like the feed). */
export const DELIVERY_LOG_DAYS = 35;

/**
 * Webhooks (CONTRACT.md "Events") and their delivery log. A webhook lives in its owner's
 * partition (keys.webhook), so another principal's is 404 and an event's recipient finds its
 * webhooks with one Query; its signing secret is stored sealed (./webhook-secrets.ts). Each
 * delivery attempt is one record (keys.delivery), kept DELIVERY_LOG_DAYS.
 */

/** Registers a webhook for `owner`: its record, and the signing secret in plaintext this once. */
export async function createWebhook(owner: string, url: string, events: readonly EventType[], now: Date): Promise<WebhookRecord & { secret: string }> {
  const id = `wh_${newId(now.getTime())}`;
  const secret = newWebhookSecret();
  const record: WebhookRecord = { id, owner, url, events: [...events], status: 'active', createdAt: now.toISOString() };
  await dynamo().send(new PutCommand({
    TableName: config.tableName,
    Item: { ...keys.webhook(owner, id), kind: 'webhook', ...record, secretSealed: sealSecret(id, secret) },
    ConditionExpression: 'attribute_not_exists(pk)',
  }));
  return { ...record, secret };
}

/** The owner's webhooks, oldest first, paged. */
export function webhooksPage(owner: string, q: { limit: number; cursor?: string }): Promise<Page<WebhookRecord>> {
  const k = keys.webhooksOf(owner);
  return queryPage(
    { TableName: config.tableName, KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': k.pk, ':s': k.skPrefix } },
    { purpose: `webhooks:${owner}`, limit: q.limit, cursor: q.cursor, map: toWebhook },
  );
}

/** The owner's webhook `id`; 404 when the owner has none by that id (another principal's included). */
export async function requireWebhook(owner: string, id: string): Promise<WebhookRecord> {
  const found = await getWebhook(owner, id);
  if (!found) throw notFound();
  return found.webhook;
}

/** The webhook with its signing secret opened (the sender's read), or undefined when deleted. */
export async function getWebhook(owner: string, id: string): Promise<{ webhook: WebhookRecord; secret: () => string } | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.webhook(owner, id), ConsistentRead: true }));
  if (!out.Item) return undefined;
  const sealed = out.Item.secretSealed as string;
  return { webhook: toWebhook(out.Item), secret: () => openSecret(id, sealed) };
}

/** Deletes the owner's webhook; 404 when there is none by that id. Its delivery log expires by TTL. */
export async function deleteWebhook(owner: string, id: string): Promise<void> {
  const out = await dynamo().send(new DeleteCommand({ TableName: config.tableName, Key: keys.webhook(owner, id), ReturnValues: 'ALL_OLD' }));
  if (!out.Attributes) throw notFound();
}

/** A 410 answer: the webhook stays, disabled (GET /v1/webhooks shows it), and receives nothing more. */
export async function disableWebhook(owner: string, id: string, now: Date): Promise<void> {
  await dynamo().send(new UpdateCommand({
    TableName: config.tableName,
    Key: keys.webhook(owner, id),
    UpdateExpression: 'SET #s = :d, disabledAt = :at',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':d': 'disabled', ':at': now.toISOString() },
  })).catch((e: Error) => {
    if (e.name !== 'ConditionalCheckFailedException') throw e; // deleted meanwhile
  });
}

// ---------------------------------------------------------------- the delivery log
export type DeliveryResult = 'delivered' | 'failed' | 'disabled' | 'given-up' | 'withheld';

export interface DeliveryRecord {
  eventId: string;
  eventType: EventType;
  attempt: number;
  at: string;
  status?: number;
  result: DeliveryResult;
  error?: string;
  nextRetryAt?: string;
}

/** Records one attempt (write-once: an attempt replayed after a crash keeps the first record). */
export async function recordDelivery(webhookId: string, event: HubEvent, d: Omit<DeliveryRecord, 'eventId' | 'eventType'>): Promise<void> {
  const record: DeliveryRecord = { eventId: event.id, eventType: event.type, ...d };
  await dynamo().send(new PutCommand({
    TableName: config.tableName,
    Item: { ...keys.delivery(webhookId, d.at, event.id, d.attempt), kind: 'delivery', webhookId, ...record, ttl: ttlAfter(DELIVERY_LOG_DAYS * 86_400, Date.parse(d.at)) },
  }));
}

const toDelivery = (i: Record<string, unknown>): DeliveryRecord => ({
  eventId: i.eventId as string,
  eventType: i.eventType as EventType,
  attempt: i.attempt as number,
  at: i.at as string,
  ...(typeof i.status === 'number' ? { status: i.status } : {}),
  result: i.result as DeliveryResult,
  ...(i.error ? { error: i.error as string } : {}),
  ...(i.nextRetryAt ? { nextRetryAt: i.nextRetryAt as string } : {}),
});

/** A webhook's delivery attempts, newest first, paged (the caller has checked the webhook is the owner's). */
export function deliveriesPage(owner: string, webhookId: string, q: { limit: number; cursor?: string }): Promise<Page<DeliveryRecord>> {
  const k = keys.deliveriesOf(webhookId);
  return queryPage(
    {
      TableName: config.tableName, KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': k.pk, ':s': k.skPrefix }, ScanIndexForward: false,
    },
    { purpose: `webhook-deliveries:${owner}:${webhookId}`, limit: q.limit, cursor: q.cursor, map: toDelivery },
  );
}

/**
 * Idempotency-Key for the registering POST without a secret in plaintext at rest: the stored
 * answer (which holds the secret) is sealed like the secret itself, for this principal and key,
 * and opened again to replay it.
 */
export const sealedIdempotency: IdempotencyStore = {
  claim: async (p, key, fingerprint, now) => {
    const claim = await idempotency.claim(p, key, fingerprint, now);
    if (claim.kind !== 'replay') return claim;
    return { kind: 'replay', answer: { ...claim.answer, body: openSecret(`idempotency:${principalId(p)}:${key}`, claim.answer.body) } };
  },
  complete: (p, key, answer) => idempotency.complete(p, key, { ...answer, body: sealSecret(`idempotency:${principalId(p)}:${key}`, answer.body) }),
  release: idempotency.release,
};
