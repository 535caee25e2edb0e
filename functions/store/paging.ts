import { QueryCommand, type QueryCommandInput } from './ddb.ts';
import { dynamo } from './config.ts';
import { openCursor, sealCursor } from './cursor.ts';
import { badCursor } from '../domain/errors.ts';

/**
 * The one way the store pages a DynamoDB Query. Every list the API answers goes through
 * `queryPage`: the next page's start key travels inside a sealed cursor (./cursor.ts) bound to
 * the list's `purpose` — which names the list and the caller, e.g. `pool-requests:authority:essex`
 * — so a cursor the hub did not issue, or issued for another caller or list, is a 400 before
 * DynamoDB ever sees it. Work that needs every item (jobs, reports) uses `queryAll`/`queryPages`
 * from ./query.ts, which carries no cursor (so the authorizer's bundle holds no cursor secret).
 */

type Item = Record<string, unknown>;
export type StartKey = Record<string, unknown>;

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** The start key a cursor carries; 400 naming `cursor` when it is not one this list issued. */
export function startKeyOf(purpose: string, cursor: string | undefined): StartKey | undefined {
  if (cursor === undefined) return undefined;
  const payload = openCursor<{ k?: unknown }>(purpose, cursor);
  const k = payload?.k;
  if (!k || typeof k !== 'object' || Array.isArray(k)) throw badCursor();
  return k as StartKey;
}

/** A sealed cursor carrying the key the next page starts after (none when the list is at its end). */
export function cursorAfter(purpose: string, lastKey: StartKey | undefined): string | undefined {
  return lastKey ? sealCursor(purpose, { k: lastKey }) : undefined;
}

/**
 * One page of a Query: at most `limit` items mapped by `map`, and a cursor for the rest. Items
 * `map` drops (returns undefined) still advance the page; callers that filter use a
 * FilterExpression or page again.
 */
export async function queryPage<T>(
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  opts: { purpose: string; limit: number; cursor: string | undefined; map: (item: Item) => T | undefined },
): Promise<Page<T>> {
  const out = await dynamo().send(new QueryCommand({ ...input, Limit: opts.limit, ExclusiveStartKey: startKeyOf(opts.purpose, opts.cursor) }));
  const items = (out.Items ?? []).flatMap((i) => {
    const mapped = opts.map(i);
    return mapped === undefined ? [] : [mapped];
  });
  const nextCursor = cursorAfter(opts.purpose, out.LastEvaluatedKey);
  return { items, ...(nextCursor ? { nextCursor } : {}) };
}
