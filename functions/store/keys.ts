import { principalId, type Principal } from '../domain/principal.ts';

/**
 * Every key shape in the single table, in one place (pk/sk, gsi1pk/gsi1sk, gsi2pk/gsi2sk, gsi3pk/gsi3sk).
 * Anything tenant-owned is keyed by the owning principal, which comes from the caller's
 * principal and never from input. Nothing outside functions/store builds a key. Imported as a
 * namespace (`import * as keys`), so each Lambda bundles only the shapes it uses.
 */

/** Open vacancies are spread over this many gsi2 partitions per placement type. */
const OPEN_VACANCY_SHARDS = 4;

export interface Key {
  pk: string;
  sk: string;
}

// --- identity ---
/** An API key, by the SHA-256 of its value; gsi1 lists a principal's keys. */
export const apiKey = (hash: string): Key => ({ pk: `APIKEY#${hash}`, sk: 'APIKEY' });
export const apiKeyByPrincipal = (p: Principal, hash?: string) => ({
  gsi1pk: `PRINCIPAL#${principalId(p)}`,
  gsi1sk: hash === undefined ? 'APIKEY#' : `APIKEY#${hash}`,
});
/** gsi1: the principal's keys whose hash starts with `hashPrefix` (a key id is the first 16 hex digits of the hash). */
export const apiKeysOfPrincipal = (p: Principal, hashPrefix = '') => ({ gsi1pk: `PRINCIPAL#${principalId(p)}`, gsi1skPrefix: `APIKEY#${hashPrefix}` });
/** The hash of the key an API key item stands for. */
export const apiKeyHashOf = (item: { pk?: unknown }): string => String(item.pk).slice('APIKEY#'.length);
/**
 * A person who signs in at the local OpenID provider (infra/local/oidc.ts), by lower-cased email:
 * their `sub`, organisation, roles and an scrypt hash of their password (never the password).
 * gsi1 finds them by `sub` (what a token names); gsi2 lists an organisation's people.
 */
export const person = (email: string): Key => ({ pk: `PERSON#${email.toLowerCase()}`, sk: 'PERSON' });
export const personBySub = (sub: string) => ({ gsi1pk: `PERSONSUB#${sub}`, gsi1sk: 'PERSON' });
export const peopleOf = (principal: string, email?: string) => ({ gsi2pk: `PEOPLE#${principal}`, gsi2sk: email === undefined ? 'PERSON#' : `PERSON#${email.toLowerCase()}` });
/** A stored answer to a creating POST, scoped to the calling principal. */
export const idempotency = (p: Principal, idempotencyKey: string): Key => ({
  pk: `IDEMPOTENCY#${principalId(p)}#${idempotencyKey}`,
  sk: 'IDEMPOTENCY',
});

// --- homes & vacancies (issue 3) ---
/**
 * A home, by Ofsted URN (one per URN across the region; its owner is an attribute). The item
 * also keeps `openBeds`, the beds its open vacancies hold, changed in the same transaction
 * as every vacancy write (store/vacancies.ts). Built only by store/home-record.ts.
 */
export const home = (urn: string): Key => ({ pk: `HOME#${urn}`, sk: 'HOME' });
/** gsi1: an owner's homes, by URN (without `urn`: the partition and the sort-key prefix to query). */
export const homeByOwner = (owner: string, urn?: string) => ({ gsi1pk: `HOMES#OWNER#${owner}`, gsi1sk: urn === undefined ? 'HOME#' : `HOME#${urn}` });
/** A provider organisation's name and group (from the Ofsted register, the demo, or its first home posted). */
export const providerProfile = (providerId: string): Key => ({ pk: `PROVIDER#${providerId}`, sk: 'PROFILE' });
/** gsi2, on every provider profile: the provider directory (`GET /v1/providers`), in id order. */
export const providerListing = (providerId?: string) => ({ gsi2pk: 'PROVIDERS', gsi2sk: providerId === undefined ? 'PROVIDER#' : `PROVIDER#${providerId}` });
/** A vacancy, by id; its home's facts are copied onto it (`home`) for search. */
export const vacancy = (id: string): Key => ({ pk: `VACANCY#${id}`, sk: 'VACANCY' });
/** gsi1: a home's vacancies, oldest first (without `createdAt`: the partition and the sort-key prefix). */
export const vacancyByHome = (urn: string, createdAt?: string, id?: string) => ({
  gsi1pk: `HOME#${urn}#VACANCIES`,
  gsi1sk: createdAt === undefined ? 'VACANCY#' : `VACANCY#${createdAt}#${id}`,
});
export const openVacancyShards = OPEN_VACANCY_SHARDS;
/** The shard of a vacancy id (FNV-1a of the id, modulo openVacancyShards). */
export const vacancyShard = (id: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % OPEN_VACANCY_SHARDS;
};
/**
 * gsi2, sparse: open vacancies, partitioned by placement type and a small fixed shard, sorted
 * by expiry. Search queries `gsi2sk > now` (so a lapsed vacancy is never read, whether or not
 * the lapse job has run); the lapse job queries `gsi2sk <= openVacancyExpiredBy(now)`.
 * Removed when not open.
 */
