import { GetCommand } from '../ddb.ts';
import { notFound } from '../../domain/errors.ts';
import type { Principal } from '../../domain/principal.ts';
import type { Allocation, AllocationSummary } from '../../domain/pool.ts';
import { dynamo } from '../config.ts';
import * as keys from '../keys.ts';
import type { Key } from '../keys.ts';
import { type Page } from '../paging.ts';
import { queryAll } from '../query.ts';
import { ownerFor, pageOwnOrAll, record, recordOf, table, type PoolReader, type TransactItem } from './records.ts';

/**
 * Allocations: a child's time in a pooled bed, keyed under the authority it is for. Reads and
 * lists here; allocating is ./allocate.ts, ending and stepping down ./end.ts.
 */

function allocationKey(who: Principal, id: string): Key | undefined {
  const owner = ownerFor(who, id);
  return owner ? keys.poolAllocation(owner, id) : undefined;
}

/** The allocation if `who` may see it (the authority it is for, or the programme office); otherwise undefined. */
export async function getAllocation(who: Principal, id: string, consistent = false): Promise<Allocation | undefined> {
  const Key = allocationKey(who, id);
  if (!Key) return undefined;
  const { Item } = await dynamo().send(new GetCommand({ TableName: table(), Key, ConsistentRead: consistent }));
  return recordOf<Allocation>(Item);
}

/** The allocation if `who` may see it, or 404. */
export async function readAllocation(who: Principal, id: string, consistent = false): Promise<Allocation> {
  const allocation = await getAllocation(who, id, consistent);
  if (!allocation) throw notFound('No such allocation.');
  return allocation;
}

/** Own allocations for an authority, every allocation for the programme office; latest start first. The cursor is `who`'s alone. */
export function listAllocations(who: PoolReader, limit: number, cursor?: string): Promise<Page<Allocation>> {
  return pageOwnOrAll(who, 'pool-allocations', keys.poolAllocationsOf, keys.poolAllocations, limit, cursor);
}

/** Every allocation that starts on or before `to` (all others hold no night of a period ending then). */
export async function allocationsStartingBy(to: string): Promise<Allocation[]> {
  const { gsi1pk, gsi1skMax } = keys.poolAllocationsStartingBy(to);
  const items = await queryAll({
    TableName: table(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p AND gsi1sk <= :hi',
    ExpressionAttributeValues: { ':p': gsi1pk, ':hi': gsi1skMax },
  });
  return items.map((i) => record<Allocation>(i));
}

export function putAllocation(item: Allocation): TransactItem {
  return {
    Put: {
      TableName: table(),
      Item: { ...keys.poolAllocation(item.authority, item.id), ...keys.poolAllocationList(item.startDate, item.id), type: 'poolAllocation', ...item },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export const summaryOf = (a: Allocation): AllocationSummary => ({ id: a.id, requestId: a.requestId, authority: a.authority, startDate: a.startDate });
