import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from './ddb.ts';
import { notFound, preconditionFailed } from '../domain/errors.ts';
import { homeFromWrite, homeSnapshot, type HomeItem, type HomeWrite, type ProviderRef } from '../domain/homes.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import { heldBeds, requirePlacesForOpenBeds } from '../domain/vacancy.ts';
import { canSeeHome, ownsHome } from '../domain/visibility.ts';
import { batchGet } from './batch-get.ts';
import { config, dynamo } from './config.ts';
import { homeRecord, toHome } from './home-record.ts';
import * as keys from './keys.ts';
import { queryPage, type Page } from './paging.ts';
import { queryAll, queryPages } from './query.ts';
import { toVacancy, vacancyRecord, type VacancyItem } from './vacancy-record.ts';

/**
 * Homes (issue 3 owns their writes). Other features read homes only through `getHome`/`getHomes`:
 * pooled beds for matching facts, spend for the provider group of a URN. Every home item is
 * built by ./home-record.ts; the rules (visibility, the home a write makes, the places its open
 * vacancies need) are the domain's.
 */

export type { HomeItem, HomeSnapshot, HomeWrite, ProviderRef } from '../domain/homes.ts';
export { homeSnapshot, inHouseProvider } from '../domain/homes.ts';
export { homeRecord, toHome } from './home-record.ts';

export async function getHome(urn: string, consistent = false): Promise<HomeItem | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.home(urn), ConsistentRead: consistent }));
  return Item ? toHome(Item) : undefined;
}

/** Many homes by URN; missing URNs are absent from the map. */
export async function getHomes(urns: readonly string[]): Promise<Map<string, HomeItem>> {
  const items = await batchGet(urns.map((u) => keys.home(u)));
  return new Map(items.map((item) => [String(item.urn), toHome(item)]));
}

/** A home as the caller may see it (domain/visibility.ts), or 404. */
export async function readHome(p: Principal, urn: string): Promise<HomeItem> {
  const home = await getHome(urn);
  if (!home || !canSeeHome(p, home)) throw notFound(`No home ${urn}.`);
  return home;
}

/** The caller's own home, or 404 (another principal's home is 404 too). */
export async function ownHome(p: Principal, urn: string, consistent = false): Promise<HomeItem> {
  const home = await getHome(urn, consistent);
  if (!home || !ownsHome(p, home)) throw notFound(`No home ${urn}.`);
  return home;
}

/** The caller's own homes, by URN, one page (`GET /v1/homes`). */
export function listOwnHomes(p: Principal, opts: { limit: number; cursor?: string }): Promise<Page<HomeItem>> {
  const { gsi1pk, gsi1sk } = keys.homeByOwner(principalId(p));
  return queryPage(
    {
      TableName: config.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :h)',
      ExpressionAttributeValues: { ':p': gsi1pk, ':h': gsi1sk },
    },
    { purpose: `homes:${principalId(p)}`, limit: opts.limit, cursor: opts.cursor, map: toHome },
  );
}

// ---------------------------------------------------------------- provider organisations

export async function getProviderProfile(id: string): Promise<ProviderRef | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.providerProfile(id) }));
  return Item ? { id: String(Item.id), name: String(Item.name), group: String(Item.group) } : undefined;
}

/** A provider profile item; every one is in the provider directory (gsi2, keys.providerListing). */
const profileRecord = (profile: ProviderRef, now: Date) => ({
  ...keys.providerProfile(profile.id), ...keys.providerListing(profile.id), type: 'providerProfile', ...profile, updatedAt: now.toISOString(),
});

/**
 * Records a provider that posts its first home and is not in the hub yet (no Ofsted import, no
 * demo profile), so that the provider directory knows it: named by its id until a profile with its
 * name arrives. Never replaces a profile that exists.
 */
