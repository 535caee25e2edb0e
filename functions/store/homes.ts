import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { authorityOfOutcode, normaliseOutcode } from '../domain/geo.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import { AUTHORITIES, type AuthoritySlug } from '../domain/reference/authorities.ts';
import type { CareAlongside, NeedCode, OfstedRating, PlacementType, Sex } from '../../schemas/codes.ts';
import { notFound, preconditionFailed } from '../domain/errors.ts';
import { batchGet } from './batch-get.ts';
import { config, dynamo } from './config.ts';
import { keys } from './keys.ts';
import { toVacancy, vacancyRecord, type VacancyItem } from './vacancy-record.ts';

/**
 * A home as stored (issue 3 owns its writes). Other features read homes only through
 * `getHome`: pooled beds for matching facts, spend for the provider group of a URN.
 */
export interface HomeItem {
  urn: string;
  name: string;
  /** The owning principal id: `provider:<id>` or `authority:<slug>` (in-house). */
  owner: string;
  provider?: { id: string; name: string; group: string };
  placementType: PlacementType;
  outcode?: string;
  /** The Eastern Region authority the home lies in, when it does. */
  authority?: AuthoritySlug;
  registeredPlaces: number;
  ofstedRating: OfstedRating;
  ageRange: { min: number; max: number };
  sexes: Sex[];
  supports: NeedCode[];
  excludes: NeedCode[];
  careAlongside?: CareAlongside;
  weeklyPrice?: number;
  shareWithRegion?: boolean;
  version: number;
  updatedAt: string;
  // --- from the Ofsted register, when imported (optional; not part of the API's home) ---
  /** `private`, `voluntary`, `local-authority`, `academy`, `health-authority`. */
  sector?: string;
  /** Ofsted's provision type, e.g. `Children's home`. */
  provisionType?: string;
  /** The local authority as Ofsted writes it (for homes outside the region too). */
  ofstedLocalAuthority?: string;
  /** Date of the latest full inspection, `YYYY-MM-DD`. */
  inspectedOn?: string;
  /** The date of the register the Ofsted facts came from, `YYYY-MM-DD`. */
  ofstedAsAt?: string;
  /** Where the home was first written from. */
  source?: 'api' | 'ofsted' | 'demo';
}

export type ProviderRef = NonNullable<HomeItem['provider']>;

/** The facts of a home a vacancy carries for search (copied; refreshed when the home changes). */
export interface HomeSnapshot {
  /** The home version the copy was taken from. */
  v: number;
  name: string;
  owner: string;
  provider?: ProviderRef;
  placementType: PlacementType;
  outcode?: string;
  authority?: AuthoritySlug;
  registeredPlaces: number;
  ofstedRating: OfstedRating;
  ageRange: { min: number; max: number };
  sexes: Sex[];
  supports: NeedCode[];
  excludes: NeedCode[];
  careAlongside?: CareAlongside;
  weeklyPrice?: number;
  shareWithRegion?: boolean;
}

/** The body of `PUT /v1/homes/{urn}` after validation. */
export interface HomeWrite {
  name: string;
  placementType: PlacementType;
  outcode?: string;
  registeredPlaces: number;
  ofstedRating: OfstedRating;
  ageRange: { min: number; max: number };
  sexes: Sex[];
  supports: NeedCode[];
  excludes: NeedCode[];
  careAlongside?: CareAlongside;
  weeklyPrice?: number;
  shareWithRegion?: boolean;
}

const HOME_ATTRIBUTES = [
  'urn', 'name', 'owner', 'provider', 'placementType', 'outcode', 'authority', 'registeredPlaces', 'ofstedRating', 'ageRange',
  'sexes', 'supports', 'excludes', 'careAlongside', 'weeklyPrice', 'shareWithRegion', 'version', 'updatedAt', 'sector',
  'provisionType', 'ofstedLocalAuthority', 'inspectedOn', 'ofstedAsAt', 'source',
] as const satisfies readonly (keyof HomeItem)[];