export const openVacancy = (placementType: string, shard: number, expiresAt?: string, id?: string) => ({
  gsi2pk: `VACANCIES#OPEN#${placementType}#${shard}`,
  gsi2sk: expiresAt === undefined ? '' : `${expiresAt}#${id}`,
});
/** The highest open-index sort key of a vacancy that expired at or before `at` (every id sorts below U+FFFF). */
export const openVacancyExpiredBy = (at: string): string => `${at}#\uffff`;
/** The open-index partitions of the given placement types: each type × every shard. */
export const openVacancyPartitions = (placementTypes: readonly string[]): string[] =>
  placementTypes.flatMap((t) => Array.from({ length: OPEN_VACANCY_SHARDS }, (_, s) => openVacancy(t, s).gsi2pk));
/**
 * gsi3, sparse: open vacancies by place (issue 16; the strips and places are domain/near.ts).
 * A located vacancy sits in the partition of its placement type × strip of the grid, sorted by
 * northing (`openVacancyNear`); a search reads one northing range per strip its disc touches
 * (`openVacancyNearRange`), leaving out expired ones by a filter on `expiresAt` (counted as
 * read). A vacancy whose home has no location sits in its type's `none` partition, sorted by
 * expiry like gsi2 (`gsi3sk > now`). Set and removed with the open-index entry (gsi2) by
 * store/vacancy-record.ts, so the two never disagree. No write sharding: a partition takes a
 * strip's vacancy writes (a few an hour), far below a partition's 1,000 writes a second, and
 * a read of it is one range of its sort key however many homes share one centroid.
 */
export const openVacancyNear = (placementType: string, place: { strip: number; northing: number } | undefined, expiresAt: string, id: string) =>
  place === undefined
    ? { gsi3pk: `VACANCIES#NEAR#${placementType}#none`, gsi3sk: `${expiresAt}#${id}` }
    : { gsi3pk: `VACANCIES#NEAR#${placementType}#${place.strip}`, gsi3sk: `${northingKey(place.northing)}#${id}` };
const northingKey = (n: number): string => String(Math.max(0, n)).padStart(7, '0');
/** gsi3: the partition and sort-key bounds of a northing range (both included) of one strip. */
export const openVacancyNearRange = (placementType: string, strip: number, from: number, to: number) => ({
  gsi3pk: `VACANCIES#NEAR#${placementType}#${strip}`,
  gsi3skFrom: northingKey(from),
  gsi3skTo: `${northingKey(to)}#\uffff`,
});
/** gsi3: the partition of the open vacancies of a type whose homes have no location. */
export const openVacancyUnlocated = (placementType: string) => ({ gsi3pk: `VACANCIES#NEAR#${placementType}#none` });
/** The placement types that have ever had a vacancy: which gsi2 partitions exist; `byPlace` once gsi3 holds every open vacancy. */
export const vacancyTypes = (): Key => ({ pk: 'VACANCIES#TYPES', sk: 'REGISTRY' });

