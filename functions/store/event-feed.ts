import { QueryCommand } from './ddb.ts';
import { settledBy, type HubEvent } from '../domain/events.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import { config, dynamo } from './config.ts';
import * as keys from './keys.ts';
import { cursorAfter, startKeyOf, type Page } from './paging.ts';

/**
 * The events feed (GET /v1/events): a recipient's own events, oldest first, from its partition of
 * the outbox (./events.ts), paged with the shared sealed cursor bound to this list and caller.
 *
 * Polling: the cursor carries the key of the last event read, so a page that read anything
 * carries a `nextCursor` — the last page too — from which later events are read; a page that read
 * nothing carries none (the caller keeps the cursor it has). Only settled events are read
 * (domain/events.ts EVENT_SETTLE_MS): a writer dates its event just before its transaction
 * commits, so a reader never passes a point behind which an earlier-dated event could still
 * appear.
 */
export async function eventsPage(recipient: Principal, limit: number, cursor: string | undefined, now: Date): Promise<Page<HubEvent>> {
  const me = principalId(recipient);
  const purpose = `events:${me}`;
  const { pk, skPrefix } = keys.eventsOf(me);
  const last = `${skPrefix}${settledBy(now)}#\uffff`;
  const start = startKeyOf(purpose, cursor);
  // a cursor at or past the settled end (clocks of two Lambdas a little apart): nothing new yet
  if (start && (typeof start.sk !== 'string' || start.pk !== pk || start.sk >= last)) return { items: [] };
  const out = await dynamo().send(new QueryCommand({
    TableName: config.tableName,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
    ExpressionAttributeValues: { ':pk': pk, ':first': skPrefix, ':last': last },
    ConsistentRead: true,
    Limit: limit,
    ...(start ? { ExclusiveStartKey: { pk: start.pk, sk: start.sk } } : {}),
  }));
  const items = out.Items ?? [];
  const lastRead = items.at(-1);
  const nextCursor = cursorAfter(purpose, out.LastEvaluatedKey ?? (lastRead ? { pk: lastRead.pk, sk: lastRead.sk } : undefined));
  return { items: items.map((i) => i.event as HubEvent), ...(nextCursor ? { nextCursor } : {}) };
}
