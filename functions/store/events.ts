import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { eventExpiry, type AddressedEvent } from '../domain/events.ts';
import { config, dynamo } from './config.ts';
import * as keys from './keys.ts';

/**
 * The outbox (CONTRACT.md "Events"): the Put of each addressed event, to go into the same
 * transaction as the change it reports. The record is `{pk: EVENTS#<recipient>, sk, kind: 'event',
 * recipient, event, ttl}`; a new one on the table's stream is what delivery sends
 * (functions/events/deliver.ts). Write-once: an event id is never written twice.
 */
export function eventPuts(events: readonly AddressedEvent[]) {
  return events.map(({ recipient, event }) => ({
    Put: {
      TableName: config.tableName,
      Item: { ...keys.event(recipient, event.occurredAt, event.id), kind: 'event', recipient, event, ttl: eventExpiry(event.occurredAt) },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  }));
}

/** Writes events on their own, in one transaction (tests and benchmarks; a change writes eventPuts with its own items). */
export async function writeEvents(events: readonly AddressedEvent[]): Promise<void> {
  if (events.length > 0) await dynamo().send(new TransactWriteCommand({ TransactItems: eventPuts(events) }));
}
