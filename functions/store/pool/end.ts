import { byOf, type By, type Principal } from '../../domain/principal.ts';
import { newPlacementId } from '../ids.ts';
import {
  allocationNotActive, allocationPlacement, endRefusal, PoolRefusal, stepDownRefusal, type Allocation, type Bed, type PoolRequest,
} from '../../domain/pool.ts';
import type { PlacedHome } from '../../domain/placement-record.ts';
import type { ReasonPlaceChange } from '../../../schemas/codes.ts';
import { batchGet, itemAt } from '../batch-get.ts';
import * as keys from '../keys.ts';
import { putAllocation, readAllocation, summaryOf } from './allocations.ts';
import { auditPut } from './audit.ts';
import { endPlacement, getPlacedHome, putPlacement } from './placements.ts';
import { bedRefused, freeBed, takeBed } from './take.ts';
import { newId, recordOf, table, transact, type Failures, type TransactItems } from './records.ts';

/**
 * Ending an allocation, and stepping the child down into a move-on bed in the same transaction;
 * the allocation's placement ends with it, and a step-down's placement starts the same day.
 */

export interface EndInput {
  /** The authority the allocation is for, or the programme office: anyone else finds nothing (404). */
  who: Principal;
  /** Who is acting, recorded on the allocations and placements it changes (by default `who`'s organisation, no person). */
  by?: By;
  id: string;
  endDate: string;
  reason: ReasonPlaceChange;
  /** A move-on bed the child moves into on endDate, in the same transaction. */
  stepDownTo?: string;
  httpRequestId: string;
  now?: Date;
}

/** What a step-down moves the child into: the move-on bed, the child's request and the bed's home. */
interface StepDownTarget {
  bed: Bed;
  request: PoolRequest;
  home: PlacedHome;
}

/**
 * The rules an end (and a step-down) must pass before its transaction, with what they need read:
 * the allocation (404 if `who` may not see it), then for a step-down the target bed and the
 * child's request in one consistent round trip and the bed's home.
 */
async function checkEnd(input: EndInput): Promise<{ allocation: Allocation; target?: StepDownTarget }> {
  const allocation = await readAllocation(input.who, input.id, true);
  const refusal = endRefusal(allocation, input.endDate);
  if (refusal) throw refusal;
  if (input.stepDownTo === undefined) return { allocation };
  const bedAt = keys.poolBed(input.stepDownTo);
  const requestAt = keys.poolRequest(allocation.authority, allocation.requestId);
  const found = await batchGet([bedAt, requestAt], { consistent: true });
  const bed = recordOf<Bed>(itemAt(found, bedAt));
  const request = recordOf<PoolRequest>(itemAt(found, requestAt));
  const home = bed ? await getPlacedHome(bed.homeUrn) : undefined;
  const why = stepDownRefusal(allocation.bedId, bed, request?.child, home, input.endDate);
  if (why) throw why;
  if (!bed || !request) throw new Error('unreachable: stepDownRefusal refuses an unknown bed, and an allocation keeps its request');
  if (!home) throw new PoolRefusal('unprocessable', 'unknown home', 'stepDownTo', "The move-on bed's home is not in the hub, so the placement cannot be recorded.");
  return { allocation, target: { bed, request, home } };
}

/** The ending transaction found the allocation's placement ended already (through the placements routes): it keeps that end. */
class PlacementEndedAlready extends PoolRefusal {
  constructor() {
    super('conflict', 'placement-ended', 'id', "The allocation's placement was ended already.");
  }
}

/**
 * Ends an active allocation in one transaction: the allocation records the end date and the
 * SSDA903 reason, the bed it held becomes available from the end date, an audit entry is
 * written; with `stepDownTo`, the move-on bed is taken and the child's new allocation written
 * in the same transaction, so the child is never without a bed nor in two.
 */
export async function endAllocation(input: EndInput): Promise<{ ended: Allocation; stepDown?: Allocation }> {
  const { allocation, target } = await checkEnd(input);
  const now = input.now ?? new Date();
  const at = now.toISOString();
  const { endDate, reason } = input;
  const actor = input.by ?? byOf(input.who);
  const by = actor.principal;
  const next: Allocation | undefined = target
    ? {
        id: `alc_${allocation.authority}_${newId(now.getTime())}`, requestId: allocation.requestId, bedId: target.bed.id, authority: allocation.authority,
        startDate: endDate, status: 'active', steppedDownFrom: allocation.id, placementId: newPlacementId(allocation.authority, now.getTime()),
        createdAt: at, createdBy: by, by: actor,
      }
    : undefined;
  const ended: Allocation = { ...allocation, status: 'ended', endDate, reason, endedAt: at, endedBy: by, by: actor, ...(next ? { steppedDownTo: next.id } : {}) };
  const common = { ...actor, requestId: allocation.requestId, authority: allocation.authority, httpRequestId: input.httpRequestId };
  const items: TransactItems = [
    {
      Update: {
        TableName: table(),
        Key: keys.poolAllocation(allocation.authority, allocation.id),
        UpdateExpression: `SET #s = :ended, endDate = :end, reason = :reason, endedAt = :at, endedBy = :by, #by = :actor${next ? ', steppedDownTo = :next' : ''}`,
        ConditionExpression: 'attribute_exists(pk) AND #s = :active',
        ExpressionAttributeNames: { '#s': 'status', '#by': 'by' },
        ExpressionAttributeValues: { ':ended': 'ended', ':active': 'active', ':end': endDate, ':reason': reason, ':at': at, ':by': by, ':actor': actor, ...(next ? { ':next': next.id } : {}) },
      },
    },
    freeBed(allocation.bedId, allocation.id, endDate),
    auditPut(allocation.bedId, { action: 'pool.end', ...common, allocationId: allocation.id, placementId: allocation.placementId, endDate, reason }, at),
  ];
  if (next && target) {
    const placement = allocationPlacement({
      id: next.placementId!, noticeId: `ntc_${newId(now.getTime())}`, allocation: next, bed: target.bed, request: target.request, home: target.home,
      stepDown: true, by: actor, now,
    });
    items.push(
      takeBed(next.bedId, summaryOf(next), undefined, now.getTime()),
      putAllocation(next),
      auditPut(next.bedId, { action: 'pool.step-down', ...common, allocationId: next.id, placementId: next.placementId, steppedDownFrom: allocation.id, startDate: next.startDate }, at),
      ...putPlacement(placement),
    );
  }
  // last, so the items above keep their places: the allocation's placement (none on an allocation made before allocations became placements)
  const placementEnd = allocation.placementId ? endPlacement(allocation.authority, allocation.placementId, endDate, reason, actor) : undefined;
  const refusal = (failed: Failures) => {
    if (failed[0] || failed[1]) return allocationNotActive();
    if (placementEnd && failed[items.length]) return new PlacementEndedAlready();
    if (next && failed[3]) return bedRefused(failed[3], { field: 'stepDownTo', now: now.getTime(), startDate: endDate, moveOn: true });
    return new PoolRefusal('conflict', 'allocation-exists', 'stepDownTo', 'This allocation was already written.');
  };
  try {
    await transact(placementEnd ? [...items, placementEnd] : items, refusal);
  } catch (e) {
    if (!(e instanceof PlacementEndedAlready)) throw e;
    await transact(items, refusal); // the placement keeps the end it was given; the allocation and its bed end now
  }
  return next ? { ended, stepDown: next } : { ended };
}