// --- pooled beds (issue 4) ---
// bed by id .............................. pk POOLBED#<id>, sk BED
// every bed (list, ledger, candidates) ... gsi1 POOLBEDS / BED#<id>
// an authority's request by id ........... pk POOLREQ#<slug>, sk REQ#<id>   (slug from the caller's key;
//                                          the programme office takes it from the id, req_<slug>_…)
// an authority's requests, newest first .. pk POOLREQ#<slug>, begins_with REQ#
// every request, newest first ............ gsi1 POOLREQS / REQ#<createdAt>#<id>
// an authority's allocation by id ........ pk POOLALLOC#<slug>, sk ALLOC#<id>  (alc_<slug>_…)
// an authority's allocations ............. pk POOLALLOC#<slug>, begins_with ALLOC#
// allocation history by start date ....... gsi1 POOLALLOCS / ALLOC#<startDate>#<id>  (≤ to: the ledger)
// a bed's audit trail, in time order ..... pk POOLAUDIT#<bedId>, sk AT#<iso time>#<uuid>  (write-once)
/** A pooled bed (the region's, not a tenant's); gsi1 lists every bed in id order. */
export const poolBed = (id: string): Key => ({ pk: `POOLBED#${id}`, sk: 'BED' });
export const poolBedList = (id: string) => ({ gsi1pk: 'POOLBEDS', gsi1sk: `BED#${id}` });
/** gsi1: every pooled bed. */
export const poolBeds = () => ({ gsi1pk: 'POOLBEDS' });
/** An authority's request for a pooled bed, under the owning authority; gsi1 lists all, by time, for the programme office. */
export const poolRequest = (owner: import('../domain/reference/authorities.ts').AuthoritySlug, id: string): Key => ({ pk: `POOLREQ#${owner}`, sk: `REQ#${id}` });
export const poolRequestList = (createdAt: string, id: string) => ({ gsi1pk: 'POOLREQS', gsi1sk: `REQ#${createdAt}#${id}` });
/** An authority's own requests (base table), and every request (gsi1). */
export const poolRequestsOf = (owner: import('../domain/reference/authorities.ts').AuthoritySlug) => ({ pk: `POOLREQ#${owner}`, skPrefix: 'REQ#' });
export const poolRequests = () => ({ gsi1pk: 'POOLREQS' });
/** An allocation of a pooled bed, under the authority it is for; gsi1 lists all by start date (the ledger's history). */
export const poolAllocation = (owner: import('../domain/reference/authorities.ts').AuthoritySlug, id: string): Key => ({ pk: `POOLALLOC#${owner}`, sk: `ALLOC#${id}` });
export const poolAllocationList = (startDate: string, id: string) => ({ gsi1pk: 'POOLALLOCS', gsi1sk: `ALLOC#${startDate}#${id}` });
/** An authority's own allocations (base table), and every allocation (gsi1). */
export const poolAllocationsOf = (owner: import('../domain/reference/authorities.ts').AuthoritySlug) => ({ pk: `POOLALLOC#${owner}`, skPrefix: 'ALLOC#' });
export const poolAllocations = () => ({ gsi1pk: 'POOLALLOCS' });
/** gsi1: every allocation starting on or before `date` (gsi1sk <= gsi1skMax). */
export const poolAllocationsStartingBy = (date: string) => ({ gsi1pk: 'POOLALLOCS', gsi1skMax: `ALLOC#${date}#~` });
/** Write-once audit of a pooled bed's allocations, in time order per bed. */
export const poolAudit = (bedId: string, at: string, id: string): Key => ({ pk: `POOLAUDIT#${bedId}`, sk: `AT#${at}#${id}` });
export const poolAuditTrail = (bedId: string) => ({ pk: `POOLAUDIT#${bedId}` });

// --- referrals, consent, audit (issue 5) ---
/** A referral; its providers' responses live in the same partition (`RESPONSE#provider:<id>`). */
export const referral = (id: string): Key => ({ pk: `REFERRAL#${id}`, sk: 'REFERRAL' });
export const referralPartition = (id: string) => ({ pk: `REFERRAL#${id}` });
export const referralResponse = (id: string, provider: Principal): Key => ({ pk: `REFERRAL#${id}`, sk: `RESPONSE#${principalId(provider)}` });
/** The owning authority's index of its referrals, one pointer item each, sorted by creation. */
export const referralsOf = (owner: Principal) => ({ pk: `REFERRALS#${principalId(owner)}`, skPrefix: 'REFERRAL#' });
export const referralOf = (owner: Principal, createdAt: string, id: string): Key => ({ pk: `REFERRALS#${principalId(owner)}`, sk: `REFERRAL#${createdAt}#${id}` });
/** A provider's index of the referrals shared with it (read with the decision applied to each). */
export const sharedWith = (provider: Principal) => ({ pk: `SHARED#${principalId(provider)}`, skPrefix: 'REFERRAL#' });
export const sharedReferral = (provider: Principal, createdAt: string, id: string): Key => ({ pk: `SHARED#${principalId(provider)}`, sk: `REFERRAL#${createdAt}#${id}` });
/**
 * An audit entry: one per non-owner access to a referral, write-once. The base key orders a
 * referral's trail by time; gsi1 gathers an owning authority's trail, gsi2 the whole region's.
 */
