import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, type QueryCommandInput, type TransactWriteCommandInput } from './ddb.ts';
import { conflict, notFound, preconditionFailed } from '../domain/errors.ts';
import type { HomeItem } from '../domain/homes.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import {
  bedTaken, confirmed, hasRoom, heldBedsDelta, lapsed, newVacancy, patched, requireRoom, type Hold, type VacancyInput, type VacancyItem, type VacancyPatch,
} from '../domain/vacancy.ts';
import type { StripRange } from '../domain/near.ts';
import { canSeeHome } from '../domain/visibility.ts';
import { batchGet } from './batch-get.ts';
import { config, dynamo } from './config.ts';
import {
  getHome, homeRecord, homeVacancies, markIndexedByPlace, openBedsOf, ownHome, putItemsBatch, registerVacancyType, vacancyRegistry, vacancyTypes,
} from './homes.ts';
import * as keys from './keys.ts';
import { queryPage, type Page } from './paging.ts';
import { queryPages, type QueryCounts } from './query.ts';
import { SEARCH_FACTS_ATTRIBUTE, toVacancy, vacancyRecord, type SearchFacts } from './vacancy-record.ts';

/**
 * Vacancies: posted once by a home's owner, found by every authority's search. The lifecycle and
 * its limits are domain/vacancy.ts; this file stores them. Every write that changes the beds a
 * home's open vacancies hold changes the home's `openBeds` in the same transaction, conditioned
 * on the home's places, so no concurrency can take a home past its registered places. Search
 * reads only the open-vacancy indexes (gsi2 by type, sorted by expiry, queried from now on; gsi3
 * by type and place, for a search near an outcode); the lapse job marks lapsed ones and takes
 * them out of both.
 */

export { CONFIRMATION_DAYS, effectiveStatus, newVacancy, viewOf, type StoredStatus, type VacancyItem, type VacancyView } from '../domain/vacancy.ts';

const MAX_ATTEMPTS = 30;
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(200, 5 * 2 ** Math.min(attempt, 5)) * Math.random()));

async function getVacancyItem(id: string, consistent = false): Promise<VacancyItem | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.vacancy(id), ConsistentRead: consistent }));
  return Item ? toVacancy(Item) : undefined;
}

/** A vacancy by id, whoever owns it (for jobs, the demo and tests; routes use readVacancy). */
export function getVacancy(id: string): Promise<VacancyItem | undefined> {
  return getVacancyItem(id, true);
}

/** A vacancy as the caller may see it: who may see its home (domain/visibility.ts, on the home's copy). Otherwise 404. */
export async function readVacancy(p: Principal, id: string): Promise<VacancyItem> {
  const v = await getVacancyItem(id);
  if (!v || !canSeeHome(p, { owner: v.owner, shareWithRegion: v.home.shareWithRegion })) throw notFound(`No vacancy ${id}.`);
  return v;
}

/** A home's vacancies, oldest first, one page (owner and programme office; 404 for anyone else). */
export async function listHomeVacancies(p: Principal, urn: string, opts: { limit: number; cursor?: string }): Promise<Page<VacancyItem>> {
  const home = await getHome(urn);
  if (!home || !(p.kind === 'programme-office' || home.owner === principalId(p))) throw notFound(`No home ${urn}.`);
  const { gsi1pk, gsi1sk } = keys.vacancyByHome(urn);
  return queryPage(
    {
      TableName: config.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :v)',
      ExpressionAttributeValues: { ':p': gsi1pk, ':v': gsi1sk },
    },
    { purpose: `home-vacancies:${urn}:${principalId(p)}`, limit: opts.limit, cursor: opts.cursor, map: toVacancy },
  );
}

// ---------------------------------------------------------------- writes

type Outcome = 'written' | 'raced' | 'exists';
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The home's open-bed counter moved by `delta`, guarded so it can never pass the home's places. */
function counterUpdate(home: HomeItem, openBeds: number, delta: number): TransactItem {
  const Key = keys.home(home.urn);
  if (home.openBeds === undefined) {
    // a home written before the counter: set it from the count, once
    return {
      Update: {
        TableName: config.tableName, Key, UpdateExpression: 'SET openBeds = :n',
        ConditionExpression: 'version = :hv AND attribute_not_exists(openBeds)',
        ExpressionAttributeValues: { ':n': openBeds + delta, ':hv': home.version },
      },
    };
  }
  if (delta < 0) {
    return {
      Update: {
        TableName: config.tableName, Key, UpdateExpression: 'SET openBeds = openBeds + :d',
        ConditionExpression: 'attribute_exists(openBeds)', ExpressionAttributeValues: { ':d': delta },
      },
    };
  }
  // version fixes registeredPlaces (and the facts the vacancy copies) to those just read
  const limited = home.registeredPlaces > 0;
  return {
    Update: {
      TableName: config.tableName, Key, UpdateExpression: 'SET openBeds = openBeds + :d',
      ConditionExpression: `version = :hv${limited ? ' AND openBeds <= :room' : ' AND attribute_exists(openBeds)'}`,
      ExpressionAttributeValues: { ':d': delta, ':hv': home.version, ...(limited ? { ':room': home.registeredPlaces - delta } : {}) },
    },
  };
}

