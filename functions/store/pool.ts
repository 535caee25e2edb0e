import { randomBytes, randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { principalId, type Principal } from '../domain/principal.ts';
import type { AuthoritySlug } from '../domain/reference/authorities.ts';
import type { NeedCode, ReasonPlaceChange, Sex, Urgency } from '../../schemas/codes.ts';
import {
  allocationNotActive, allocationRefusal, bedNotAvailable, ownerOfId, PoolRefusal, requestNotPending,
  type AllocationStatus, type BedStatus, type PoolKind, type RequestStatus,
} from '../domain/pool.ts';
import { computeLedger, type Ledger } from '../domain/ledger.ts';
import { batchGet, itemAt } from './batch-get.ts';
import { config, dynamo } from './config.ts';
import { toHome, type HomeItem } from './homes.ts';
import { keys } from './keys.ts';
import { ttlAfter } from './table.ts';

/**
 * The pooled-bed store: the only code that reads and writes beds, requests, allocations and
 * their audit entries. Requests and allocations are keyed under the owning authority, which
 * comes from the caller's principal (the programme office, which sees all, addresses them by
 * the owner their id carries). Allocation and its ending are single DynamoDB transactions
 * with conditions; their cancellation reasons become PoolRefusals (409 with a reason) here.
 *
 * Access patterns (keys in keys.ts, "pooled beds"):
 *   bed by id ............................ pk POOLBED#<id>, sk BED
 *   every bed (list, ledger, candidates) . gsi1 POOLBEDS / BED#<id>
 *   an authority's request by id ......... pk POOLREQ#<slug>, sk REQ#<id>   (slug from the caller's key;
 *                                          the programme office takes it from the id, req_<slug>_…)
 *   an authority's requests, newest first  pk POOLREQ#<slug>, begins_with REQ#
 *   every request, newest first .......... gsi1 POOLREQS / REQ#<createdAt>#<id>
 *   an authority's allocation by id ...... pk POOLALLOC#<slug>, sk ALLOC#<id>  (alc_<slug>_…)
 *   an authority's allocations ........... pk POOLALLOC#<slug>, begins_with ALLOC#
 *   allocation history by start date ..... gsi1 POOLALLOCS / ALLOC#<startDate>#<id>  (≤ to: the ledger)
 *   a bed's audit trail, in time order ... pk POOLAUDIT#<bedId>, sk AT#<iso time>#<uuid>  (write-once)
 */

/** Requests carry a child's pseudonymous facts: kept two years, then removed by TTL. */
const REQUEST_RETENTION_SECONDS = 730 * 86_400;
/** Transactions cancelled only because another one held an item are tried again this often. */
const CONFLICT_ATTEMPTS = 8;

export interface AllocationSummary {
  id: string;
  requestId: string;
  authority: AuthoritySlug;
  startDate: string;
}

export interface BedItem {
  id: string;
  homeUrn: string;
  kind: PoolKind;
  weeklyCostPence: number;
  contractRef: string;
  from: string;
  to?: string;
  shares?: Partial<Record<AuthoritySlug, number>>;
  status: BedStatus;
  availableFrom: string;
  allocation?: AllocationSummary;
  /** An allocation taking the bed at this moment (see claimBed); never shown by the API. */
  claim?: { id: string; until: number };
  createdAt: string;
  createdBy: string;
  version: number;
}

export interface PoolChildFacts {
  childRef: string;
  age: number;
  sex: Sex;
  needs: NeedCode[];
}

export interface RequestItem {
  id: string;
  authority: AuthoritySlug;
  kind: PoolKind;
  urgency: Urgency;
  neededFrom: string;
  child: PoolChildFacts;
  homeOutcode?: string;
  status: RequestStatus;
  allocationId?: string;
  createdAt: string;
}

export interface AllocationItem {
  id: string;
  requestId: string;
  bedId: string;
  authority: AuthoritySlug;
  startDate: string;
  status: AllocationStatus;
  endDate?: string;
  reason?: ReasonPlaceChange;
  steppedDownFrom?: string;
  steppedDownTo?: string;
  createdAt: string;
  createdBy: string;
  endedAt?: string;
  endedBy?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

const table = () => config.tableName;

/** Time-ordered, unguessable: 9 base-36 characters of milliseconds, then 12 random hex digits. */
export const newId = (now = Date.now()): string => `${now.toString(36).padStart(9, '0')}${randomBytes(6).toString('hex')}`;

const STORED = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type', 'ttl']);
function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  return Object.fromEntries(Object.entries(item).filter(([k]) => !STORED.has(k))) as T;
}

// ------------------------------------------------------------------ cursors

const badCursor = () => new PoolRefusal('invalid', 'invalid-cursor', 'cursor', 'The cursor is not one this list gave.');

/** A cursor holds only the sort-key values of the last item; the partition always comes from the caller. */
function encodeCursor(last: Record<string, unknown> | undefined, fields: readonly string[]): string | undefined {
  if (!last) return undefined;
  return Buffer.from(JSON.stringify(fields.map((f) => last[f]))).toString('base64url');
}

function decodeCursor(cursor: string | undefined, fields: readonly string[], fixed: Record<string, string>): Record<string, unknown> | undefined {
  if (cursor === undefined) return undefined;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(values) || values.length !== fields.length || !values.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 512)) {
    throw badCursor();
  }
  return { ...fixed, ...Object.fromEntries(fields.map((f, i) => [f, values[i]])) };
}

