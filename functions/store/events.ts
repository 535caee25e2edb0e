import { TransactWriteCommand, type TransactWriteCommandInput } from './ddb.ts';
import { eventExpiry, type AddressedEvent } from '../domain/events.ts';
import { config, dynamo } from './config.ts';
import * as keys from './keys.ts';

/**
 * The transactional outbox (CONTRACT "Events"): the one builder of an event record, written as a
 * Put inside the very transaction of the change it reports — never after it — so there is no
 * event for a change that did not happen and no change without its event. The record is both the
 * recipient's feed entry (GET /v1/events, ./event-feed.ts) and what the table's stream carries
 * to webhook delivery:
 *
 *   { pk: EVENTS#<recipient>, sk: EVENT#<occurredAt>#<id>, kind: 'event', recipient, event, ttl }
 *
 * Imports nothing but the key shapes and config, so every writing Lambda can carry it.
 */

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The stored record of one addressed event. */
export const eventRecord = (a: AddressedEvent) => ({
  ...keys.event(a.recipient, a.event.occurredAt, a.event.id),
  kind: 'event' as const,
  recipient: a.recipient,
  event: a.event,
  ttl: eventExpiry(a.event.occurredAt),
});

/** The events as TransactWriteItems Puts, one per recipient (an event id is new, so no condition). */
export const eventPuts = (events: readonly AddressedEvent[]): TransactItem[] =>
  events.map((a) => ({ Put: { TableName: config.tableName, Item: eventRecord(a) } }));

/** Writes events on their own, in one transaction (tests and benchmarks; a change writes eventPuts with its own items). */
export async function writeEvents(events: readonly AddressedEvent[]): Promise<void> {
  if (events.length > 0) await dynamo().send(new TransactWriteCommand({ TransactItems: eventPuts(events) }));
}
