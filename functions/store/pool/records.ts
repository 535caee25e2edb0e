import { TransactWriteCommand } from '../ddb.ts';
import { TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ownerOfId, PoolRefusal } from '../../domain/pool.ts';
import { principalId, type Principal } from '../../domain/principal.ts';
import type { AuthoritySlug } from '../../domain/reference/authorities.ts';
import { config, dynamo } from '../config.ts';
import { queryPage, type Page } from '../paging.ts';

/**
 * What every part of the pooled-bed store shares: ids, reading an item back as its record, and
 * the one transaction runner whose refusals become PoolRefusals without another read.
 * Access patterns: functions/store/keys.ts, "pooled beds".
 */

export const table = () => config.tableName;

/** Time-ordered, unguessable: 9 base-36 characters of milliseconds, then 12 random hex digits. */
export { newId } from '../ids.ts';
import { newId } from '../ids.ts';

const STORED = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type', 'ttl']);

/** A stored item as its record (storage attributes dropped). */
export function record<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !STORED.has(k))) as T;
}

/** The record of an item that may be absent. */
export const recordOf = <T>(item: Record<string, unknown> | undefined): T | undefined => (item ? record<T>(item) : undefined);

export type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;
export type TransactItem = TransactItems[number];

/** Per transaction item: undefined when its condition held, else the item as it stood (`{}` when absent). */
export type Failures = (Record<string, unknown> | undefined)[];

type Reasons = Array<{ Code?: string; Item?: Record<string, AttributeValue> }>;

/** Transactions cancelled only because another one held an item are tried again this often. */
const CONFLICT_ATTEMPTS = 8;

/**
 * Runs a transaction; when DynamoDB cancels it only because another transaction held one of
 * its items (TransactionConflict), tries again after a short random wait. Any condition that
 * failed is handed to `refusal`, with the item as it stood (every conditional item asks for
 * ALL_OLD on failure), to become a PoolRefusal without another read.
 */
export async function transact(items: TransactItems, refusal: (failed: Failures) => PoolRefusal): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (e) {
      if (!(e instanceof TransactionCanceledException)) throw e;
      const reasons = (e.CancellationReasons ?? []) as Reasons;
      const failed: Failures = items.map((_, i) => (reasons[i]?.Code === 'ConditionalCheckFailed' ? unmarshall(reasons[i]!.Item ?? {}) : undefined));
      if (failed.some(Boolean)) throw refusal(failed);
      const conflicted = reasons.some((r) => r.Code === 'TransactionConflict');
      if (!conflicted) throw e;
      if (attempt >= CONFLICT_ATTEMPTS) {
        throw new PoolRefusal('conflict', 'contended', 'bedId', 'Other allocations were changing this bed or request at the same moment; try again.');
      }
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
    }
  }
}

/** Who reads pool requests and allocations: an authority (its own) or the programme office (all). */
export type PoolReader = Extract<Principal, { kind: 'authority' | 'programme-office' }>;

/**
 * The authority under whose key `who` addresses an owned item (a request or an allocation): an
 * authority always its own; the programme office the owner the id names; anyone else none.
 */
export const ownerFor = (who: Principal, id: string): AuthoritySlug | undefined =>
  who.kind === 'authority' ? who.id : who.kind === 'programme-office' ? ownerOfId(id) : undefined;

/**
 * One page of an owned list, newest first: an authority's own items (base table, its partition
 * and the sort-key prefix), or every one (gsi1) for the programme office. The cursor is bound to
 * the list and the caller, so another's, another list's or a made-up one is a 400.
 */
export function pageOwnOrAll<T>(
  who: PoolReader,
  list: string,
  own: (owner: AuthoritySlug) => { pk: string; skPrefix: string },
  all: () => { gsi1pk: string },
  limit: number,
  cursor: string | undefined,
): Promise<Page<T>> {
  const opts = { purpose: `${list}:${principalId(who)}`, limit, cursor, map: (i: Record<string, unknown>) => record<T>(i) };
  if (who.kind === 'authority') {
    const { pk, skPrefix } = own(who.id);
    return queryPage(
      { TableName: table(), KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': pk, ':s': skPrefix }, ScanIndexForward: false },
      opts,
    );
  }
  return queryPage(
    { TableName: table(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': all().gsi1pk }, ScanIndexForward: false },
    opts,
  );
}