export async function ensureProviderProfile(profile: ProviderRef, now = new Date()): Promise<void> {
  await dynamo()
    .send(new PutCommand({ TableName: config.tableName, Item: profileRecord(profile, now), ConditionExpression: 'attribute_not_exists(pk)' }))
    .catch((e) => {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    });
}

/** Records a provider organisation's name and group (idempotent: unchanged profiles are not rewritten). */
export async function putProviderProfile(profile: ProviderRef, now = new Date()): Promise<void> {
  await dynamo()
    .send(
      new PutCommand({
        TableName: config.tableName,
        Item: profileRecord(profile, now),
        ConditionExpression: 'attribute_not_exists(pk) OR #n <> :n OR #g <> :g OR attribute_not_exists(gsi2pk)',
        ExpressionAttributeNames: { '#n': 'name', '#g': 'group' },
        ExpressionAttributeValues: { ':n': profile.name, ':g': profile.group },
      }),
    )
    .catch((e) => {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    });
}

/** Puts items 25 a BatchWrite, retrying unprocessed ones with backoff (seed and import data only). */
export async function putItemsBatch(items: readonly Record<string, unknown>[], concurrency = 1): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25) as Record<string, unknown>[]);
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

/** Records many provider profiles, writing only those that are new or changed (BatchGet, then BatchWrite). */
export async function putProviderProfiles(profiles: readonly ProviderRef[], now = new Date()): Promise<number> {
  const stored = new Map((await batchGet(profiles.map((p) => keys.providerProfile(p.id)))).map((item) => [String(item.id), item]));
  const changed = profiles.filter((p) => {
    const s = stored.get(p.id);
    return !s || s.name !== p.name || s.group !== p.group || s.gsi2pk === undefined; // a profile from before the directory joins it
  });
  await putItemsBatch(changed.map((p) => profileRecord(p, now)));
  return changed.length;
}

// ---------------------------------------------------------------- writes

/**
 * The condition of a whole-item write over the stored version `expected` (undefined: the home
 * must not exist yet): the stored `openBeds` must still be `storedOpenBeds` (undefined: absent,
 * a home written before the counter), so a vacancy written meanwhile is never lost under the new item.
 */
function writeCondition(expected: number | undefined, storedOpenBeds: number | undefined) {
  if (expected === undefined) return { ConditionExpression: 'attribute_not_exists(pk)' };
  return storedOpenBeds === undefined
    ? { ConditionExpression: 'version = :v AND attribute_not_exists(openBeds)', ExpressionAttributeValues: { ':v': expected } }
    : { ConditionExpression: 'version = :v AND openBeds = :ob', ExpressionAttributeValues: { ':v': expected, ':ob': storedOpenBeds } };
}

/**
 * Writes a whole home item if the stored version is still `expected` (undefined: the home must
 * not exist yet) and its open beds are still `storedOpenBeds` (by default those `home` carries).
 * Answers false when another write got there first.
 */
export async function writeHomeVersioned(home: HomeItem, expected: number | undefined, storedOpenBeds = home.openBeds): Promise<boolean> {
  try {
    await dynamo().send(new PutCommand({ TableName: config.tableName, Item: homeRecord(home), ...writeCondition(expected, storedOpenBeds) }));
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}

/**
 * Many versioned home writes at once (for the Ofsted import): up to 100 in one transaction, each
 * with its own condition. When any condition fails, the chunk is written one home at a time so
 * the others still land. Answers, per write, whether it was accepted.
 */
export async function writeHomesVersioned(writes: readonly { home: HomeItem; expected: number | undefined }[]): Promise<boolean[]> {
  const results: boolean[] = [];
  for (let i = 0; i < writes.length; i += 100) {
    const chunk = writes.slice(i, i + 100);
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: chunk.map(({ home, expected }) => ({ Put: { TableName: config.tableName, Item: homeRecord(home), ...writeCondition(expected, home.openBeds) } })),
        }),
      );
      results.push(...chunk.map(() => true));
    } catch (e) {
      if (!(e instanceof TransactionCanceledException)) throw e;
      for (const w of chunk) results.push(await writeHomeVersioned(w.home, w.expected));
    }
  }
  return results;
}

