import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { principalId, type Principal } from '../domain/principal.ts';
import { conflict, notFound, preconditionFailed, unprocessable } from '../domain/errors.ts';
import { config, dynamo } from './config.ts';
import { getHome, homeSnapshot, ownHome, registerVacancyType, canSeeHome, vacancyTypes, type HomeItem } from './homes.ts';
import { keys } from './keys.ts';
import { SEARCH_FACTS_ATTRIBUTE, toVacancy, vacancyRecord, type SearchFacts, type StoredStatus, type VacancyItem } from './vacancy-record.ts';

export { vacancyRecord };

/**
 * Vacancies: posted once by a home's owner, found by every authority's search. A vacancy is
 * open for 7 days from its last confirmation; after that it has lapsed and search never reads
 * it (the open-vacancy index is sorted by expiry and queried from now on). The lapse job marks
 * lapsed ones and takes them out of the index; confirming puts a vacancy back.
 */

export const CONFIRMATION_DAYS = 7;
const DAY_MS = 86_400_000;

export type { StoredStatus, VacancyItem } from './vacancy-record.ts';

/** A vacancy as the API shows it: an open one past its expiry has lapsed, whether or not the job has run. */
export interface VacancyView {
  id: string;
  homeUrn: string;
  beds: number;
  availableFrom: string;
  weeklyPrice?: number;
  note?: string;
  status: StoredStatus;
  confirmedAt: string;
  expiresAt: string;
  version: number;
  updatedAt: string;
}

export function effectiveStatus(v: Pick<VacancyItem, 'status' | 'expiresAt'>, now = new Date()): StoredStatus {
  return v.status === 'open' && v.expiresAt <= now.toISOString() ? 'lapsed' : v.status;
}

export function viewOf(v: VacancyItem, now = new Date()): VacancyView {
  return {
    id: v.id,
    homeUrn: v.homeUrn,
    beds: v.beds,
    availableFrom: v.availableFrom,
    ...(v.weeklyPrice !== undefined ? { weeklyPrice: v.weeklyPrice } : {}),
    ...(v.note !== undefined ? { note: v.note } : {}),
    status: effectiveStatus(v, now),
    confirmedAt: v.confirmedAt,
    expiresAt: v.expiresAt,
    version: v.version,
    updatedAt: v.updatedAt,
  };
}

const expiryOf = (confirmedAt: Date) => new Date(confirmedAt.getTime() + CONFIRMATION_DAYS * DAY_MS).toISOString();

/** A new open vacancy in a home, confirmed now. */
export function newVacancy(
  home: HomeItem,
  input: { beds: number; availableFrom: string; weeklyPrice?: number; note?: string },
  opts: { id?: string; now?: Date } = {},
): VacancyItem {
  const now = opts.now ?? new Date();
  const at = now.toISOString();
  const v: VacancyItem = {
    id: opts.id ?? randomUUID(),
    homeUrn: home.urn,
    owner: home.owner,
    beds: input.beds,
    availableFrom: input.availableFrom,
    weeklyPrice: input.weeklyPrice,
    note: input.note,
    status: 'open',
    confirmedAt: at,
    expiresAt: expiryOf(now),
    createdAt: at,
    updatedAt: at,
    version: 1,
    home: homeSnapshot(home),
  };
  if (v.weeklyPrice === undefined) delete v.weeklyPrice;
  if (v.note === undefined) delete v.note;
  return v;
}

function checkBeds(home: Pick<HomeItem, 'registeredPlaces'>, beds: number): void {
  if (home.registeredPlaces > 0 && beds > home.registeredPlaces) {
    throw unprocessable(`The home is registered for ${home.registeredPlaces} places; a vacancy cannot offer ${beds} beds.`, [
      { path: 'beds', message: `at most ${home.registeredPlaces}` },
    ]);
  }
}

/** Posts a vacancy in the caller's own home (another principal's home is 404). */
export async function createVacancy(
  p: Principal,
  urn: string,
  input: { beds: number; availableFrom: string; weeklyPrice?: number; note?: string },
  opts: { id?: string; now?: Date } = {},
): Promise<VacancyItem> {
  const home = await ownHome(p, urn, true);
  checkBeds(home, input.beds);
  const v = newVacancy(home, input, opts);
  await registerVacancyType(home.placementType);
  try {
    await dynamo().send(new PutCommand({ TableName: config.tableName, Item: vacancyRecord(v), ConditionExpression: 'attribute_not_exists(pk)' }));
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) throw conflict(`Vacancy ${v.id} already exists.`);
    throw e;
  }
  // the home may have changed between reading it and writing the vacancy: catch the copy up
  const after = await getHome(urn);
  if (after && after.version > home.version) {
    const caught: VacancyItem = { ...v, home: homeSnapshot(after) };
    await dynamo()
      .send(
        new PutCommand({
          TableName: config.tableName,
          Item: vacancyRecord(caught),
          ConditionExpression: 'version = :ver AND #h.#v < :v',
          ExpressionAttributeNames: { '#h': 'home', '#v': 'v' },
          ExpressionAttributeValues: { ':ver': v.version, ':v': after.version },
        }),
      )
      .then(() => Object.assign(v, caught))
      .catch((e) => {
        if (!(e instanceof ConditionalCheckFailedException)) throw e; // refreshed or changed meanwhile
      });
  }
  return v;
}

