import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand } from './ddb.ts';
import { badRequest, conflict, notFound } from '../domain/errors.ts';
import { ownerOfPlacementId, type DeliveredNotice, type Placement } from '../domain/placement-record.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import type { AuthoritySlug } from '../domain/reference/authorities.ts';
import { config, dynamo } from './config.ts';
import * as keys from './keys.ts';
import { queryPage, type Page } from './paging.ts';
import { placementRecords, UNSENT_NOTICE_DUE } from './placement-record.ts';
import { activeAllocation, stayEndWrites } from './pool/stay.ts';
import { queryAll } from './query.ts';
import { addressed, authorityRecipient } from '../domain/events.ts';
import { eventPuts } from './events.ts';
import { newId } from './ids.ts';

/**
 * Placements once they exist (CONTRACT.md "Offers and placements"): creating one on its own (a
 * test fixture, a pool allocation's step), reading, listing, approving, recording a notice as
 * sent, ending, and the full reads the SSDA903 export and the overdue list need. Key shapes:
 * keys.ts, "placements". The rules are functions/domain/placement-record.ts.
 */

/** A new placement id, `plc_<slug>_<time><random>` (the programme office reads the owner from it), and a notice id. */
export { newNoticeId, newPlacementId } from './ids.ts';

/**
 * Writes a new placement — its record and every notice it delivered to a host — in one
 * transaction, conditioned on none of them existing. 409 when the placement id is taken.
 * (An accepted offer writes `placementRecords` inside its own, larger transaction.)
 */
export async function createPlacement(p: Placement): Promise<Placement> {
  const items = placementRecords(p);
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: items.map((Item) => ({ Put: { TableName: config.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } })),
      }),
    );
  } catch (e) {
    if (e instanceof TransactionCanceledException && e.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) {
      throw conflict(`Placement ${p.id} already exists.`);
    }
    throw e;
  }
  return p;
}

// ---------------------------------------------------------------- reading

const STORED = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type', 'ttl', 'rev', UNSENT_NOTICE_DUE]);
type Item = Record<string, unknown>;

/** A stored placement item as its record (storage attributes dropped). */
const placementOf = (item: Item): Placement => Object.fromEntries(Object.entries(item).filter(([k]) => !STORED.has(k))) as unknown as Placement;
const noticeOf = (item: Item): DeliveredNotice => Object.fromEntries(Object.entries(item).filter(([k]) => !STORED.has(k))) as unknown as DeliveredNotice;

/** Who reads placements: the placing authority its own; the programme office every one; a provider those in its homes. */
async function getItem(who: Principal, id: string, consistent: boolean): Promise<Item | undefined> {
  const owner = who.kind === 'authority' ? who.id : ownerOfPlacementId(id);
  if (!owner) return undefined;
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.placement(owner, id), ConsistentRead: consistent }));
  if (!Item || Item.type !== 'placement') return undefined;
  if (who.kind === 'provider' && Item.homeOwner !== principalId(who)) return undefined;
  return Item;
}

/** The placement if `who` may read it (its authority, the programme office, the provider whose home it is in), else 404. */
export async function readPlacement(who: Principal, id: string, consistent = false): Promise<Placement> {
  const item = await getItem(who, id, consistent);
  if (!item) throw notFound('No such placement.');
  return placementOf(item);
}

export interface PlacementFilter {
  status?: Placement['status'];
  /** Only placements with a notice not sent and due before `today`. */
  noticeOverdue?: boolean;
  /** Today in Europe/London. */
  today: string;
}

/** The filter as a DynamoDB FilterExpression (empty when none). */
function filterOf(f: PlacementFilter): { FilterExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Item } {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Item = {};
  if (f.status) {
    parts.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = f.status;
  }
  if (f.noticeOverdue) {
    parts.push('#due < :today');
    names['#due'] = UNSENT_NOTICE_DUE;
    values[':today'] = f.today;
  }
  return parts.length ? { FilterExpression: parts.join(' AND '), ExpressionAttributeNames: names, ExpressionAttributeValues: values } : {};
}

/** The Query of `who`'s placements, newest first: an authority's partition, the region's index (programme office), a home owner's index (provider). */
function placementsQuery(who: Principal, f: PlacementFilter) {
  const filter = filterOf(f);
  const values = filter.ExpressionAttributeValues ?? {};
  const common = { TableName: config.tableName, ScanIndexForward: false, ...filter };
  if (who.kind === 'authority') {
    const { pk, skPrefix } = keys.placementsOf(who.id);
    return { ...common, KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ...values, ':p': pk, ':s': skPrefix } };
  }
  if (who.kind === 'programme-office') {
    return { ...common, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ...values, ':p': keys.placementOfRegion().gsi2pk } };
  }
  return { ...common, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ...values, ':p': keys.placementByHomeOwner(principalId(who)).gsi1pk } };
}

/**
 * One page of `who`'s placements, newest first. A provider may not filter on notices (it never
 * sees them): 400. The cursor is sealed to the caller and the filter.
 */