/**
 * Writes prepared homes as they are, with no version check (demo data, test fixtures and bench
 * data). `ifMissing` leaves a home that already exists alone. A new home holds no open beds.
 */
export async function putHomeRecords(homes: readonly HomeItem[], opts: { ifMissing?: boolean } = {}): Promise<void> {
  const records = homes.map((h) => homeRecord({ openBeds: 0, ...h }));
  if (!opts.ifMissing) return putItemsBatch(records);
  for (const Item of records) {
    await dynamo()
      .send(new PutCommand({ TableName: config.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' }))
      .catch((e) => {
        if (!(e instanceof ConditionalCheckFailedException)) throw e;
      });
  }
}

/**
 * The beds a home's open vacancies hold: its counter, or — for a home written before the counter
 * existed — counted from its vacancies (then written with the home's next write).
 */
export async function openBedsOf(home: HomeItem): Promise<number> {
  if (home.openBeds !== undefined) return home.openBeds;
  return (await homeVacancies(home.urn)).reduce((sum, v) => sum + heldBeds(v), 0);
}

/** Every vacancy of a home (all statuses). */
export async function homeVacancies(urn: string): Promise<VacancyItem[]> {
  const { gsi1pk, gsi1sk } = keys.vacancyByHome(urn);
  const items = await queryAll({
    TableName: config.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :v)',
    ExpressionAttributeValues: { ':p': gsi1pk, ':v': gsi1sk },
  });
  return items.map(toVacancy);
}

export interface PutHomeResult {
  home: HomeItem;
  created: boolean;
}

/**
 * Creates or updates the caller's home (`PUT /v1/homes/{urn}`). Each accepted write increments
 * `version`; `ifMatch` names the version the caller last saw (412 when stale). A home owned by
 * another principal is 404, as if it did not exist. Places fewer than the beds its open vacancies
 * hold are 422. A write that races another (a home write or a vacancy's) is retried on the fresh home.
 */
export async function putHome(
  p: Principal,
  urn: string,
  input: HomeWrite,
  opts: { ifMatch?: number | '*'; now?: Date } = {},
): Promise<PutHomeResult> {
  if (p.kind === 'programme-office') throw notFound(`No home ${urn}.`);
  for (let attempt = 0; ; attempt++) {
    const existing = await getHome(urn, true);
    if (existing && !ownsHome(p, existing)) throw notFound(`No home ${urn}.`);
    if (opts.ifMatch !== undefined) {
      if (!existing) throw preconditionFailed(`Home ${urn} does not exist; If-Match cannot match.`);
      if (opts.ifMatch !== '*' && opts.ifMatch !== existing.version) {
        throw preconditionFailed(`Home ${urn} is at version ${existing.version}, not ${opts.ifMatch}.`);
      }
    }
    const openBeds = existing ? await openBedsOf(existing) : 0;
    requirePlacesForOpenBeds(input.registeredPlaces, openBeds);
    const provider = p.kind === 'provider' && existing?.provider?.id !== p.id ? await getProviderProfile(p.id) : undefined;
    const home = { ...homeFromWrite(p, urn, input, existing, { now: (opts.now ?? new Date()).toISOString(), provider }), openBeds };
    if (await writeHomeVersioned(home, existing?.version, existing?.openBeds)) {
      if (p.kind === 'provider' && existing?.provider?.id !== p.id && !provider) await ensureProviderProfile(home.provider!); // the directory knows it now
      await refreshVacancySnapshots(home);
      return { home, created: !existing };
    }
    if (attempt >= 9) throw preconditionFailed(`Home ${urn} is being changed by another writer; retry.`);
  }
}

// ---------------------------------------------------------------- copies on vacancies

/**
 * Registers a placement type as having vacancies, so search and the lapse job query its
 * partitions. The registry a table's first vacancy makes says at once that the index by place
 * (gsi3) holds every open vacancy (`byPlace`); one made before that index existed says so only
 * once the lapse job has put every open vacancy in it (`indexOpenVacanciesByPlace`).
 */
const registeredTypes = new Set<string>();
export async function registerVacancyType(placementType: string): Promise<void> {
  // remembered per table (tests and benchmarks may point one process at several stores)
  const memo = `${process.env.AWS_ENDPOINT_URL_DYNAMODB ?? ''}|${config.tableName}|${placementType}`;
  if (registeredTypes.has(memo)) return;
  try {
    await dynamo().send(
      new PutCommand({
        TableName: config.tableName,
        Item: { ...keys.vacancyTypes(), types: new Set([placementType]), byPlace: true },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: config.tableName,
          Key: keys.vacancyTypes(),
          UpdateExpression: 'ADD #t :t',
          ConditionExpression: 'attribute_not_exists(#t) OR NOT contains(#t, :one)',
          ExpressionAttributeNames: { '#t': 'types' },
          ExpressionAttributeValues: { ':t': new Set([placementType]), ':one': placementType },
        }),
      );
    } catch (e2) {
      if (!(e2 instanceof ConditionalCheckFailedException)) throw e2;
    }
  }
  registeredTypes.add(memo);
}

/** The placement types that have had open vacancies, and whether the index by place holds every open vacancy. */
export async function vacancyRegistry(): Promise<{ types: string[]; byPlace: boolean }> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.vacancyTypes(), ConsistentRead: true }));
  const types = Item?.types as Set<string> | undefined;
  return { types: types ? [...types].sort() : [], byPlace: Item?.byPlace === true };
}

