import { GetCommand } from '../ddb.ts';
import type { Allocation } from '../../domain/pool.ts';
import type { By } from '../../domain/principal.ts';
import type { AuthoritySlug } from '../../domain/reference/authorities.ts';
import type { ReasonPlaceChange } from '../../../schemas/codes.ts';
import { dynamo } from '../config.ts';
import * as keys from '../keys.ts';
import { auditPut } from './audit.ts';
import { record, table, type TransactItem } from './records.ts';
import { freeBed } from './take.ts';

/**
 * The end of a child's stay in a pooled bed: the writes both ways of ending it put in their one
 * transaction — POST /v1/pool/allocations/{id}/end (./end.ts) and POST /v1/placements/{id}/end on
 * a pool placement (../placements.ts `endPlacement`). Each adds the placement's own end, the
 * domain's `endedPlacement` written by ../placements.ts `placementChange`.
 */

export interface StayEnd {
  endDate: string;
  /** The SSDA903 reason for the change, when there is one (a placement ended with another REC may have none). */
  reason?: ReasonPlaceChange;
  /** Who ended it: the organisation, and the person where one acted. */
  by: By;
  at: string;
  httpRequestId: string;
  /** The allocation the child steps down into, in the same transaction. */
  steppedDownTo?: string;
}

/**
 * The allocation (while still active) records the end date, reason and who ended it; the bed it
 * held is available again from the end date; a write-once audit entry on the bed's trail. The
 * allocation's Update comes first and the bed's second (./end.ts reads refusals by position).
 */
export function stayEndWrites(allocation: Allocation, end: StayEnd): TransactItem[] {
  const { endDate, reason, by, at, steppedDownTo } = end;
  const set = ['#s = :ended', 'endDate = :end', 'endedAt = :at', 'endedBy = :by', '#by = :actor'];
  const values: Record<string, unknown> = { ':ended': 'ended', ':active': 'active', ':end': endDate, ':at': at, ':by': by.principal, ':actor': by };
  if (reason !== undefined) (set.push('reason = :reason'), (values[':reason'] = reason));
  if (steppedDownTo !== undefined) (set.push('steppedDownTo = :next'), (values[':next'] = steppedDownTo));
  return [
    {
      Update: {
        TableName: table(),
        Key: keys.poolAllocation(allocation.authority, allocation.id),
        UpdateExpression: `SET ${set.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk) AND #s = :active',
        ExpressionAttributeNames: { '#s': 'status', '#by': 'by' },
        ExpressionAttributeValues: values,
      },
    },
    freeBed(allocation.bedId, allocation.id, endDate),
    auditPut(
      allocation.bedId,
      {
        action: 'pool.end', ...by, requestId: allocation.requestId, authority: allocation.authority, httpRequestId: end.httpRequestId,
        allocationId: allocation.id, placementId: allocation.placementId, endDate, ...(reason !== undefined ? { reason } : {}),
      },
      at,
    ),
  ];
}

/** The allocation `id` of `authority` while it is active (consistent read); undefined otherwise. */
export async function activeAllocation(authority: AuthoritySlug, id: string): Promise<Allocation | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: table(), Key: keys.poolAllocation(authority, id), ConsistentRead: true }));
  return Item?.status === 'active' ? record<Allocation>(Item) : undefined;
}