/** Loads many prepared vacancies at once (BatchWrite, 25 a request): for demo and benchmark data. */
export async function putVacanciesBatch(items: readonly VacancyItem[], concurrency = 8): Promise<void> {
  const types = new Set(items.map((v) => v.home.placementType));
  for (const t of types) await registerVacancyType(t);
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25).map(vacancyRecord));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      let request: Record<string, unknown[]> | undefined = { [config.tableName]: chunk.map((Item) => ({ PutRequest: { Item } })) };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        const out = await dynamo().send(new BatchWriteCommand({ RequestItems: request as never }));
        request = out.UnprocessedItems as typeof request;
        if (request && Object.keys(request).length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function getVacancyItem(id: string, consistent = false): Promise<VacancyItem | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.vacancy(id), ConsistentRead: consistent }));
  return Item ? toVacancy(Item) : undefined;
}

/**
 * A vacancy as the caller may see it: its owner and the programme office always; an authority
 * when it may see the home. Otherwise 404.
 */
export async function readVacancy(p: Principal, id: string): Promise<VacancyItem> {
  const v = await getVacancyItem(id);
  if (!v) throw notFound(`No vacancy ${id}.`);
  if (v.owner === principalId(p) || p.kind === 'programme-office') return v;
  const home = await getHome(v.homeUrn);
  if (p.kind === 'authority' && home && canSeeHome(p, home)) return v;
  throw notFound(`No vacancy ${id}.`);
}

/** A vacancy by id, whoever owns it (for jobs, the demo and tests; routes use readVacancy). */
export function getVacancy(id: string): Promise<VacancyItem | undefined> {
  return getVacancyItem(id, true);
}

async function ownVacancy(p: Principal, id: string): Promise<VacancyItem> {
  const v = await getVacancyItem(id, true);
  if (!v || v.owner !== principalId(p)) throw notFound(`No vacancy ${id}.`);
  return v;
}

/** A home's vacancies, newest last (owner and programme office; 404 for anyone else). */
export async function listHomeVacancies(
  p: Principal,
  urn: string,
  opts: { limit: number; startKey?: Record<string, unknown> },
): Promise<{ items: VacancyItem[]; lastKey?: Record<string, unknown> }> {
  const home = await getHome(urn);
  if (!home || !(p.kind === 'programme-office' || home.owner === principalId(p))) throw notFound(`No home ${urn}.`);
  const { gsi1pk } = keys.vacancyByHome(urn);
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :v)',
      ExpressionAttributeValues: { ':p': gsi1pk, ':v': 'VACANCY#' },
      Limit: opts.limit,
      ExclusiveStartKey: opts.startKey,
    }),
  );
  return { items: (out.Items ?? []).map(toVacancy), lastKey: out.LastEvaluatedKey };
}

type Change = (v: VacancyItem, now: Date) => VacancyItem;

/** Applies a change to the caller's vacancy with an optimistic version check; retried on a race. */
async function changeVacancy(p: Principal, id: string, change: Change, opts: { ifMatch?: number | '*'; now?: Date }): Promise<VacancyItem> {
  for (let attempt = 0; ; attempt++) {
    const current = await ownVacancy(p, id);
    if (opts.ifMatch !== undefined && opts.ifMatch !== '*' && opts.ifMatch !== current.version) {
      throw preconditionFailed(`Vacancy ${id} is at version ${current.version}, not ${opts.ifMatch}.`);
    }
    const now = opts.now ?? new Date();
    const next = change(current, now);
    if (next === current) return current;
    if (next.status === 'open') await registerVacancyType(next.home.placementType);
    try {
      // neither the owner's change nor the home's copy on it may be lost to the other
      await dynamo().send(
        new PutCommand({
          TableName: config.tableName,
          Item: vacancyRecord(next),
          ConditionExpression: 'version = :v AND #h.#hv = :hv',
          ExpressionAttributeNames: { '#h': 'home', '#hv': 'v' },
          ExpressionAttributeValues: { ':v': current.version, ':hv': current.home.v },
        }),
      );
      return next;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      if (attempt >= 4) throw conflict(`Vacancy ${id} is being changed by another writer; retry.`);
    }
  }
}

const bump = (v: VacancyItem, now: Date, fields: Partial<VacancyItem>): VacancyItem => {
  const next: VacancyItem = { ...v, ...fields, version: v.version + 1, updatedAt: now.toISOString() };
  if (next.status !== 'lapsed') delete next.lapsedAt;
  return next;
};