/** A stored home item as the HomeItem the API knows (storage keys dropped). */
export function toHome(item: Record<string, unknown>): HomeItem {
  const home: Record<string, unknown> = {};
  for (const k of HOME_ATTRIBUTES) if (item[k] !== undefined) home[k] = item[k];
  return home as unknown as HomeItem;
}

export async function getHome(urn: string): Promise<HomeItem | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.home(urn) }));
  return Item ? toHome(Item) : undefined;
}

async function getHomeConsistent(urn: string): Promise<HomeItem | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.home(urn), ConsistentRead: true }));
  return Item ? toHome(Item) : undefined;
}

/** Many homes by URN; missing URNs are absent from the map. */
export async function getHomes(urns: readonly string[]): Promise<Map<string, HomeItem>> {
  const items = await batchGet(urns.map((u) => keys.home(u)));
  return new Map(items.map((item) => [String(item.urn), toHome(item)]));
}

/**
 * Whether a principal may read a home: the programme office every home; its owner; an
 * authority any provider home and any in-house home shared with the region. Otherwise the
 * home is, to that caller, not there.
 */
export function canSeeHome(p: Principal, home: Pick<HomeItem, 'owner' | 'shareWithRegion'>): boolean {
  if (p.kind === 'programme-office') return true;
  if (home.owner === principalId(p)) return true;
  if (p.kind === 'authority') return !home.owner.startsWith('authority:') || home.shareWithRegion === true;
  return false;
}

/** A home as the caller may see it, or 404. */
export async function readHome(p: Principal, urn: string): Promise<HomeItem> {
  const home = await getHome(urn);
  if (!home || !canSeeHome(p, home)) throw notFound(`No home ${urn}.`);
  return home;
}

/** The caller's own home, or 404 (another principal's home is 404 too). */
export async function ownHome(p: Principal, urn: string, consistent = false): Promise<HomeItem> {
  const home = consistent ? await getHomeConsistent(urn) : await getHome(urn);
  if (!home || home.owner !== principalId(p)) throw notFound(`No home ${urn}.`);
  return home;
}

export function isInHouse(home: Pick<HomeItem, 'owner'>): boolean {
  return home.owner.startsWith('authority:');
}

// ---------------------------------------------------------------- provider organisations

export async function getProviderProfile(id: string): Promise<ProviderRef | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.providerProfile(id) }));
  return Item ? { id: String(Item.id), name: String(Item.name), group: String(Item.group) } : undefined;
}

/** Records a provider organisation's name and group (idempotent: unchanged profiles are not rewritten). */
export async function putProviderProfile(profile: ProviderRef, now = new Date()): Promise<void> {
  await dynamo()
    .send(
      new PutCommand({
        TableName: config.tableName,
        Item: { ...keys.providerProfile(profile.id), type: 'providerProfile', ...profile, updatedAt: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR #n <> :n OR #g <> :g',
        ExpressionAttributeNames: { '#n': 'name', '#g': 'group' },
        ExpressionAttributeValues: { ':n': profile.name, ':g': profile.group },
      }),
    )
    .catch((e) => {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    });
}

/** Records many provider profiles, writing only those that are new or changed (BatchGet, then BatchWrite). */
export async function putProviderProfiles(profiles: readonly ProviderRef[], now = new Date()): Promise<number> {
  const stored = new Map((await batchGet(profiles.map((p) => keys.providerProfile(p.id)))).map((item) => [String(item.id), item]));
  const changed = profiles.filter((p) => {
    const s = stored.get(p.id);
    return !s || s.name !== p.name || s.group !== p.group;
  });
  for (let i = 0; i < changed.length; i += 25) {
    let request: Record<string, unknown[]> | undefined = {
      [config.tableName]: changed.slice(i, i + 25).map((p) => ({
        PutRequest: { Item: { ...keys.providerProfile(p.id), type: 'providerProfile', ...p, updatedAt: now.toISOString() } },
      })),
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      const out = await dynamo().send(new BatchWriteCommand({ RequestItems: request as never }));
      request = out.UnprocessedItems as typeof request;
      if (request && Object.keys(request).length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
    }
  }
  return changed.length;
}

/** An authority's in-house provision, as a provider reference. */
export function inHouseProvider(slug: AuthoritySlug, organisation?: string): ProviderRef {
  const name = organisation ?? `${AUTHORITIES.find((a) => a.id === slug)!.name} (in-house)`;
  return { id: slug, name, group: name };
}

// ---------------------------------------------------------------- writes

function homeItem(home: HomeItem): Record<string, unknown> {
  return { ...keys.home(home.urn), ...keys.homeByOwner(home.owner, home.urn), type: 'home', ...home };
}

/**
 * Writes a whole home item if the stored version is still `expected` (undefined: the home must
 * not exist yet). Answers false when another write got there first.
 */
export async function writeHomeVersioned(home: HomeItem, expected: number | undefined): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: config.tableName,
        Item: homeItem(home),
        ...(expected === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expected } }),
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}