/**
 * Writes a vacancy (`before` undefined: a new one) and, when the beds its home's open vacancies
 * hold change, the home's counter — one transaction. 'raced' when anything changed since it was
 * read (read again and retry), 'exists' when a new vacancy's id is taken. 422 when the home has
 * no room, after lapsing any of its vacancies whose 7 days have run.
 */
async function commit(before: VacancyItem | undefined, after: VacancyItem, now: Date, known?: HomeItem): Promise<Outcome> {
  const put = {
    TableName: config.tableName,
    Item: vacancyRecord(after),
    ...(before === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          // neither the owner's change nor the home's copy on it may be lost to the other
          ConditionExpression: 'version = :v AND #h.#hv = :hv',
          ExpressionAttributeNames: { '#h': 'home', '#hv': 'v' },
          ExpressionAttributeValues: { ':v': before.version, ':hv': before.home.v },
        }),
  };
  if (after.status === 'open') await registerVacancyType(after.home.placementType);
  const delta = heldBedsDelta(before, after);
  if (delta === 0) {
    try {
      await dynamo().send(new PutCommand(put));
      return 'written';
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      return before === undefined ? 'exists' : 'raced';
    }
  }
  const home = known ?? (await getHome(after.homeUrn, true));
  if (!home) throw notFound(`No home ${after.homeUrn}.`);
  const openBeds = await openBedsOf(home);
  if (!hasRoom(home, openBeds, delta)) {
    if ((await lapseExpiredOfHome(home.urn, now)) > 0) return 'raced';
    // the counter was read after the vacancy: if another writer changed the vacancy in between,
    // the counter already holds its beds, and the 422 would be a stale read's — read again
    // (and a stale If-Match is then a 412, as it would have been a moment later)
    if (before !== undefined && (await getVacancyItem(before.id, true))?.version !== before.version) return 'raced';
    requireRoom(home, openBeds, delta);
  }
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: [{ Put: put }, counterUpdate(home, openBeds, delta)] }));
    return 'written';
  } catch (e) {
    if (!(e instanceof TransactionCanceledException)) throw e;
    if (before === undefined && e.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return 'exists';
    return 'raced';
  }
}

/** Posts a vacancy in the caller's own home (another principal's home is 404; no room is 422). */
export async function createVacancy(p: Principal, urn: string, input: VacancyInput, opts: { id?: string; now?: Date } = {}): Promise<VacancyItem> {
  const id = opts.id ?? randomUUID();
  for (let attempt = 0; ; attempt++) {
    const now = opts.now ?? new Date();
    const home = await ownHome(p, urn, true);
    const v = newVacancy(home, input, { id, now });
    const outcome = await commit(undefined, v, now, home);
    if (outcome === 'written') return v;
    if (outcome === 'exists') throw conflict(`Vacancy ${id} already exists.`);
    if (attempt >= MAX_ATTEMPTS) throw conflict(`Home ${urn} is being changed by other writers; retry.`);
    await backoff(attempt);
  }
}

/** Applies a domain change to the caller's vacancy, with an optimistic version check; retried on a race. */
async function changeVacancy(
  p: Principal,
  id: string,
  change: (v: VacancyItem, now: Date) => VacancyItem,
  opts: { ifMatch?: number | '*'; now?: Date },
): Promise<VacancyItem> {
  for (let attempt = 0; ; attempt++) {
    const current = await getVacancyItem(id, true);
    if (!current || current.owner !== principalId(p)) throw notFound(`No vacancy ${id}.`);
    if (opts.ifMatch !== undefined && opts.ifMatch !== '*' && opts.ifMatch !== current.version) {
      throw preconditionFailed(`Vacancy ${id} is at version ${current.version}, not ${opts.ifMatch}.`);
    }
    const now = opts.now ?? new Date();
    const next = change(current, now);
    if (next === current) return current;
    if ((await commit(current, next, now)) === 'written') return next;
    if (attempt >= MAX_ATTEMPTS) throw conflict(`Vacancy ${id} is being changed by another writer; retry.`);
    await backoff(attempt);
  }
}

