import type { EventType, HubEvent } from '../domain/events.ts';
import { webhooksFor } from '../store/webhook-record.ts';

/**
 * From the outbox to delivery jobs (the stream Lambda and the local poller): one job per active
 * webhook of the event's recipient that takes its type. Holds no webhook secret and no key.
 */

/** One event for one webhook: what the queue carries. */
export interface DeliveryJob {
  webhookId: string;
  owner: string;
  event: HubEvent;
}

/** An outbox record (`{pk: EVENTS#…, kind: 'event', recipient, event}`), or undefined for any other item. */
export function outboxEvent(item: Record<string, unknown> | undefined): { recipient: string; event: HubEvent } | undefined {
  if (!item || typeof item.pk !== 'string' || !item.pk.startsWith('EVENTS#') || item.kind !== 'event') return undefined;
  const event = item.event as HubEvent | undefined;
  if (typeof item.recipient !== 'string' || !event?.id || !event.type) return undefined;
  return { recipient: item.recipient, event: { id: event.id, type: event.type as EventType, occurredAt: event.occurredAt, subject: { kind: event.subject.kind, id: event.subject.id } } };
}

/** The jobs for one outbox record: one per active webhook of its recipient that takes its type. */
export async function jobsFor(item: Record<string, unknown> | undefined): Promise<DeliveryJob[]> {
  const e = outboxEvent(item);
  if (!e) return [];
  return (await webhooksFor(e.recipient, e.event.type)).map((w) => ({ webhookId: w.id, owner: w.owner, event: e.event }));
}


/** The jobs for a batch of records, in order, reading each recipient's webhooks once. */
export async function jobsForAll(items: readonly (Record<string, unknown> | undefined)[]): Promise<DeliveryJob[]> {
  const hooks = new Map<string, ReturnType<typeof webhooksFor>>();
  const out: DeliveryJob[] = [];
  for (const item of items) {
    const e = outboxEvent(item);
    if (!e) continue;
    const key = `${e.recipient}\n${e.event.type}`;
    if (!hooks.has(key)) hooks.set(key, webhooksFor(e.recipient, e.event.type));
    for (const w of await hooks.get(key)!) out.push({ webhookId: w.id, owner: w.owner, event: e.event });
  }
  return out;
}