export const auditTrail = (referralId: string) => ({ pk: `AUDIT#${referralId}` });
export const auditEntry = (referralId: string, at: string, requestId: string): Key => ({ pk: `AUDIT#${referralId}`, sk: `${at}#${requestId}` });
export const auditByOwner = (owner: string, at?: string, referralId?: string, requestId?: string) => ({
  gsi1pk: `AUDIT#OWNER#${owner}`,
  ...(at !== undefined ? { gsi1sk: `${at}#${referralId}#${requestId}` } : {}),
});
export const auditOfRegion = (at?: string, referralId?: string, requestId?: string) => ({
  gsi2pk: 'AUDIT#ALL',
  ...(at !== undefined ? { gsi2sk: `${at}#${referralId}#${requestId}` } : {}),
});

// --- spend and rollups (issue 6) ---
/** A spend batch, under the authority that posted it (the batch id is a hash of its accepted lines). */
export const spendBatch = (authority: string, batchId: string): Key => ({ pk: `SPEND#${authority}`, sk: `BATCH#${batchId}` });
/** gsi1: an authority's batches, newest first. */
export const spendBatchByTime = (authority: string, receivedAt?: string, batchId?: string) => ({
  gsi1pk: `SPEND#${authority}#BATCHES`,
  gsi1sk: receivedAt === undefined ? '' : `${receivedAt}#${batchId}`,
});
/** One entry per month a batch has lines in: a rollup queries the months of its period. */
export const spendMonthBatch = (month: string, authority: string, batchId: string): Key => ({
  pk: `SPENDMONTH#${month}`,
  sk: `BATCH#${authority}#${batchId}`,
});
export const spendMonthBatchPrefix = (month: string) => ({ pk: `SPENDMONTH#${month}`, skPrefix: 'BATCH#' });
/** When a month's spend last changed (a batch added or deleted): rollups derive generatedAt from it. */
export const spendMonthMeta = (month: string): Key => ({ pk: `SPENDMONTH#${month}`, sk: 'META' });
/** The month a spendMonthMeta (or spendMonthBatch) item is of. */
export const spendMonthOf = (item: { pk?: unknown }): string => String(item.pk).slice('SPENDMONTH#'.length);
/** A provider-group mapping entry made by the programme office, by normalised group name. */
export const providerGroupMapping = (groupKey: string): Key => ({ pk: 'PROVIDERGROUPS', sk: `GROUP#${groupKey}` });
export const providerGroupMappingPrefix = () => ({ pk: 'PROVIDERGROUPS', skPrefix: 'GROUP#' });
/** S3: a batch's objects, under the authority's prefix (each attempt to store a batch names its own). */
export const spendObject = (authority: string, batchId: string, name: string): string => `batches/${authority}/${batchId}/${name}`;
/** S3: a rollup's published objects (provider-groups.json, provider-groups.csv, manifest.json). */
export const rollupObject = (period: string, name: string): string => `rollups/${period}/${name}`;
/** S3: one run's immutable objects; the manifest points at the run it commits. */
export const rollupRunObject = (period: string, runId: string, name: string): string => `rollups/${period}/runs/${runId}/${name}`;