/** Reconfirms an open (or lapsed) vacancy for another 7 days; a withdrawn or filled one is 409. */
export function confirmVacancy(p: Principal, id: string, opts: { ifMatch?: number | '*'; now?: Date } = {}): Promise<VacancyItem> {
  return changeVacancy(
    p,
    id,
    (v, now) => {
      if (v.status === 'withdrawn' || v.status === 'filled') throw conflict(`Vacancy ${id} is ${v.status}; post a new vacancy instead.`);
      return bump(v, now, { status: 'open', confirmedAt: now.toISOString(), expiresAt: expiryOf(now) });
    },
    opts,
  );
}

/** Withdraws or fills a vacancy, or changes its beds. A withdrawn or filled vacancy stays so (409). */
export function patchVacancy(
  p: Principal,
  id: string,
  patch: { status?: 'withdrawn' | 'filled'; beds?: number },
  opts: { ifMatch?: number | '*'; now?: Date } = {},
): Promise<VacancyItem> {
  return changeVacancy(
    p,
    id,
    (v, now) => {
      const terminal = v.status === 'withdrawn' || v.status === 'filled';
      if (terminal) {
        if (patch.beds === undefined && patch.status === v.status) return v; // asked again: nothing to do
        throw conflict(`Vacancy ${id} is ${v.status} and can no longer change.`);
      }
      const fields: Partial<VacancyItem> = {};
      if (patch.beds !== undefined) {
        checkBeds(v.home, patch.beds);
        fields.beds = patch.beds;
      }
      if (patch.status !== undefined) fields.status = patch.status;
      else if (effectiveStatus(v, now) === 'lapsed') fields.status = 'lapsed';
      return bump(v, now, fields);
    },
    opts,
  );
}

// ---------------------------------------------------------------- search and lapse

/** The gsi2 partitions to read: each placement type asked for (or in use) × the fixed shards. */
async function openPartitions(placementTypes?: readonly string[]): Promise<string[]> {
  const inUse = await vacancyTypes();
  const types = placementTypes ? inUse.filter((t) => placementTypes.includes(t)) : inUse;
  const partitions: string[] = [];
  for (const t of types) for (let s = 0; s < keys.openVacancyShards; s++) partitions.push(keys.openVacancy(t, s).gsi2pk);
  return partitions;
}

export interface CandidateRead {
  items: SearchFacts[];
  /** DynamoDB Query calls made (pages included). */
  queries: number;
}

/**
 * Every open, unexpired vacancy of the given placement types (all when none given): one Query
 * per (type, shard) partition, in parallel, each followed to its last page. The key condition
 * `gsi2sk > now` leaves out every vacancy whose 7 days have run, before the lapse job runs.
 * Only the packed search facts are returned (one string attribute per vacancy).
 */
export async function readOpenVacancies(opts: { placementTypes?: readonly string[]; now?: Date } = {}): Promise<CandidateRead> {
  const now = (opts.now ?? new Date()).toISOString();
  const partitions = await openPartitions(opts.placementTypes);
  let queries = 0;
  const pages = await Promise.all(
    partitions.map(async (pk) => {
      const items: SearchFacts[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        queries++;
        const out = await dynamo().send(
          new QueryCommand({
            TableName: config.tableName,
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :p AND gsi2sk > :now',
            ProjectionExpression: '#sf',
            ExpressionAttributeNames: { '#sf': SEARCH_FACTS_ATTRIBUTE },
            ExpressionAttributeValues: { ':p': pk, ':now': now },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) items.push(JSON.parse(String(item[SEARCH_FACTS_ATTRIBUTE])) as SearchFacts);
        start = out.LastEvaluatedKey;
      } while (start);
      return items;
    }),
  );
  return { items: pages.flat(), queries };
}

/**
 * Marks every open vacancy whose 7 days have run as lapsed and takes it out of the open index.
 * Reads only the expired end of each open partition (no Scan). Idempotent.
 */
export async function lapseExpiredVacancies(now = new Date()): Promise<{ lapsed: number; queries: number }> {
  const at = now.toISOString();
  const partitions = await openPartitions();
  let lapsed = 0;
  let queries = 0;
  for (const pk of partitions) {
    let start: Record<string, unknown> | undefined;
    do {
      queries++;
      const out = await dynamo().send(
        new QueryCommand({
          TableName: config.tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :p AND gsi2sk <= :now',
          ExpressionAttributeValues: { ':p': pk, ':now': `${at}#\uffff` },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        try {
          await dynamo().send(
            new UpdateCommand({
              TableName: config.tableName,
              Key: keys.vacancy(String(item.id)),
              UpdateExpression: 'SET #s = :lapsed, lapsedAt = :at, updatedAt = :at, version = version + :one REMOVE gsi2pk, gsi2sk',
              ConditionExpression: '#s = :open AND expiresAt <= :at',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':lapsed': 'lapsed', ':open': 'open', ':at': at, ':one': 1 },
            }),
          );
          lapsed++;
        } catch (e) {
          if (!(e instanceof ConditionalCheckFailedException)) throw e; // reconfirmed or changed meanwhile
        }
      }
      start = out.LastEvaluatedKey;
    } while (start);
  }
  return { lapsed, queries };
}
