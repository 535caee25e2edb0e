import { GetCommand, PutCommand, UpdateCommand } from '../ddb.ts';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { badCursor, notFound } from '../../domain/errors.ts';
import type { Principal } from '../../domain/principal.ts';
import { PoolRefusal, requestNotPending, type NewRequest, type PoolRequest } from '../../domain/pool.ts';
import { dynamo } from '../config.ts';
import * as keys from '../keys.ts';
import type { Key } from '../keys.ts';
import { openCursor, sealCursor } from '../cursor.ts';
import type { Page } from '../paging.ts';
import { queryPages } from '../query.ts';
import { URGENCIES } from '../../../schemas/codes.ts';
import { ttlAfter } from '../table.ts';
import { newId, ownerFor, pageOwnOrAll, record, recordOf, table, type PoolReader, type TransactItem } from './records.ts';

/**
 * Pool requests, keyed under the owning authority, which comes from the caller's principal (the
 * programme office, which sees all, addresses one by the owner its id carries).
 */

/** Requests carry a child's pseudonymous facts: kept two years, then removed by TTL. */
const REQUEST_RETENTION_SECONDS = 730 * 86_400;

/** The key of a request as `who` may address it: its own, or (programme office) any; undefined: none. */
export function requestKey(who: Principal, id: string): Key | undefined {
  const owner = ownerFor(who, id);
  return owner ? keys.poolRequest(owner, id) : undefined;
}

export async function createRequest(owner: Principal & { kind: 'authority' }, request: NewRequest, opts: { id?: string; now?: Date } = {}): Promise<PoolRequest> {
  const now = opts.now ?? new Date();
  const id = opts.id ?? `req_${owner.id}_${newId(now.getTime())}`;
  const item: PoolRequest = { id, authority: owner.id, ...request, status: 'pending', createdAt: now.toISOString() };
  await dynamo().send(
    new PutCommand({
      TableName: table(),
      Item: {
        ...keys.poolRequest(owner.id, id),
        ...keys.poolRequestList(item.createdAt, id),
        type: 'poolRequest',
        ...item,
        ttl: ttlAfter(REQUEST_RETENTION_SECONDS, now.getTime()),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return item;
}

/** The request if `who` may see it (its owner, or the programme office); otherwise undefined. */
export async function getRequest(who: Principal, id: string, consistent = false): Promise<PoolRequest | undefined> {
  const Key = requestKey(who, id);
  if (!Key) return undefined;
  const { Item } = await dynamo().send(new GetCommand({ TableName: table(), Key, ConsistentRead: consistent }));
  return recordOf<PoolRequest>(Item);
}

/** The request if `who` may see it, or 404. */
export async function readRequest(who: Principal, id: string): Promise<PoolRequest> {
  const request = await getRequest(who, id);
  if (!request) throw notFound('No such pool request.');
  return request;
}

/** Own requests for an authority, every request for the programme office; newest first. The cursor is `who`'s alone. */
export function listRequests(who: PoolReader, limit: number, cursor?: string): Promise<Page<PoolRequest>> {
  return pageOwnOrAll(who, 'pool-requests', keys.poolRequestsOf, keys.poolRequests, limit, cursor);
}

/** Requests evaluated per Query while the allocation board fills a page (the filter drops those no longer pending). */
const BOARD_READ = 100;

/**
 * One page of the allocation board's pending requests, for the programme office: most urgent
 * first, then oldest first (gsi1 ascending, one urgency after another), at most `limit`. The
 * cursor is sealed for the board and the caller (./cursor.ts, as ./paging.ts seals every list's):
 * it carries the urgency and the key of the last request shown, so the next page starts after it
 * however many were allocated meanwhile. A page reads until it holds `limit` + 1 pending requests
 * (or the list ends), so its cost does not grow with the board.
 */
export async function pendingRequests(who: Principal & { kind: 'programme-office' }, limit: number, cursor: string | undefined): Promise<Page<PoolRequest>> {
  const purpose = `pool-board:${who.kind}`;
  let from = { u: 0, k: undefined as Record<string, unknown> | undefined };
  if (cursor !== undefined) {
    const at = openCursor<{ u?: unknown; k?: unknown }>(purpose, cursor);
    if (typeof at?.u !== 'number' || !URGENCIES[at.u] || !at.k || typeof at.k !== 'object' || Array.isArray(at.k)) throw badCursor();
    from = { u: at.u, k: at.k as Record<string, unknown> };
  }
  const found: { u: number; item: Record<string, unknown> }[] = [];
  for (let u = from.u; u < URGENCIES.length && found.length <= limit; u++) {
    const pages = queryPages({
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      FilterExpression: '#s = :pending AND urgency = :u',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':p': keys.poolRequests().gsi1pk, ':pending': 'pending', ':u': URGENCIES[u] },
      ScanIndexForward: true,
      Limit: BOARD_READ,
      ...(u === from.u && from.k ? { ExclusiveStartKey: from.k } : {}),
    });
    for await (const items of pages) {
      found.push(...items.map((item) => ({ u, item })));
      if (found.length > limit) break;
    }
  }
  const shown = found.slice(0, limit);
  const last = shown.at(-1);
  const next = found.length > limit && last ? sealCursor(purpose, { u: last.u, k: { pk: last.item.pk, sk: last.item.sk, gsi1pk: last.item.gsi1pk, gsi1sk: last.item.gsi1sk } }) : undefined;
  return { items: shown.map(({ item }) => record<PoolRequest>(item)), ...(next ? { nextCursor: next } : {}) };
}

/** The owner cancels its pending request. Not its own → 404; no longer pending → 409. */
export async function cancelRequest(owner: Principal & { kind: 'authority' }, id: string, now = new Date()): Promise<PoolRequest> {
  try {
    const { Attributes } = await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.poolRequest(owner.id, id),
        UpdateExpression: 'SET #s = :cancelled, cancelledAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND #s = :pending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':cancelled': 'cancelled', ':pending': 'pending', ':now': now.toISOString() },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return record<PoolRequest>(Attributes!);
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    if (!e.Item) throw new PoolRefusal('not-found', 'no-such-request', 'id', 'No such pool request.');
    throw requestNotPending(`The request is ${String(unmarshall(e.Item).status ?? 'gone')}; only a pending request can be cancelled.`);
  }
}

/** The request, still pending, becomes allocated (in the allocation's transaction). */
export function markAllocated(request: Pick<PoolRequest, 'id' | 'authority'>, allocationId: string, bedId: string): TransactItem {
  return {
    Update: {
      TableName: table(),
      Key: keys.poolRequest(request.authority, request.id),
      UpdateExpression: 'SET #s = :allocated, allocationId = :id, bedId = :bed',
      ConditionExpression: 'attribute_exists(pk) AND #s = :pending AND authority = :owner',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':allocated': 'allocated', ':pending': 'pending', ':owner': request.authority, ':id': allocationId, ':bed': bedId },
    },
  };
}