// --- placements (issue 12) ---
// a placement by id ....................... pk PLACEMENTS#<slug>, sk PLACEMENT#<id>   (id plc_<slug>_…: the programme office takes the slug from it)
// an authority's placements ............... pk PLACEMENTS#<slug>, begins_with PLACEMENT#
// placements in an owner's homes .......... gsi1 PLACEMENTS#HOMEOWNER#<owner principal> / <startDate>#<id>
// every placement (programme office) ...... gsi2 PLACEMENTS#ALL / <createdAt>#<id>
// a notice delivered to a host (of the 11)  pk NOTICES#<host slug>, sk NOTICE#<sentAt>#<noticeId>
/** A placement, under the placing authority. */
export const placement = (authority: string, id: string): Key => ({ pk: `PLACEMENTS#${authority}`, sk: `PLACEMENT#${id}` });
export const placementsOf = (authority: string) => ({ pk: `PLACEMENTS#${authority}`, skPrefix: 'PLACEMENT#' });
/** gsi1: the placements in an owner's homes, by start date (a provider reads these). */
export const placementByHomeOwner = (owner: string, startDate?: string, id?: string) => ({
  gsi1pk: `PLACEMENTS#HOMEOWNER#${owner}`,
  gsi1sk: startDate === undefined ? '' : `${startDate}#${id}`,
});
/** gsi2: every placement, by creation (the programme office). */
export const placementOfRegion = (createdAt?: string, id?: string) => ({
  gsi2pk: 'PLACEMENTS#ALL',
  gsi2sk: createdAt === undefined ? '' : `${createdAt}#${id}`,
});
/** A reg 13(4) notice the hub delivered to a host authority that is one of the 11. */
export const deliveredNotice = (host: string, sentAt: string, noticeId: string): Key => ({ pk: `NOTICES#${host}`, sk: `NOTICE#${sentAt}#${noticeId}` });
export const deliveredNoticesOf = (host: string) => ({ pk: `NOTICES#${host}`, skPrefix: 'NOTICE#' });

// --- offers (issue 12) ---
// an offer by id .......................... pk REFERRAL#<referralId>, sk OFFER#<id>   (id off_<referralId>_<random>: one GetItem)
// a referral's offers (owner; rivals) ..... pk REFERRAL#<referralId>, begins_with OFFER#   (the referral's own partition)
// one open offer per home and referral .... pk REFERRAL#<referralId>, sk OFFERHOME#<urn>   (guard: the open offer and its holdUntil)
// a provider's own offers ................. gsi1 OFFERS#provider:<id> / <createdAt>#<id>
/** An offer, in its referral's partition. */
export const offer = (referralId: string, id: string): Key => ({ pk: `REFERRAL#${referralId}`, sk: `OFFER#${id}` });
/** The referral an offer id names (`off_<referralId>_<random>`), or undefined for an id of another shape. */
export { referralOfOffer } from '../domain/events.ts';
/** The guard that keeps one open offer of a home on a referral: it names the offer and when its hold ends. */
export const offerHomeGuard = (referralId: string, urn: string): Key => ({ pk: `REFERRAL#${referralId}`, sk: `OFFERHOME#${urn}` });
/**
 * gsi2, sparse: open offers by when their hold ends (the reminders job reads the next 2 hours).
 * On the offer item while it is stored `open` (store/offer-record.ts offerItem); an offer
 * superseded by an acceptance keeps it, and the job reads the referral to judge it.
 */
export const openOfferByHold = (holdUntil?: string, id?: string) => ({
  gsi2pk: 'OFFERS#OPEN#BYHOLD',
  gsi2sk: holdUntil === undefined ? '' : `${holdUntil}#${id}`,
});
/** gsi1: a provider's own offers, by creation. */
export const offerByProvider = (provider: string, createdAt?: string, id?: string) => ({
  gsi1pk: `OFFERS#${provider}`,
  gsi1sk: createdAt === undefined ? '' : `${createdAt}#${id}`,
});

// --- events (issue 15) ---
/**
 * The outbox and the feed in one: an event for one recipient, written in the same transaction as
 * the change it reports; `GET /v1/events` reads the recipient's partition oldest first; the
 * table's stream carries each new one to delivery. TTL on `ttl` (domain/events.ts eventExpiry).
 */
export const event = (recipient: string, occurredAt: string, id: string): Key => ({ pk: `EVENTS#${recipient}`, sk: `EVENT#${occurredAt}#${id}` });
export const eventsOf = (recipient: string) => ({ pk: `EVENTS#${recipient}`, skPrefix: 'EVENT#' });
/**
 * A reminder sent (vacancy.expiring, hold.expiring, notice.due), written once with its event by a
 * conditional put: one per subject, type and deadline, so re-runs of the job never send it twice
 * while a deadline that moves (a vacancy reconfirmed) is reminded of again.
 */
