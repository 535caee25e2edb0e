import { principalId, type Principal } from '../../domain/principal.ts';
import { allocationNotActive, endRefusal, PoolRefusal, stepDownRefusal, type Allocation, type Bed, type PoolRequest } from '../../domain/pool.ts';
import type { ReasonPlaceChange } from '../../../schemas/codes.ts';
import { batchGet, itemAt } from '../batch-get.ts';
import { getHome } from '../homes.ts';
import * as keys from '../keys.ts';
import { putAllocation, readAllocation, summaryOf } from './allocations.ts';
import { auditPut } from './audit.ts';
import { bedRefused, freeBed, takeBed } from './take.ts';
import { newId, recordOf, table, transact, type TransactItems } from './records.ts';

/** Ending an allocation, and stepping the child down into a move-on bed in the same transaction. */

export interface EndInput {
  /** The authority the allocation is for, or the programme office: anyone else finds nothing (404). */
  who: Principal;
  id: string;
  endDate: string;
  reason: ReasonPlaceChange;
  /** A move-on bed the child moves into on endDate, in the same transaction. */
  stepDownTo?: string;
  httpRequestId: string;
  now?: Date;
}

/**
 * The rules an end (and a step-down) must pass before its transaction, with what they need read:
 * the allocation (404 if `who` may not see it), then for a step-down the target bed and the
 * child's request in one consistent round trip and the bed's home.
 */
async function checkEnd(input: EndInput): Promise<Allocation> {
  const allocation = await readAllocation(input.who, input.id, true);
  const refusal = endRefusal(allocation, input.endDate);
  if (refusal) throw refusal;
  if (input.stepDownTo !== undefined) {
    const bedAt = keys.poolBed(input.stepDownTo);
    const requestAt = keys.poolRequest(allocation.authority, allocation.requestId);
    const found = await batchGet([bedAt, requestAt], { consistent: true });
    const target = recordOf<Bed>(itemAt(found, bedAt));
    const request = recordOf<PoolRequest>(itemAt(found, requestAt));
    const home = target ? await getHome(target.homeUrn) : undefined;
    const why = stepDownRefusal(allocation.bedId, target, request?.child, home, input.endDate);
    if (why) throw why;
  }
  return allocation;
}

/**
 * Ends an active allocation in one transaction: the allocation records the end date and the
 * SSDA903 reason, the bed it held becomes available from the end date, an audit entry is
 * written; with `stepDownTo`, the move-on bed is taken and the child's new allocation written
 * in the same transaction, so the child is never without a bed nor in two.
 */
export async function endAllocation(input: EndInput): Promise<{ ended: Allocation; stepDown?: Allocation }> {
  const allocation = await checkEnd(input);
  const now = input.now ?? new Date();
  const at = now.toISOString();
  const { endDate, reason, stepDownTo } = input;
  const by = principalId(input.who);
  const next: Allocation | undefined = stepDownTo
    ? {
        id: `alc_${allocation.authority}_${newId(now.getTime())}`, requestId: allocation.requestId, bedId: stepDownTo, authority: allocation.authority,
        startDate: endDate, status: 'active', steppedDownFrom: allocation.id, createdAt: at, createdBy: by,
      }
    : undefined;
  const ended: Allocation = { ...allocation, status: 'ended', endDate, reason, endedAt: at, endedBy: by, ...(next ? { steppedDownTo: next.id } : {}) };
  const common = { principal: by, requestId: allocation.requestId, authority: allocation.authority, httpRequestId: input.httpRequestId };
  const items: TransactItems = [
    {
      Update: {
        TableName: table(),
        Key: keys.poolAllocation(allocation.authority, allocation.id),
        UpdateExpression: `SET #s = :ended, endDate = :end, reason = :reason, endedAt = :at, endedBy = :by${next ? ', steppedDownTo = :next' : ''}`,
        ConditionExpression: 'attribute_exists(pk) AND #s = :active',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':ended': 'ended', ':active': 'active', ':end': endDate, ':reason': reason, ':at': at, ':by': by, ...(next ? { ':next': next.id } : {}) },
      },
    },
    freeBed(allocation.bedId, allocation.id, endDate),
    auditPut(allocation.bedId, { action: 'pool.end', ...common, allocationId: allocation.id, endDate, reason }, at),
  ];
  if (next) {
    items.push(
      takeBed(next.bedId, summaryOf(next), undefined, now.getTime()),
      putAllocation(next),
      auditPut(next.bedId, { action: 'pool.step-down', ...common, allocationId: next.id, steppedDownFrom: allocation.id, startDate: next.startDate }, at),
    );
  }
  await transact(items, (failed) => {
    if (failed[0] || failed[1]) return allocationNotActive();
    if (failed[3]) return bedRefused(failed[3], { field: 'stepDownTo', now: now.getTime(), startDate: endDate, moveOn: true });
    return new PoolRefusal('conflict', 'allocation-exists', 'stepDownTo', 'This allocation was already written.');
  });
  return next ? { ended, stepDown: next } : { ended };
}