/**
 * Many versioned home writes at once (for the Ofsted import): up to 100 in one transaction, each
 * with its own version condition. When any condition fails, the chunk is written one home at a
 * time so the others still land. Answers, per write, whether it was accepted.
 */
export async function writeHomesVersioned(writes: readonly { home: HomeItem; expected: number | undefined }[]): Promise<boolean[]> {
  const results: boolean[] = [];
  for (let i = 0; i < writes.length; i += 100) {
    const chunk = writes.slice(i, i + 100);
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: chunk.map(({ home, expected }) => ({
            Put: {
              TableName: config.tableName,
              Item: homeItem(home),
              ...(expected === undefined
                ? { ConditionExpression: 'attribute_not_exists(pk)' }
                : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expected } }),
            },
          })),
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

export interface PutHomeResult {
  home: HomeItem;
  created: boolean;
}

/**
 * Creates or updates the caller's home (`PUT /v1/homes/{urn}`). Each accepted write increments
 * `version`; `ifMatch` names the version the caller last saw (412 when stale). A home owned by
 * another principal is 404, as if it did not exist. Without `ifMatch`, a write that races
 * another is retried on the fresh home.
 */
export async function putHome(
  p: Principal,
  urn: string,
  input: HomeWrite,
  opts: { ifMatch?: number | '*'; now?: Date } = {},
): Promise<PutHomeResult> {
  if (p.kind === 'programme-office') throw notFound(`No home ${urn}.`);
  const owner = principalId(p);
  for (let attempt = 0; ; attempt++) {
    const existing = await getHomeConsistent(urn);
    if (existing && existing.owner !== owner) throw notFound(`No home ${urn}.`);
    if (opts.ifMatch !== undefined) {
      if (!existing) throw preconditionFailed(`Home ${urn} does not exist; If-Match cannot match.`);
      if (opts.ifMatch !== '*' && opts.ifMatch !== existing.version) {
        throw preconditionFailed(`Home ${urn} is at version ${existing.version}, not ${opts.ifMatch}.`);
      }
    }
    const now = (opts.now ?? new Date()).toISOString();
    const outcode = input.outcode ? normaliseOutcode(input.outcode) : undefined;
    let provider: ProviderRef;
    if (p.kind === 'provider') {
      provider = existing?.provider?.id === p.id ? existing.provider : (await getProviderProfile(p.id)) ?? { id: p.id, name: p.id, group: p.id };
    } else provider = existing?.provider?.id === p.id ? existing.provider : inHouseProvider(p.id);
    const authority = outcode ? authorityOfOutcode(outcode) : (existing?.authority ?? (p.kind === 'authority' ? p.id : undefined));
    const home: HomeItem = {
      ...(existing ?? {}),
      urn,
      name: input.name,
      owner,
      provider,
      placementType: input.placementType,
      outcode,
      authority,
      registeredPlaces: input.registeredPlaces,
      ofstedRating: input.ofstedRating,
      ageRange: { min: input.ageRange.min, max: input.ageRange.max },
      sexes: [...input.sexes],
      supports: [...input.supports],
      excludes: [...input.excludes],
      careAlongside: input.careAlongside,
      weeklyPrice: input.weeklyPrice,
      shareWithRegion: p.kind === 'authority' ? (input.shareWithRegion ?? existing?.shareWithRegion ?? false) : undefined,
      version: (existing?.version ?? 0) + 1,
      updatedAt: now,
      source: existing?.source ?? 'api',
    };
    if (await writeHomeVersioned(home, existing?.version)) {
      await refreshVacancySnapshots(home);
      return { home, created: !existing };
    }
    if (opts.ifMatch !== undefined) throw preconditionFailed(`Home ${urn} changed while writing; read it again.`);
    if (attempt >= 4) throw preconditionFailed(`Home ${urn} is being changed by another writer; retry.`);
  }
}

