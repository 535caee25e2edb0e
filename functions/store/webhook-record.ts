import type { EventType } from '../domain/events.ts';
import * as keys from './keys.ts';
import { queryPrefix } from './query.ts';

/**
 * A webhook as stored, without its sealed secret: what the stream Lambda reads to fan an event
 * out (it never holds the webhook key; ./webhooks.ts, which opens secrets, is the rest).
 */
export interface WebhookRecord {
  id: string;
  owner: string;
  url: string;
  events: EventType[];
  status: 'active' | 'disabled';
  createdAt: string;
  disabledAt?: string;
}

export const toWebhook = (i: Record<string, unknown>): WebhookRecord => ({
  id: i.id as string,
  owner: i.owner as string,
  url: i.url as string,
  events: i.events as EventType[],
  status: i.status as WebhookRecord['status'],
  createdAt: i.createdAt as string,
  ...(i.disabledAt ? { disabledAt: i.disabledAt as string } : {}),
});

/** The recipient's active webhooks that take events of `type` (the fan-out of one event). */
export async function webhooksFor(recipient: string, type: EventType): Promise<WebhookRecord[]> {
  const all = (await queryPrefix(keys.webhooksOf(recipient))).map(toWebhook);
  return all.filter((w) => w.status === 'active' && w.events.includes(type));
}