export async function vacancyTypes(): Promise<string[]> {
  return (await vacancyRegistry()).types;
}

/** Records that the index by place holds every open vacancy (after `indexOpenVacanciesByPlace`). */
export async function markIndexedByPlace(): Promise<void> {
  await dynamo().send(
    new UpdateCommand({ TableName: config.tableName, Key: keys.vacancyTypes(), UpdateExpression: 'SET byPlace = :y', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':y': true } }),
  ).catch((e: unknown) => {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
  });
}

/**
 * Copies a home's new facts onto its vacancies (all of them: a lapsed one may be reconfirmed),
 * moving open ones to the new placement type's partition. A copy never goes backwards: each
 * update is conditional on the copy being older than this home version.
 */
export async function refreshVacancySnapshots(home: HomeItem): Promise<number> {
  const snapshot = homeSnapshot(home);
  let refreshed = 0;
  let registered = false;
  const { gsi1pk, gsi1sk } = keys.vacancyByHome(home.urn);
  const pages = queryPages({
    TableName: config.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :v)',
    ExpressionAttributeValues: { ':p': gsi1pk, ':v': gsi1sk },
  });
  for await (const page of pages) {
    for (const item of page) {
      let current: VacancyItem | undefined = toVacancy(item);
      for (let attempt = 0; current && attempt < 5; attempt++) {
        if ((current.home?.v ?? 0) >= home.version) break;
        if (current.status === 'open' && !registered) {
          await registerVacancyType(home.placementType);
          registered = true;
        }
        try {
          await dynamo().send(
            new PutCommand({
              TableName: config.tableName,
              Item: vacancyRecord({ ...current, home: snapshot }),
              ConditionExpression: 'version = :ver AND #h.#v < :v',
              ExpressionAttributeNames: { '#h': 'home', '#v': 'v' },
              ExpressionAttributeValues: { ':ver': current.version, ':v': home.version },
            }),
          );
          refreshed++;
          break;
        } catch (e) {
          if (!(e instanceof ConditionalCheckFailedException)) throw e;
          const fresh: Record<string, unknown> | undefined = (
            await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.vacancy(current.id), ConsistentRead: true }))
          ).Item;
          current = fresh ? toVacancy(fresh) : undefined;
        }
      }
    }
  }
  return refreshed;
}
