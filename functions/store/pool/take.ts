import { GetCommand, UpdateCommand } from '../ddb.ts';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { bedNotAvailable, whyBedRefuses, type AllocationSummary, type Bed, type BedCheck, type BedState, type PoolRefusal } from '../../domain/pool.ts';
import { dynamo } from '../config.ts';
import * as keys from '../keys.ts';
import { record, table, type TransactItem } from './records.ts';

/** Taking a pooled bed (the claim an allocation takes first, then the transaction's conditions) and freeing it. */

/**
 * How long a claim on a bed holds when its holder never finishes its transaction (a Lambda that
 * timed out or crashed between the two steps): at least the Lambda timeout (29 s), so a live
 * holder is never overtaken. Safety does not depend on it: the transaction re-checks the claim.
 */
export const BED_CLAIM_MS = 30_000;

/** The bed is in service and holds no allocation. */
const BED_OPEN = 'attribute_exists(pk) AND #s = :available AND attribute_not_exists(allocation)';
/** No allocation is taking the bed at this moment (a claim that lapsed does not count). */
const UNCLAIMED = '(attribute_not_exists(#c) OR #c.#u < :now)';

/** Why a write on a bed was refused, from the bed as it stood (`{}` when absent): the domain's one explanation. */
export function bedRefused(item: Record<string, unknown> | undefined, on: BedCheck): PoolRefusal {
  const bed = item && item.pk !== undefined ? record<BedState>(item) : undefined;
  return whyBedRefuses(bed, on) ?? bedNotAvailable(undefined, on.field);
}

/**
 * Claims an open bed with one conditional write, the first thing an allocation does: under
 * contention every caller but one is refused here, on a single-item write, before reading
 * anything else and instead of each running (and failing) a four-item transaction; in DynamoDB a
 * cancelled transaction still consumes write capacity for every item. Answers the bed as
 * claimed; a bed that does not exist is a 422, one that is not free a 409 with the reason.
 *
 * A claim is made before its holder has read its request, so it may yet be released (the
 * request cancelled, the home unable to take the child): a contender that finds an open bed
 * under such a claim looks again, a few times within ~0.5 s, rather than refuse a bed that stays
 * free. Once the holder has read its request and home and found nothing in the way it marks its
 * claim firm (firmClaim), and a contender that finds a firm claim is refused at once: it would
 * only be looking at a bed that is being taken. Each look waits two to three times as long as the
 * contender's own last look took (the holder's steps to a firm claim are two such round trips:
 * its read, then the mark), so that under load, when every round trip is slow, contenders do not
 * spend the store's capacity looking.
 */
export async function claimBed(bedId: string, claimId: string, now: number): Promise<Bed> {
  const started = Date.now();
  let sent = Date.now();
  let seen = await claimOnce(bedId, claimId, now);
  for (let look = 1; seen instanceof ClaimedNow; look++) {
    // an open bed claimed this moment by another allocation that has not yet found its request
    // pending (it may turn out cancelled, and the claim be released): look again shortly, with a
    // read (a consistent GetItem costs the store about half a refused conditional write), and
    // claim again only once the bed is seen open and unclaimed
    const roundTrip = Date.now() - sent;
    const left = CLAIM_LOOK_MS - (Date.now() - started);
    if (look >= CLAIM_LOOKS || left <= 0) throw seen.refusal;
    await new Promise((r) => setTimeout(r, Math.min(left, Math.max(5, roundTrip) * (2 + Math.random()))));
    sent = Date.now();
    const { Item } = await dynamo().send(new GetCommand({ TableName: table(), Key: keys.poolBed(bedId), ConsistentRead: true }));
    const state = claimState(Item, now, claimId);
    seen = state === 'open' ? await claimOnce(bedId, claimId, now) : state;
  }
  return seen;
}

/**
 * What a look at a bed found: open with no live claim (`'open'`: try to claim it), open under a
 * claim not yet firm (ClaimedNow: look again), the bed under this allocation's own claim (the
 * Bed: a claim write that landed, though its answer was lost and the write retried), or a throw
 * of the refusal (taken, out of service, firmly claimed, absent) — the same answer a refused claim
 * write gives (claimOnce).
 */
function claimState(bed: Record<string, unknown> | undefined, now: number, claimId: string): 'open' | ClaimedNow | Bed {
  const claim = bed?.claim as { id?: string; until?: number; firm?: boolean } | undefined;
  const open = bed?.pk !== undefined && bed.status === 'available' && bed.allocation === undefined;
  if (open && claim?.id === claimId) return record<Bed>(bed!);
  if (open && (claim === undefined || Number(claim.until) < now)) return 'open';
  const refusal = bedRefused(bed, { field: 'bedId', now });
  if (open && claim!.firm !== true) return new ClaimedNow(refusal);
  throw refusal;
}