async function queryPage<T>(
  input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>,
  partition: Record<string, string>,
  cursorFields: readonly string[],
  limit: number,
  cursor: string | undefined,
): Promise<Page<T>> {
  const out = await dynamo().send(
    new QueryCommand({ ...input, TableName: table(), Limit: limit, ExclusiveStartKey: decodeCursor(cursor, cursorFields, partition) }),
  );
  const nextCursor = encodeCursor(out.LastEvaluatedKey, cursorFields);
  return { items: (out.Items ?? []).map((i) => strip<T>(i)!), ...(nextCursor ? { nextCursor } : {}) };
}

async function queryAll<T>(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(new QueryCommand({ ...input, TableName: table(), ExclusiveStartKey: start }));
    for (const i of out.Items ?? []) items.push(strip<T>(i)!);
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

const GSI1_CURSOR = ['gsi1sk', 'pk', 'sk'] as const;

// ------------------------------------------------------------------ beds

export interface NewBed {
  homeUrn: string;
  kind: PoolKind;
  weeklyCostPence: number;
  contractRef: string;
  from: string;
  to?: string;
  shares?: Partial<Record<AuthoritySlug, number>>;
}

/** Registers a pooled bed, available from its contract start. `id` only for seeding fixed demo data. */
export async function createBed(by: Principal, bed: NewBed, opts: { id?: string; now?: Date } = {}): Promise<BedItem> {
  const now = opts.now ?? new Date();
  const id = opts.id ?? `bed_${newId(now.getTime())}`;
  const item: BedItem = {
    id,
    ...bed,
    status: 'available',
    availableFrom: bed.from,
    createdAt: now.toISOString(),
    createdBy: principalId(by),
    version: 1,
  };
  await dynamo().send(
    new PutCommand({
      TableName: table(),
      Item: { ...keys.poolBed(id), ...keys.poolBedList(id), type: 'poolBed', ...item },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return item;
}

export async function getBed(id: string, consistent = false): Promise<BedItem | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: table(), Key: keys.poolBed(id), ConsistentRead: consistent }));
  return strip<BedItem>(Item);
}