/** Reconfirms an open (or lapsed) vacancy for another 7 days; a withdrawn or filled one is 409; no room to reopen is 422. */
export function confirmVacancy(p: Principal, id: string, opts: { ifMatch?: number | '*'; now?: Date } = {}): Promise<VacancyItem> {
  return changeVacancy(p, id, confirmed, opts);
}

/** Withdraws or fills a vacancy, or changes its beds (422 past the home's places). A withdrawn or filled vacancy stays so (409). */
export function patchVacancy(p: Principal, id: string, patch: VacancyPatch, opts: { ifMatch?: number | '*'; now?: Date } = {}): Promise<VacancyItem> {
  return changeVacancy(p, id, (v, now) => patched(v, patch, now), opts);
}

/**
 * Loads many prepared vacancies at once for demo and bench data (BatchWrite, 25 a request), with
 * their homes' open-bed counts brought up to date in the same batches. Not for concurrent use:
 * seed data only. 422 when a home would hold more open beds than its places.
 */
export async function putVacanciesBatch(items: readonly VacancyItem[], homes: ReadonlyMap<string, HomeItem>, concurrency = 8): Promise<void> {
  for (const t of new Set(items.map((v) => v.home.placementType))) await registerVacancyType(t);
  const previous = new Map((await batchGet(items.map((v) => keys.vacancy(v.id)))).map((item) => [String(item.id), toVacancy(item)]));
  const deltas = new Map<string, number>();
  for (const v of items) deltas.set(v.homeUrn, (deltas.get(v.homeUrn) ?? 0) + heldBedsDelta(previous.get(v.id), v));
  const homeItems: Record<string, unknown>[] = [];
  for (const [urn, delta] of deltas) {
    const home = homes.get(urn);
    if (!home) throw notFound(`No home ${urn}.`);
    const openBeds = await openBedsOf(home);
    requireRoom(home, openBeds, delta);
    homeItems.push(homeRecord({ ...home, openBeds: openBeds + delta }));
  }
  await putItemsBatch([...homeItems, ...items.map(vacancyRecord)], concurrency);
}

// ---------------------------------------------------------------- holds (domain/vacancy.ts "holds")

/**
 * The write that takes hold slot `slot` of vacancy `v` (read at `now`) for an offer, for a
 * transaction: conditioned on the vacancy still being open and unexpired, of the same home, with
 * more beds than the slot number, and on the slot being free (absent, or its hold passed) — so
 * concurrent offers never hold more beds than there are. It bumps `version`, so no whole-item
 * write of the vacancy made from an older read can drop the hold.
 */
export function takeHoldWrite(v: VacancyItem, slot: string, hold: Hold, now: Date): TransactItem {
  const base = 'version = version + :one';
  const condition = '#st = :open AND expiresAt > :now AND homeUrn = :urn AND beds > :i';
  const values = { ':one': 1, ':open': 'open', ':now': now.toISOString(), ':urn': v.homeUrn, ':i': Number(slot) };
  const Key = keys.vacancy(v.id);
  if (v.holds === undefined) {
    return {
      Update: {
        TableName: config.tableName, Key, UpdateExpression: `SET holds = :m, ${base}`,
        ConditionExpression: `${condition} AND attribute_not_exists(holds)`,
        ExpressionAttributeNames: { '#st': 'status' },
        ExpressionAttributeValues: { ...values, ':m': { [slot]: hold } },
      },
    };
  }
  return {
    Update: {
      TableName: config.tableName, Key, UpdateExpression: `SET holds.#s = :h, ${base}`,
      ConditionExpression: `${condition} AND attribute_exists(holds) AND (attribute_not_exists(holds.#s) OR holds.#s.u <= :now)`,
      ExpressionAttributeNames: { '#st': 'status', '#s': slot },
      ExpressionAttributeValues: { ...values, ':h': hold },
    },
  };
}

/** The write that frees an offer's hold slot, for a transaction: conditioned on the slot still being the offer's. */
export function releaseHoldWrite(vacancyId: string, slot: string, offerId: string): TransactItem {
  return {
    Update: {
      TableName: config.tableName, Key: keys.vacancy(vacancyId), UpdateExpression: 'REMOVE holds.#s SET version = version + :one',
      ConditionExpression: 'holds.#s.o = :o', ExpressionAttributeNames: { '#s': slot }, ExpressionAttributeValues: { ':o': offerId, ':one': 1 },
    },
  };
}