/** How many times, and for how long (ms), an allocation looks at a bed another allocation has claimed but not yet firmly. */
const CLAIM_LOOKS = 6;
const CLAIM_LOOK_MS = 500;

/**
 * The bed is open but claimed, not yet firmly, by another allocation: `refusal` is what to answer
 * if it stays so. An answer of claimOnce, not an Error: nothing is thrown, nor a stack captured,
 * for a contender that will look again.
 */
class ClaimedNow {
  constructor(readonly refusal: PoolRefusal) {}
}

/** One claim write: the bed as claimed, ClaimedNow, or a throw (the refusal, or the store's error). */
async function claimOnce(bedId: string, claimId: string, now: number): Promise<Bed | ClaimedNow> {
  try {
    const { Attributes } = await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.poolBed(bedId),
        UpdateExpression: 'SET #c = :c',
        ConditionExpression: `${BED_OPEN} AND ${UNCLAIMED}`,
        ExpressionAttributeNames: { '#s': 'status', '#c': 'claim', '#u': 'until' },
        ExpressionAttributeValues: { ':available': 'available', ':now': now, ':c': { id: claimId, until: now + BED_CLAIM_MS } },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return record<Bed>(Attributes!);
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    const bed = e.Item ? unmarshall(e.Item) : undefined;
    const state = claimState(bed, now, claimId);
    // refused, yet the bed as it stood was open and unclaimed: it changed between the condition
    // and the answer (a claim released that moment); looked at again, as under a claim not yet firm
    return state === 'open' ? new ClaimedNow(bedRefused(bed, { field: 'bedId', now })) : state;
  }
}

/**
 * Marks a claim firm: its holder has read its request pending and the bed's home able to take
 * the child, so only the transaction is left (contenders are then refused without looking again).
 * A claim that is no longer ours is left alone: the transaction re-checks it and refuses.
 */
export const firmClaim = (bedId: string, claimId: string): Promise<void> => onOwnClaim(bedId, claimId, 'SET #c.firm = :t', { ':t': true });

/** Gives up a claim that did not become an allocation (only while it is still ours). */
export const releaseClaim = (bedId: string, claimId: string): Promise<void> => onOwnClaim(bedId, claimId, 'REMOVE #c');

/** One update of the bed while `claimId` is its claim; nothing when it no longer is. */
async function onOwnClaim(bedId: string, claimId: string, UpdateExpression: string, values: Record<string, unknown> = {}): Promise<void> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.poolBed(bedId),
        UpdateExpression,
        ConditionExpression: '#c.id = :claim',
        ExpressionAttributeNames: { '#c': 'claim' },
        ExpressionAttributeValues: { ':claim': claimId, ...values },
      }),
    );
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
  }
}

/**
 * Takes a free bed for an allocation, in a transaction: available, holding none, free by
 * `startDate`, and either claimed by this allocation (`claimId`) or under no live claim.
 */
export function takeBed(bedId: string, summary: AllocationSummary, claimId: string | undefined, now: number): TransactItem {
  const claimed = claimId !== undefined;
  return {
    Update: {
      TableName: table(),
      Key: keys.poolBed(bedId),
      UpdateExpression: 'SET #s = :occupied, allocation = :a, version = version + :one REMOVE #c',
      ConditionExpression: `${BED_OPEN} AND availableFrom <= :start AND ${claimed ? '#c.id = :claim' : UNCLAIMED}`,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      ExpressionAttributeNames: { '#s': 'status', '#c': 'claim', ...(claimed ? {} : { '#u': 'until' }) },
      ExpressionAttributeValues: {
        ':occupied': 'occupied', ':available': 'available', ':a': summary, ':start': summary.startDate, ':one': 1,
        ...(claimed ? { ':claim': claimId } : { ':now': now }),
      },
    },
  };
}

/** Frees the bed an allocation held, from `endDate` (in the allocation's ending transaction). */
export function freeBed(bedId: string, allocationId: string, endDate: string): TransactItem {
  return {
    Update: {
      TableName: table(),
      Key: keys.poolBed(bedId),
      UpdateExpression: 'SET #s = :available, availableFrom = :end, version = version + :one REMOVE allocation',
      ConditionExpression: 'allocation.#id = :aid',
      ExpressionAttributeNames: { '#s': 'status', '#id': 'id' },
      ExpressionAttributeValues: { ':available': 'available', ':end': endDate, ':aid': allocationId, ':one': 1 },
    },
  };
}