/** The caller's own homes, by URN. */
export async function listOwnHomes(
  p: Principal,
  opts: { limit: number; startKey?: Record<string, unknown> },
): Promise<{ items: HomeItem[]; lastKey?: Record<string, unknown> }> {
  const { gsi1pk } = keys.homeByOwner(principalId(p));
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :h)',
      ExpressionAttributeValues: { ':p': gsi1pk, ':h': 'HOME#' },
      Limit: opts.limit,
      ExclusiveStartKey: opts.startKey,
    }),
  );
  return { items: (out.Items ?? []).map(toHome), lastKey: out.LastEvaluatedKey };
}

// ---------------------------------------------------------------- copies on vacancies

export function homeSnapshot(home: HomeItem): HomeSnapshot {
  const s: HomeSnapshot = {
    v: home.version,
    name: home.name,
    owner: home.owner,
    provider: home.provider,
    placementType: home.placementType,
    outcode: home.outcode,
    authority: home.authority,
    registeredPlaces: home.registeredPlaces,
    ofstedRating: home.ofstedRating,
    ageRange: home.ageRange,
    sexes: home.sexes,
    supports: home.supports,
    excludes: home.excludes,
    careAlongside: home.careAlongside,
    weeklyPrice: home.weeklyPrice,
    shareWithRegion: home.shareWithRegion,
  };
  for (const k of Object.keys(s) as (keyof HomeSnapshot)[]) if (s[k] === undefined) delete s[k];
  return s;
}

/** Registers a placement type as having vacancies, so search and the lapse job query its partitions. */
const registeredTypes = new Set<string>();
export async function registerVacancyType(placementType: string): Promise<void> {
  // remembered per table (tests and benchmarks may point one process at several stores)
  const memo = `${process.env.AWS_ENDPOINT_URL_DYNAMODB ?? ''}|${config.tableName}|${placementType}`;
  if (registeredTypes.has(memo)) return;
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
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
  }
  registeredTypes.add(memo);
}

export async function vacancyTypes(): Promise<string[]> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.vacancyTypes(), ConsistentRead: true }));
  const types = Item?.types as Set<string> | undefined;
  return types ? [...types].sort() : [];
}

/**
 * Copies a home's new facts onto its vacancies (all of them: a lapsed one may be reconfirmed),
 * moving open ones to the new placement type's partition. A copy never goes backwards: each
 * update is conditional on the copy being older than this home version.
 */
export async function refreshVacancySnapshots(home: HomeItem): Promise<number> {
  const snapshot = homeSnapshot(home);
  let refreshed = 0;
  let start: Record<string, unknown> | undefined;
  let registered = false;
  const { gsi1pk } = keys.vacancyByHome(home.urn);
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: config.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :v)',
        ExpressionAttributeValues: { ':p': gsi1pk, ':v': 'VACANCY#' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
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
    start = page.LastEvaluatedKey;
  } while (start);
  return refreshed;
}
