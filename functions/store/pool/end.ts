import { byOf, type By, type Principal } from '../../domain/principal.ts';
import { newPlacementId } from '../ids.ts';
import {
  allocationNotActive, allocationPlacement, endRefusal, PoolRefusal, stepDownRefusal, type Allocation, type Bed, type PoolRequest,
} from '../../domain/pool.ts';
import { endedPlacement, type PlacedHome } from '../../domain/placement-record.ts';
import type { ReasonPlaceChange } from '../../../schemas/codes.ts';
import { addressed, authorityRecipient } from '../../domain/events.ts';
import { batchGet, itemAt } from '../batch-get.ts';
import { eventPuts } from '../events.ts';
import * as keys from '../keys.ts';
import { putAllocation, readAllocation, summaryOf } from './allocations.ts';
import { placementAt, placementChange } from '../placements.ts';
import { auditPut } from './audit.ts';
import { getPlacedHome, putPlacement } from './placements.ts';
import { stayEndWrites } from './stay.ts';
import { bedRefused, takeBed } from './take.ts';
import { newId, recordOf, transact, type Failures, type TransactItems } from './records.ts';

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

/** The placement changed between its read and the ending transaction: read both again and judge again. */
class PlacementRaced extends PoolRefusal {
  constructor() {
    super('conflict', 'contended', 'id', "Others were changing the allocation's placement at the same moment; try again.");
  }
}

/** Ending transactions that lose a race to a change of the placement are tried again (re-read, re-judged) this often. */
const ATTEMPTS = 8;

/**
 * Ends an active allocation in one transaction: the allocation records the end date and the
 * SSDA903 reason, the bed it held becomes available from the end date, an audit entry is
 * written (./stay.ts, the writes POST /v1/placements/{id}/end makes for a pool placement too),
 * and the allocation's placement ends (domain `endedPlacement`: REC X1 with the end's reason as
 * REASON_PLACE_CHANGE; one ended already keeps its end); with `stepDownTo`, the move-on bed is
 * taken and the child's new allocation and placement written in the same transaction, so the
 * child is never without a bed nor in two; `allocation.ended` (and a step-down's
 * `allocation.created`) to the authority in the same transaction.
 */
export async function endAllocation(input: EndInput): Promise<{ ended: Allocation; stepDown?: Allocation }> {
  for (let attempt = 1; ; attempt++) {
    const { allocation, target } = await checkEnd(input);
    const stored = allocation.placementId ? await placementAt(allocation.authority, allocation.placementId) : undefined;
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
    const items: TransactItems = stayEndWrites(allocation, { endDate, reason, by: actor, at, httpRequestId: input.httpRequestId, ...(next ? { steppedDownTo: next.id } : {}) });
    if (next && target) {
      const placement = allocationPlacement({
        id: next.placementId!, noticeId: `ntc_${newId(now.getTime())}`, allocation: next, bed: target.bed, request: target.request, home: target.home,
        stepDown: true, by: actor, now,
      });
      const common = { ...actor, requestId: allocation.requestId, authority: allocation.authority, httpRequestId: input.httpRequestId };
      items.push(
        takeBed(next.bedId, summaryOf(next), undefined, now.getTime()),
        putAllocation(next),
        auditPut(next.bedId, { action: 'pool.step-down', ...common, allocationId: next.id, placementId: next.placementId, steppedDownFrom: allocation.id, startDate: next.startDate }, at),
        ...putPlacement(placement),
      );
    }
    // last, so the items above keep their places: the allocation's placement (none on an allocation made before allocations became placements)
    const placementEnd = stored && stored.placement.status !== 'ended'
      ? placementChange(endedPlacement(stored.placement, { endDate, reasonEpisodeCeased: 'X1', reasonPlaceChange: reason }, actor), stored.rev)
      : undefined;
    if (placementEnd) items.push(placementEnd);
    const placementAtIndex = items.length - 1;
    // after every other item, so their places hold: allocation.ended (and a step-down's allocation.created) to the authority
    items.push(...eventPuts([
      ...addressed('allocation.ended', allocation.id, [authorityRecipient(allocation.authority)], now, () => newId()),
      ...(next ? addressed('allocation.created', next.id, [authorityRecipient(next.authority)], now, () => newId()) : []),
    ]));
    const refusal = (failed: Failures) => {
      if (failed[0] || failed[1]) return allocationNotActive();
      if (placementEnd && failed[placementAtIndex]) return new PlacementRaced();
      if (next && failed[3]) return bedRefused(failed[3], { field: 'stepDownTo', now: now.getTime(), startDate: endDate, moveOn: true });
      return new PoolRefusal('conflict', 'allocation-exists', 'stepDownTo', 'This allocation was already written.');
    };
    try {
      await transact(items, refusal);
      return next ? { ended, stepDown: next } : { ended };
    } catch (e) {
      if (!(e instanceof PlacementRaced) || attempt >= ATTEMPTS) throw e;
    }
  }
}
