import { BatchGetCommand } from './ddb.ts';
import { config, dynamo } from './config.ts';
import type { Key } from './keys.ts';

/**
 * Items by key with BatchGetItem, the one way the store reads many items at once: 100 keys a
 * call (duplicates asked once, as DynamoDB requires), keys DynamoDB leaves unprocessed asked
 * again after a growing wait. A key with no item is simply absent from the answer, which comes
 * in no particular order.
 */
export async function batchGet(wanted: readonly Key[], opts: { consistent?: boolean } = {}): Promise<Record<string, unknown>[]> {
  const unique = [...new Map(wanted.map((k) => [`${k.pk}\u0000${k.sk}`, { pk: k.pk, sk: k.sk }])).values()];
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < unique.length; i += 100) {
    let pending: Key[] = unique.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const out = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [config.tableName]: { Keys: pending, ...(opts.consistent ? { ConsistentRead: true } : {}) } } }),
      );
      found.push(...(out.Responses?.[config.tableName] ?? []));
      pending = (out.UnprocessedKeys?.[config.tableName]?.Keys ?? []) as Key[];
    }
  }
  return found;
}

/** The item stored at `key` among `items` (as batchGet answers them), if any. */
export const itemAt = (items: readonly Record<string, unknown>[], key: Key | undefined): Record<string, unknown> | undefined =>
  key && items.find((i) => i.pk === key.pk && i.sk === key.sk);