export function listBeds(limit: number, cursor?: string): Promise<Page<BedItem>> {
  const { gsi1pk } = keys.poolBedList();
  return queryPage<BedItem>(
    { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': gsi1pk } },
    { gsi1pk },
    GSI1_CURSOR,
    limit,
    cursor,
  );
}

export function allBeds(): Promise<BedItem[]> {
  return queryAll<BedItem>({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': keys.poolBedList().gsi1pk } });
}

/** Takes a free bed out of service or puts it back; an occupied bed → 409. */
export async function setBedStatus(id: string, status: 'available' | 'out-of-service'): Promise<BedItem> {
  try {
    const { Attributes } = await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.poolBed(id),
        UpdateExpression: 'SET #s = :s, version = version + :one',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(allocation)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': status, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return strip<BedItem>(Attributes)!;
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    const bed = await getBed(id, true);
    if (!bed) throw new PoolRefusal('not-found', 'no-such-bed', 'id', 'No such pooled bed.');
    throw bedNotAvailable('The bed is occupied: end its allocation first.', 'status');
  }
}

// ------------------------------------------------------------------ requests

/** The key of a request as `who` may address it: its own, or (programme office) any. */
function requestKey(who: Principal, id: string) {
  const owner = who.kind === 'authority' ? who.id : who.kind === 'programme-office' ? ownerOfId(id) : undefined;
  return owner ? keys.poolRequest(owner, id) : undefined;
}

function allocationKey(who: Principal, id: string) {
  const owner = who.kind === 'authority' ? who.id : who.kind === 'programme-office' ? ownerOfId(id) : undefined;
  return owner ? keys.poolAllocation(owner, id) : undefined;
}

export type NewRequest = Omit<RequestItem, 'id' | 'authority' | 'status' | 'allocationId' | 'createdAt'>;

export async function createRequest(
  owner: Principal & { kind: 'authority' },
  request: NewRequest,
  opts: { id?: string; now?: Date } = {},
): Promise<RequestItem> {
  const now = opts.now ?? new Date();
  const id = opts.id ?? `req_${owner.id}_${newId(now.getTime())}`;
  const item: RequestItem = { id, authority: owner.id, ...request, status: 'pending', createdAt: now.toISOString() };
  await dynamo().send(
    new PutCommand({
      TableName: table(),
      Item: {
        ...keys.poolRequest(owner.id, id),
        ...keys.poolRequestList(item.createdAt, id),
        type: 'poolRequest',
        ...item,
        ttl: ttlAfter(REQUEST_RETENTION_SECONDS, now.getTime()),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return item;
}

/** The request if `who` may see it (its owner, or the programme office); otherwise undefined. */
export async function getRequest(who: Principal, id: string, consistent = false): Promise<RequestItem | undefined> {
  const Key = requestKey(who, id);
  if (!Key) return undefined;
  const { Item } = await dynamo().send(new GetCommand({ TableName: table(), Key, ConsistentRead: consistent }));
  return strip<RequestItem>(Item);
}

/** A request and a home in one consistent BatchGetItem round trip (either may be absent). */
async function getRequestAndHome(who: Principal, requestId: string, homeUrn: string): Promise<{ request?: RequestItem; home?: HomeItem }> {
  const requestAt = requestKey(who, requestId);
  const homeAt = keys.home(homeUrn);
  const found = await batchGet(requestAt ? [requestAt, homeAt] : [homeAt], { consistent: true });
  const homeItem = itemAt(found, homeAt);
  return { request: strip<RequestItem>(itemAt(found, requestAt)), home: homeItem ? toHome(homeItem) : undefined };
}

/** Own requests for an authority, every request for the programme office; newest first. */
export function listRequests(who: Principal, limit: number, cursor?: string): Promise<Page<RequestItem>> {
  if (who.kind === 'authority') {
    const { pk, sk } = keys.poolRequest(who.id);
    return queryPage<RequestItem>(
      { KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': pk, ':s': sk }, ScanIndexForward: false },
      { pk },
      ['sk'],
      limit,
      cursor,
    );
  }
  if (who.kind !== 'programme-office') return Promise.resolve({ items: [] });
  const { gsi1pk } = keys.poolRequestList();
  return queryPage<RequestItem>(
    { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': gsi1pk }, ScanIndexForward: false },
    { gsi1pk },
    GSI1_CURSOR,
    limit,
    cursor,
  );
}

/** The owner cancels its pending request. Not its own → 404; no longer pending → 409. */
export async function cancelRequest(owner: Principal & { kind: 'authority' }, id: string, now = new Date()): Promise<RequestItem> {
  try {
    const { Attributes } = await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.poolRequest(owner.id, id),
        UpdateExpression: 'SET #s = :cancelled, cancelledAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND #s = :pending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':cancelled': 'cancelled', ':pending': 'pending', ':now': now.toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return strip<RequestItem>(Attributes)!;
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    const request = await getRequest(owner, id, true);
    if (!request) throw new PoolRefusal('not-found', 'no-such-request', 'id', 'No such pool request.');
    throw requestNotPending(`The request is ${request.status}; only a pending request can be cancelled.`);
  }
}

// ------------------------------------------------------------------ allocations

export async function getAllocation(who: Principal, id: string, consistent = false): Promise<AllocationItem | undefined> {
  const Key = allocationKey(who, id);
  if (!Key) return undefined;
  const { Item } = await dynamo().send(new GetCommand({ TableName: table(), Key, ConsistentRead: consistent }));
  return strip<AllocationItem>(Item);
}

/** Own allocations for an authority, every allocation for the programme office; latest start first. */
export function listAllocations(who: Principal, limit: number, cursor?: string): Promise<Page<AllocationItem>> {
  if (who.kind === 'authority') {
    const { pk, sk } = keys.poolAllocation(who.id);
    return queryPage<AllocationItem>(
      { KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': pk, ':s': sk }, ScanIndexForward: false },
      { pk },
      ['sk'],
      limit,
      cursor,
    );
  }
  if (who.kind !== 'programme-office') return Promise.resolve({ items: [] });
  const { gsi1pk } = keys.poolAllocationList();
  return queryPage<AllocationItem>(
    { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': gsi1pk }, ScanIndexForward: false },
    { gsi1pk },
    GSI1_CURSOR,
    limit,
    cursor,
  );
}

/** Every allocation that starts on or before `to` (all others hold no night of a period ending then). */
export function allocationsStartingBy(to: string): Promise<AllocationItem[]> {
  const { gsi1pk } = keys.poolAllocationList();
  return queryAll<AllocationItem>({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p AND gsi1sk <= :hi',
    ExpressionAttributeValues: { ':p': gsi1pk, ':hi': `${keys.poolAllocationList(to).gsi1sk}#~` },
  });
}

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

function auditPut(bedId: string, entry: Record<string, unknown>, at: string): TransactItems[number] {
  const id = randomUUID();
  return {
    Put: {
      TableName: table(),
      Item: { ...keys.poolAudit(bedId, at, id), type: 'poolAudit', id, at, bedId, ...entry },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

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

/**
 * Claims an open bed with one conditional write, the first thing an allocation does: under
 * contention every caller but one is refused here, on a single-item write, before reading
 * anything else and instead of each running (and failing) a four-item transaction; in DynamoDB a
 * cancelled transaction still consumes write capacity for every item. Answers the bed as
 * claimed; a bed that does not exist is a 422, one that is not free a 409 with the reason.
 */
async function claimBed(bedId: string, claimId: string, now: number): Promise<BedItem> {
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
    return strip<BedItem>(Attributes)!;
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    if (!e.Item) throw new PoolRefusal('unprocessable', 'unknown bed', 'bedId', 'No such pooled bed.');
    throw whyBedRefused(unmarshall(e.Item), 'bedId', now);
  }
}

/** Gives up a claim that did not become an allocation (only while it is still ours). */
async function releaseClaim(bedId: string, claimId: string): Promise<void> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.poolBed(bedId),
        UpdateExpression: 'REMOVE #c',
        ConditionExpression: '#c.id = :claim',
        ExpressionAttributeNames: { '#c': 'claim' },
        ExpressionAttributeValues: { ':claim': claimId },
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
function takeBed(bedId: string, summary: AllocationSummary, claimId: string | undefined, now: number): TransactItems[number] {
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

function putAllocation(item: AllocationItem): TransactItems[number] {
  return {
    Put: {
      TableName: table(),
      Item: { ...keys.poolAllocation(item.authority, item.id), ...keys.poolAllocationList(item.startDate, item.id), type: 'poolAllocation', ...item },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

type Reasons = Array<{ Code?: string; Item?: Record<string, AttributeValue> }>;

/** Per transaction item: undefined when its condition held, else the item as it stood (`{}` when absent). */
type Failures = (Record<string, unknown> | undefined)[];

/**
 * Runs a transaction; when DynamoDB cancels it only because another transaction held one of
 * its items (TransactionConflict), tries again after a short random wait. Any condition that
 * failed is handed to `refusal`, with the item as it stood (every conditional item asks for
 * ALL_OLD on failure), to become a PoolRefusal without another read.
 */
async function transact(items: TransactItems, refusal: (failed: Failures) => PoolRefusal): Promise<void> {
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

/** Why a bed's condition failed, from the bed as it stood (`{}` when it no longer exists). */
function whyBedRefused(bed: Record<string, unknown>, field = 'bedId', now = Date.now()): PoolRefusal {
  if (!bed.pk) return bedNotAvailable('The bed no longer exists.', field);
  if (bed.status === 'out-of-service') return bedNotAvailable('The bed is out of service.', field);
  if (bed.allocation) return bedNotAvailable('The bed is occupied.', field);
  const claim = bed.claim as { until?: number } | undefined;
  if (claim && Number(claim.until) >= now) return bedNotAvailable('Another allocation is taking this bed at this moment.', field);
  return bedNotAvailable(`The bed is free from ${String(bed.availableFrom)}.`, field);
}

export interface AllocateInput {
  requestId: string;
  bedId: string;
  startDate: string;
  /** The programme office (it alone allocates): it reads any authority's request by its id. */
  by: Principal;
  /** The HTTP request id, for the audit entry. */
  httpRequestId: string;
  now?: Date;
}

/**
 * Allocates a bed to a pending request:
 *   1. claims the bed (one conditional write: contenders are refused here, see claimBed);
 *   2. reads the request and the bed's home in one round trip, and checks the allocation's rules
 *      (allocationRefusal: request pending, bed suits it, home can care for the child);
 *   3. one transaction: the bed (still free and claimed by us) becomes occupied, the request
 *      (still pending) becomes allocated, and the allocation and a write-once audit entry are
 *      written.
 * Under any concurrency one caller wins a bed and a request; the others get a 409 PoolRefusal
 * with its reason. A claim that does not become an allocation is released at once (or lapses
 * after BED_CLAIM_MS if its holder died), so bed refusals come before request refusals.
 */
export async function allocate(input: AllocateInput): Promise<AllocationItem> {
  const now = input.now ?? new Date();
  const { bedId, startDate } = input;
  const claimId = `clm_${newId(now.getTime())}`;
  const bed = await claimBed(bedId, claimId, now.getTime());
  try {
    const { request, home } = await getRequestAndHome(input.by, input.requestId, bed.homeUrn);
    const refusal = allocationRefusal(bed, request, home, startDate);
    if (refusal) throw refusal;
    if (!request) throw new Error('unreachable: allocationRefusal refuses an unknown request');
    const id = `alc_${request.authority}_${newId(now.getTime())}`;
    const allocation: AllocationItem = {
      id,
      requestId: request.id,
      bedId,
      authority: request.authority,
      startDate,
      status: 'active',
      createdAt: now.toISOString(),
      createdBy: principalId(input.by),
    };
    const summary: AllocationSummary = { id, requestId: request.id, authority: request.authority, startDate };
    await transact(
      [
        takeBed(bedId, summary, claimId, now.getTime()),
        {
          Update: {
            TableName: table(),
            Key: keys.poolRequest(request.authority, request.id),
            UpdateExpression: 'SET #s = :allocated, allocationId = :id, bedId = :bed',
            ConditionExpression: 'attribute_exists(pk) AND #s = :pending AND authority = :owner',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':allocated': 'allocated', ':pending': 'pending', ':owner': request.authority, ':id': id, ':bed': bedId },
          },
        },
        putAllocation(allocation),
        auditPut(bedId, { action: 'pool.allocate', principal: principalId(input.by), allocationId: id, requestId: request.id, authority: request.authority, startDate, httpRequestId: input.httpRequestId }, allocation.createdAt),
      ],
      (failed) => {
        if (failed[0]) return whyBedRefused(failed[0]);
        if (failed[1]) return requestNotPending(`The request is ${String(failed[1].status ?? 'gone')}; only a pending request can be allocated.`);
        return new PoolRefusal('conflict', 'allocation-exists', 'requestId', 'This allocation was already written.');
      },
    );
    return allocation;
  } catch (e) {
    await releaseClaim(bedId, claimId).catch(() => undefined); // if even this fails, the claim lapses (BED_CLAIM_MS)
    throw e;
  }
}

export interface EndInput {
  allocation: AllocationItem;
  endDate: string;
  reason: ReasonPlaceChange;
  /** A move-on bed the child moves into on endDate, in the same transaction. */
  stepDownTo?: string;
  by: Principal;
  httpRequestId: string;
  now?: Date;
}

/**
 * Ends an active allocation in one transaction: the allocation records the end date and the
 * SSDA903 reason, the bed it held becomes available from the end date, an audit entry is
 * written; with `stepDownTo`, the move-on bed is taken and the child's new allocation written
 * in the same transaction, so the child is never without a bed nor in two.
 */
export async function endAllocation(input: EndInput): Promise<{ ended: AllocationItem; stepDown?: AllocationItem }> {
  const now = input.now ?? new Date();
  const at = now.toISOString();
  const { allocation, endDate, reason, stepDownTo } = input;
  const by = principalId(input.by);
  const next: AllocationItem | undefined = stepDownTo
    ? {
        id: `alc_${allocation.authority}_${newId(now.getTime())}`,
        requestId: allocation.requestId,
        bedId: stepDownTo,
        authority: allocation.authority,
        startDate: endDate,
        status: 'active',
        steppedDownFrom: allocation.id,
        createdAt: at,
        createdBy: by,
      }
    : undefined;
  const ended: AllocationItem = {
    ...allocation,
    status: 'ended',
    endDate,
    reason,
    endedAt: at,
    endedBy: by,
    ...(next ? { steppedDownTo: next.id } : {}),
  };
  const items: TransactItems = [
    {
      Update: {
        TableName: table(),
        Key: keys.poolAllocation(allocation.authority, allocation.id),
        UpdateExpression: `SET #s = :ended, endDate = :end, reason = :reason, endedAt = :at, endedBy = :by${next ? ', steppedDownTo = :next' : ''}`,
        ConditionExpression: 'attribute_exists(pk) AND #s = :active',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':ended': 'ended', ':active': 'active', ':end': endDate, ':reason': reason, ':at': at, ':by': by,
          ...(next ? { ':next': next.id } : {}),
        },
      },
    },
    {
      Update: {
        TableName: table(),
        Key: keys.poolBed(allocation.bedId),
        UpdateExpression: 'SET #s = :available, availableFrom = :end, version = version + :one REMOVE allocation',
        ConditionExpression: 'allocation.#id = :aid',
        ExpressionAttributeNames: { '#s': 'status', '#id': 'id' },
        ExpressionAttributeValues: { ':available': 'available', ':end': endDate, ':aid': allocation.id, ':one': 1 },
      },
    },
    auditPut(allocation.bedId, { action: 'pool.end', principal: by, allocationId: allocation.id, requestId: allocation.requestId, authority: allocation.authority, endDate, reason, httpRequestId: input.httpRequestId }, at),
  ];
  if (next) {
    items.push(
      takeBed(next.bedId, { id: next.id, requestId: next.requestId, authority: next.authority, startDate: next.startDate }, undefined, now.getTime()),
      putAllocation(next),
      auditPut(next.bedId, { action: 'pool.step-down', principal: by, allocationId: next.id, steppedDownFrom: allocation.id, requestId: next.requestId, authority: next.authority, startDate: next.startDate, httpRequestId: input.httpRequestId }, at),
    );
  }
  await transact(items, (failed) => {
    if (failed[0] || failed[1]) return allocationNotActive();
    if (failed[3]) return whyBedRefused(failed[3], 'stepDownTo');
    return new PoolRefusal('conflict', 'allocation-exists', 'stepDownTo', 'This allocation was already written.');
  });
  return next ? { ended, stepDown: next } : { ended };
}

/** A bed's audit trail, oldest first (for operators and tests). */
export function bedAudit(bedId: string): Promise<Array<Record<string, unknown>>> {
  const { pk } = keys.poolAudit(bedId, '', '');
  return queryAll({ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': pk } });
}

// ------------------------------------------------------------------ ledger

/** The ledger for `from`..`to`, computed from every bed and the allocation history (all 11 authority lines). */
export async function loadLedger(from: string, to: string): Promise<Ledger> {
  const [beds, allocations] = await Promise.all([allBeds(), allocationsStartingBy(to)]);
  return computeLedger({
    from,
    to,
    beds: beds.map((b) => ({ id: b.id, kind: b.kind, weeklyCostPence: b.weeklyCostPence, from: b.from, to: b.to, shares: b.shares })),
    allocations: allocations.map((a) => ({ bedId: a.bedId, authority: a.authority, startDate: a.startDate, endDate: a.endDate })),
  });
}