/**
 * The writes of an accepted offer taking its bed (domain/vacancy.ts `bedTaken`: one bed fewer,
 * filled at 0, its hold released), for the acceptance's transaction: the vacancy, conditioned on
 * the version read, and its home's open-bed counter moved in step.
 */
export async function bedTakenWrites(v: VacancyItem, offerId: string, home: HomeItem, now: Date): Promise<TransactItem[]> {
  const after = bedTaken(v, offerId, now);
  const put: TransactItem = {
    Put: { TableName: config.tableName, Item: vacancyRecord(after), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': v.version } },
  };
  const delta = heldBedsDelta(v, after);
  return delta === 0 ? [put] : [put, counterUpdate(home, await openBedsOf(home), delta)];
}

// ---------------------------------------------------------------- search and lapse

/** The gsi2 partitions to read: each placement type asked for (or in use) × the fixed shards. */
async function openPartitions(placementTypes?: readonly string[]): Promise<string[]> {
  return keys.openVacancyPartitions(typesAsked(await vacancyTypes(), placementTypes));
}

/** The placement types in use that a search asks for (all in use when it names none). */
export const typesAsked = (inUse: readonly string[], placementTypes?: readonly string[]): string[] =>
  placementTypes ? inUse.filter((t) => placementTypes.includes(t)) : [...inUse];

export interface CandidateRead {
  items: SearchFacts[];
  /** DynamoDB Query calls made (pages included). */
  queries: number;
}

/** The packed search facts of an open-vacancy item, with the holds open offers put on it. */
function factsOf(item: Record<string, unknown>): SearchFacts {
  const facts = JSON.parse(String(item[SEARCH_FACTS_ATTRIBUTE])) as SearchFacts;
  return item.holds ? { ...facts, holds: item.holds as SearchFacts['holds'] } : facts;
}
// the holds ride on the same items (no extra request); DynamoDB's 1 MB pages count whole items either way
const FACTS = { ProjectionExpression: '#sf, #hd', ExpressionAttributeNames: { '#sf': SEARCH_FACTS_ATTRIBUTE, '#hd': 'holds' } } as const;

/** Every item of each Query, in parallel, as search facts. */
async function readFacts(inputs: Omit<QueryCommandInput, 'ExclusiveStartKey'>[], counts: QueryCounts): Promise<SearchFacts[]> {
  const read = await Promise.all(
    inputs.map(async (input) => {
      const items: SearchFacts[] = [];
      for await (const page of queryPages(input, counts)) for (const item of page) items.push(factsOf(item));
      return items;
    }),
  );
  return read.flat();
}

/**
 * Every open, unexpired vacancy of the given placement types (all in use when none given; `inUse`
 * when the caller has read the registry already): one Query per (type, shard) partition, in
 * parallel, each followed to its last page. The key condition `gsi2sk > now` leaves out every
 * vacancy whose 7 days have run, before the lapse job runs. Only the packed search facts are
 * returned (one string attribute per vacancy), with the holds open offers put on it.
 */
export async function readOpenVacancies(
  opts: { placementTypes?: readonly string[]; now?: Date; inUse?: readonly string[]; counts?: QueryCounts } = {},
): Promise<CandidateRead> {
  const now = (opts.now ?? new Date()).toISOString();
  const counts = opts.counts ?? { queries: 0, read: 0 };
  const before = counts.queries;
  const partitions = opts.inUse ? keys.openVacancyPartitions(typesAsked(opts.inUse, opts.placementTypes)) : await openPartitions(opts.placementTypes);
  const items = await readFacts(
    partitions.map((pk) => ({
      TableName: config.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :p AND gsi2sk > :now',
      ...FACTS,
      ExpressionAttributeValues: { ':p': pk, ':now': now },
    })),
    counts,
  );
  return { items, queries: counts.queries - before };
}

/**
 * The open, unexpired vacancies of `types` in the given ranges of the index by place (gsi3; the
 * ranges are domain/near.ts's), and with `unlocated` those whose homes have no location: one
 * Query per type × range, in parallel. Unexpired means what gsi2's `gsi2sk > now` means: an
 * `expiresAt` at or after now (a filter here, so an expired one not yet lapsed counts as read).
 */
export function readOpenVacanciesNear(types: readonly string[], ranges: readonly StripRange[], unlocated: boolean, now: Date, counts: QueryCounts): Promise<SearchFacts[]> {
  const at = now.toISOString();
  const inputs: Omit<QueryCommandInput, 'ExclusiveStartKey'>[] = [];
  for (const t of types) {
    for (const r of ranges) {
      const k = keys.openVacancyNearRange(t, r.strip, r.from, r.to);
      inputs.push({
        TableName: config.tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :p AND gsi3sk BETWEEN :from AND :to',
        FilterExpression: '#ex >= :now',
        ...FACTS,
        ExpressionAttributeNames: { ...FACTS.ExpressionAttributeNames, '#ex': 'expiresAt' },
        ExpressionAttributeValues: { ':p': k.gsi3pk, ':from': k.gsi3skFrom, ':to': k.gsi3skTo, ':now': at },
      });
    }
    if (unlocated) {
      inputs.push({
        TableName: config.tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :p AND gsi3sk > :now',
        ...FACTS,
        ExpressionAttributeValues: { ':p': keys.openVacancyUnlocated(t).gsi3pk, ':now': at },
      });
    }
  }
  return readFacts(inputs, counts);
}

/**
 * Puts every open vacancy written before the index by place existed into it (each rewritten
 * through the one record builder, conditional on the version read: one changed meanwhile was
 * rewritten by that change), then records that the index holds them all, so search reads it.
 * Run by the lapse job while the registry does not say so yet; idempotent.
 */
export async function indexOpenVacanciesByPlace(): Promise<number> {
  const registry = await vacancyRegistry();
  if (registry.byPlace) return 0;
  let indexed = 0;
  for (const pk of keys.openVacancyPartitions(registry.types)) {
    for await (const page of queryPages({ TableName: config.tableName, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': pk } })) {
      for (const item of page) {
        if (item.gsi3pk !== undefined) continue;
        const v = toVacancy(item);
        try {
          await dynamo().send(new PutCommand({ TableName: config.tableName, Item: vacancyRecord(v), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': v.version } }));
          indexed++;
        } catch (e) {
          if (!(e instanceof ConditionalCheckFailedException)) throw e;
        }
      }
    }
  }
  await markIndexedByPlace();
  return indexed;
}

/**
 * Marks one vacancy lapsed (when it is still open and its 7 days have run) and frees its beds in
 * its home's counter, in one transaction. False when it was changed meanwhile.
 */
async function lapseOne(v: VacancyItem, now: Date): Promise<boolean> {
  const next = lapsed(v, now);
  if (!next) return false;
  const put = {
    TableName: config.tableName,
    Item: vacancyRecord(next),
    ConditionExpression: 'version = :v AND #s = :open',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':v': v.version, ':open': 'open' },
  };
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: put },
          {
            Update: {
              TableName: config.tableName, Key: keys.home(v.homeUrn), UpdateExpression: 'SET openBeds = openBeds - :b',
              ConditionExpression: 'attribute_exists(openBeds)', ExpressionAttributeValues: { ':b': v.beds },
            },
          },
        ],
      }),
    );
    return true;
  } catch (e) {
    if (!(e instanceof TransactionCanceledException)) throw e;
    const [vacancy, home] = e.CancellationReasons ?? [];
    if (vacancy?.Code !== 'None' || home?.Code !== 'ConditionalCheckFailed') return false;
  }
  // a home written before the counter (or gone): nothing to free
  try {
    await dynamo().send(new PutCommand(put));
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}

/** Lapses a home's open vacancies whose 7 days have run; answers how many. */
async function lapseExpiredOfHome(urn: string, now: Date): Promise<number> {
  let n = 0;
  for (const v of await homeVacancies(urn)) if (lapsed(v, now) && (await lapseOne(v, now))) n++;
  return n;
}

/**
 * Marks every open vacancy whose 7 days have run as lapsed and takes it out of the open index,
 * freeing its beds. Reads only the expired end of each open partition (no Scan). Idempotent.
 */
export async function lapseExpiredVacancies(now = new Date()): Promise<{ lapsed: number; queries: number }> {
  let count = 0;
  let queries = 0;
  for (const pk of await openPartitions()) {
    const pages = queryPages({
      TableName: config.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :p AND gsi2sk <= :now',
      ExpressionAttributeValues: { ':p': pk, ':now': keys.openVacancyExpiredBy(now.toISOString()) },
    });
    for await (const page of pages) {
      queries++;
      for (const item of page) {
        // conditional on the version read: a vacancy changed meanwhile is left to the next run
        if (await lapseOne(toVacancy(item), now)) count++;
      }
    }
  }
  return { lapsed: count, queries };
}