export const reminderSent = (type: string, subjectId: string, deadline: string): Key => ({ pk: `REMINDER#${type}#${subjectId}`, sk: `DUE#${deadline}` });
/**
 * The durable tail of an acceptance (store/supersede-tail.ts): the rivals' hold releases and
 * `offer.superseded` events its transaction had no room for, written in that transaction and
 * deleted once written; indexed by when, so a job finishes one an acceptance left behind.
 */
export const supersedeTail = (referralId: string, n: number): Key => ({ pk: `REFERRAL#${referralId}`, sk: `SUPERSEDE-TAIL#${n}` });
export const supersedeTailAt = (createdAt: string, referralId: string, n: number) => ({ gsi2pk: 'SUPERSEDE#TAILS', gsi2sk: `${createdAt}#${referralId}#${n}` });
export const supersedeTails = { gsi2pk: 'SUPERSEDE#TAILS' } as const;
/** A rival of a tail written (its offer.superseded and hold release), once: an offer is superseded once. */
export const supersededSent = (offerId: string): Key => ({ pk: `SUPERSEDED#${offerId}`, sk: 'SENT' });
/** A rollup run whose `rollup.published` events were written (once per period and run). */
export const rollupPublished = (period: string, runId: string): Key => ({ pk: `ROLLUPPUBLISHED#${period}`, sk: `RUN#${runId}` });

// --- organisations (issue 13) ---
// a provider's accession to an agreement version .. pk ACCESSIONS#<agreementId>, sk ACCESSION#<version>#<providerId>  (write-once)
// an agreement's accession register ............... pk ACCESSIONS#<agreementId>, begins_with ACCESSION#
/** One entry of an agreement's accession register: a provider party to one version by accession. */
export const accession = (agreementId: string, version: string, providerId: string): Key => ({ pk: `ACCESSIONS#${agreementId}`, sk: `ACCESSION#${version}#${providerId}` });
export const accessionsOf = (agreementId: string) => ({ pk: `ACCESSIONS#${agreementId}`, skPrefix: 'ACCESSION#' });

// --- the console (issue 14) ---
/**
 * When a person last viewed one of the console's lists (`list`, e.g. `referrals-shared`), under
 * their organisation and `sub`: the provider's "new since my last visit" (store/last-viewed.ts).
 */
export const lastViewed = (p: Principal, sub: string, list: string): Key => ({ pk: `LASTVIEWED#${principalId(p)}#${sub}`, sk: `LIST#${list}` });

// --- webhooks (issue 15) ---
/**
 * A principal's webhook, in the owner's partition: the webhooks an event's recipient has are one
 * Query (`webhooksOf(recipient)`), and another principal's id is simply not there (404).
 */
export const webhook = (owner: string, id: string): Key => ({ pk: `WEBHOOKS#${owner}`, sk: `WEBHOOK#${id}` });
export const webhooksOf = (owner: string) => ({ pk: `WEBHOOKS#${owner}`, skPrefix: 'WEBHOOK#' });
/** One delivery attempt of an event to a webhook, in time order (TTL: the delivery log's retention). */
export const delivery = (webhookId: string, at: string, eventId: string, attempt: number): Key => ({
  pk: `DELIVERIES#${webhookId}`,
  sk: `DELIVERY#${at}#${eventId}#${String(attempt).padStart(2, '0')}`,
});
export const deliveriesOf = (webhookId: string) => ({ pk: `DELIVERIES#${webhookId}`, skPrefix: 'DELIVERY#' });
/**
 * Locally only (infra/local/event-poller.ts; in AWS the SQS queue holds them): a delivery waiting
 * for its next attempt, one per webhook and event; gsi2 orders them by when they are due.
 */
export const dueDelivery = (webhookId: string, eventId: string): Key => ({ pk: 'WEBHOOKS#DUE', sk: `DUE#${webhookId}#${eventId}` });
export const dueDeliveryAt = (dueAt: string, webhookId: string, eventId: string) => ({ gsi2pk: 'WEBHOOKS#DUE', gsi2sk: `${dueAt}#${webhookId}#${eventId}` });
export const dueDeliveries = { gsi2pk: 'WEBHOOKS#DUE' } as const;
/** Locally only: how far the stream poller has read a shard of the table's stream. */
export const streamCheckpoint = (shardId: string): Key => ({ pk: 'STREAM#CHECKPOINT', sk: `SHARD#${shardId}` });
export const streamCheckpoints = { pk: 'STREAM#CHECKPOINT', skPrefix: 'SHARD#' } as const;