export function listPlacements(who: Principal, f: PlacementFilter, limit: number, cursor: string | undefined): Promise<Page<Placement>> {
  if (who.kind === 'provider' && f.noticeOverdue) throw badRequest('The query is not valid.', [{ path: 'noticeOverdue', message: 'not available to a provider' }]);
  const purpose = `placements:${principalId(who)}:${f.status ?? ''}:${f.noticeOverdue ? `overdue@${f.today}` : ''}`;
  return queryPage(placementsQuery(who, f), { purpose, limit, cursor, map: placementOf });
}

/** Every placement of an authority, or of the region without one (the SSDA903 export, the overdue list). */
export async function allPlacements(authority: AuthoritySlug | undefined, f: PlacementFilter): Promise<Placement[]> {
  const who: Principal = authority ? { kind: 'authority', id: authority } : { kind: 'programme-office' };
  return (await queryAll(placementsQuery(who, f))).map(placementOf);
}

/** One page of the reg 13(4) notices the hub delivered to this host authority, newest first. */
export function listDeliveredNotices(host: Principal & { kind: 'authority' }, limit: number, cursor: string | undefined): Promise<Page<DeliveredNotice>> {
  const { pk, skPrefix } = keys.deliveredNoticesOf(host.id);
  return queryPage(
    { TableName: config.tableName, KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': pk, ':s': skPrefix }, ScanIndexForward: false },
    { purpose: `notices:${principalId(host)}`, limit, cursor, map: noticeOf },
  );
}

// ---------------------------------------------------------------- changing

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** Changes that lose a race are tried again (re-read, re-judged) this often. */
const ATTEMPTS = 8;

/**
 * The write of a placement's change (`after`, from a pure transition of domain/placement-record.ts),
 * only if nobody changed the placement since it was read at revision `rev` (0: never changed):
 * every change of a placement goes through it, so two racing changes never both land.
 */
export function placementChange(after: Placement, rev: number): TransactItem {
  return {
    Put: {
      TableName: config.tableName,
      Item: { ...placementRecords(after)[0], rev: rev + 1 },
      ConditionExpression: rev === 0 ? 'attribute_exists(pk) AND attribute_not_exists(rev)' : 'rev = :rev',
      ...(rev === 0 ? {} : { ExpressionAttributeValues: { ':rev': rev } }),
    },
  };
}

/** The placement `id` of `authority` as stored, with its revision (consistent read); undefined when there is none. */
export async function placementAt(authority: AuthoritySlug, id: string): Promise<{ placement: Placement; rev: number } | undefined> {
  const item = await getItem({ kind: 'authority', id: authority }, id, true);
  return item ? { placement: placementOf(item), rev: typeof item.rev === 'number' ? item.rev : 0 } : undefined;
}

/**
 * Applies a pure transition (domain/placement-record.ts) to the placement `who` may read, and
 * writes the result only if nobody changed the placement meanwhile (`placementChange`); when
 * someone did, reads again and judges again, so two racing approvals give one 200 and one 409,
 * and an approval racing a notice sent loses neither. `alongside` adds writes to the same
 * transaction (ending a pool placement ends its allocation); when any of them fails its
 * condition, everything is read and judged again too. 404 when `who` may not read it.
 */
export async function changePlacement(
  who: Principal,
  id: string,
  change: (p: Placement) => Placement,
  alongside?: (before: Placement, after: Placement) => Promise<TransactItem[]>,
): Promise<Placement> {
  for (let attempt = 1; ; attempt++) {
    const item = await getItem(who, id, true);
    if (!item) throw notFound('No such placement.');
    const before = placementOf(item);
    const after = change(before);
    const write = placementChange(after, typeof item.rev === 'number' ? item.rev : 0);
    const also = alongside ? await alongside(before, after) : [];
    try {
      if (also.length) await dynamo().send(new TransactWriteCommand({ TransactItems: [write, ...also] }));
      else await dynamo().send(new PutCommand(write.Put!));
      return after;
    } catch (e) {
      const raced = e instanceof ConditionalCheckFailedException
        || (e instanceof TransactionCanceledException && e.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict'));
      if (!raced) throw e;
      if (attempt >= ATTEMPTS) throw conflict('Others were changing this placement at the same moment; try again.');
    }
  }
}

/**
 * Ends the placement `who` may read by `change` (domain/placement-record.ts `endedPlacement`).
 * A pool placement's allocation, while active, ends in the same transaction and its bed is free
 * again from the end date (./pool/stay.ts, the writes the pool's own end makes too), so the
 * pool's ledger and the placement agree whichever route ended the stay.
 */
export function endPlacement(who: Principal, id: string, change: (p: Placement) => Placement, httpRequestId: string): Promise<Placement> {
  return changePlacement(who, id, change, async (before, after) => {
    const allocation = before.allocationId ? await activeAllocation(before.authority, before.allocationId) : undefined;
    if (!allocation) return [];
    const now = new Date();
    const end = { endDate: after.endDate!, by: after.by, at: now.toISOString(), httpRequestId };
    return [
      ...stayEndWrites(allocation, after.reasonPlaceChange ? { ...end, reason: after.reasonPlaceChange } : end),
      ...eventPuts(addressed('allocation.ended', allocation.id, [authorityRecipient(allocation.authority)], now, () => newId())),
    ];
  });
}
