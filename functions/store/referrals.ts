import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from './ddb.ts';
import { randomUUID } from 'node:crypto';
import { presentFields, retentionDays, type ConsentRecord, type ReferralRecord } from '../domain/disclosure.ts';
import { notFound } from '../domain/errors.ts';
import type { Placed, ResponseRecord } from '../domain/referrals.ts';
import type { SharingAgreement } from '../../schemas/sharing-agreement.ts';
import { byOf, principalId, type By, type Principal } from '../domain/principal.ts';
import type { AuthoritySlug } from '../domain/reference/authorities.ts';
import { addressed, providerRecipient } from '../domain/events.ts';
import { batchGet } from './batch-get.ts';
import { eventPuts } from './events.ts';
import { newId } from './ids.ts';
import { config, dynamo } from './config.ts';
import * as keys from './keys.ts';
import { cursorAfter, queryPage, startKeyOf, type Page } from './paging.ts';
import { queryAll, queryPages } from './query.ts';
import { ttlAfter } from './table.ts';

/**
 * Referrals, their owners' and providers' indexes, consent changes and providers' responses.
 * Every read that decides a disclosure is strongly consistent, so a consent change takes effect
 * on the very next read.
 */

const DAY_SECONDS = 86_400;

export interface ReferralItem extends ReferralRecord, Placed {
  consentHistory: ConsentRecord[];
  updatedAt: string;
  ttl: number;
  /** Who made the last change (absent on referrals from before it was kept). */
  by?: By;
}

export type ResponseItem = ResponseRecord;

export interface NewReferralItem extends Omit<ReferralRecord, 'owner' | 'authority' | 'id' | 'createdAt'> {
  id: string;
  /** Who makes it (by default the owner's organisation, no person). */
  by?: By;
}

const ITEM_FIELDS = [
  'id', 'owner', 'authority', 'agreementId', 'agreementVersion', 'purpose', 'child', 'lawfulBasis', 'shareWith', 'createdAt', 'consentHistory', 'updatedAt', 'ttl',
  'status', 'placedAt', 'acceptedOfferId', 'by',
] as const;

/** A stored referral item as the record (storage keys and anything else dropped). */
export function toItem(raw: Record<string, unknown>): ReferralItem {
  return Object.fromEntries(ITEM_FIELDS.filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]])) as unknown as ReferralItem;
}

/**
 * Writes a referral with its index pointers and its `referral.shared` events in one transaction
 * (2 + 2 per provider named: shareWith holds at most 49, schemas/referrals.ts). `retentionDays` sets the TTL of
 * all of them. Answers false when a referral with this id already exists (nothing written).
 */
export async function putReferral(owner: Principal & { kind: 'authority' }, r: NewReferralItem, retentionDays: number, now: Date): Promise<boolean> {
  const createdAt = now.toISOString();
  const ttl = ttlAfter(retentionDays * DAY_SECONDS, now.getTime());
  const by = r.by ?? byOf(owner);
  const consent = r.lawfulBasis.consent ? { ...r.lawfulBasis.consent, enteredBy: by } : undefined;
  const item: ReferralItem = {
    ...r,
    lawfulBasis: { ...r.lawfulBasis, ...(consent ? { consent } : {}) },
    owner: principalId(owner),
    authority: owner.id as AuthoritySlug,
    createdAt,
    updatedAt: createdAt,
    consentHistory: consent ? [consent] : [],
    ttl,
    by,
  };
  const pointer = { type: 'referralPointer', referralId: r.id, ttl };
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: config.tableName, Item: { ...keys.referral(r.id), type: 'referral', ...item }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: config.tableName, Item: { ...keys.referralOf(owner, createdAt, r.id), ...pointer } } },
          ...r.shareWith.map((id) => ({
            Put: { TableName: config.tableName, Item: { ...keys.sharedReferral({ kind: 'provider', id }, createdAt, r.id), ...pointer } },
          })),
          // referral.shared to each provider named (CONTRACT "Events"), in the same transaction
          ...eventPuts(addressed('referral.shared', r.id, r.shareWith.map(providerRecipient), new Date(), () => newId())),
        ],
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof TransactionCanceledException && e.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw e;
  }
}

/**
 * Creates a referral the agreement allows (the caller has checked `referralProblems`), kept for
 * the longest retention the agreement gives the data items it carries. `created` is false when
 * a referral with this id exists already (then nothing is written).
 */
export async function createReferral(
  owner: Principal & { kind: 'authority' },
  input: Omit<NewReferralItem, 'id' | 'agreementVersion'>,
  agreement: SharingAgreement,
  now: Date,
  id: string = randomUUID(),
): Promise<{ id: string; created: boolean }> {
  const { agreementId, purpose, child, lawfulBasis, shareWith, by } = input;
  const days = retentionDays(agreement, ['authority', ...presentFields({ child })]);
  const created = await putReferral(owner, { id, agreementId, agreementVersion: agreement.version, purpose, child, lawfulBasis, shareWith, ...(by ? { by } : {}) }, days, now);
  return { id, created };
}

export async function getReferral(id: string): Promise<ReferralItem | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.referral(id), ConsistentRead: true }));
  return Item ? toItem(Item) : undefined;
}

/** The referral with its providers' responses, in one consistent query of its partition; 404 when there is none. */
export async function referralWithResponses(id: string): Promise<{ referral: ReferralItem; responses: ResponseItem[] }> {
  const items = await queryAll({
    TableName: config.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.referralPartition(id).pk },
    ConsistentRead: true,
  });
  const found = items.find((i) => i.type === 'referral');
  const responses = items.filter((i) => i.type === 'referralResponse').map((item) => {
    const { referralId, provider, response, reason, homeUrn, respondedAt, by } = item as unknown as ResponseItem;
    return { referralId, provider, response, ...(reason ? { reason } : {}), ...(homeUrn ? { homeUrn } : {}), respondedAt, ...(by ? { by } : {}) };
  });
  if (!found) throw notFound();
  return { referral: toItem(found), responses };
}

/** The referral, or 404. */
export async function requireReferral(id: string): Promise<ReferralItem> {
  const referral = await getReferral(id);
  if (!referral) throw notFound();
  return referral;
}

/** Consistent batch read; ids with no referral (expired) are left out. */
export async function getReferrals(ids: readonly string[]): Promise<Map<string, ReferralItem>> {
  const items = await batchGet(ids.map((id) => keys.referral(id)), { consistent: true });
  return new Map(items.map((item) => [String(item.id), toItem(item)]));
}

// ---------------------------------------------------------------- the owners' and providers' lists

const pointerQuery = (pk: string) => ({
  TableName: config.tableName,
  ScanIndexForward: false,
  ConsistentRead: true,
  ExpressionAttributeValues: { ':pk': pk },
});

/** A page of the authority's own referrals, newest first; the cursor is sealed to its list and caller. */
export async function ownReferralsPage(owner: Principal & { kind: 'authority' }, limit: number, cursor: string | undefined): Promise<Page<ReferralItem>> {
  const { pk, skPrefix } = keys.referralsOf(owner);
  const q = pointerQuery(pk);
  const page = await queryPage(
    { ...q, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ...q.ExpressionAttributeValues, ':p': skPrefix } },
    { purpose: `referrals-own:${principalId(owner)}`, limit, cursor, map: (i) => String(i.referralId) },
  );
  const referrals = await getReferrals(page.items);
  return { ...page, items: page.items.flatMap((id) => referrals.get(id) ?? []) };
}

/** At most this many shared referrals are examined per page of a provider's list. */
const PROVIDER_SCAN_LIMIT = 500;

/**
 * A page of the referrals shared with a provider, newest first, holding only those `pick`
 * keeps (what it may read now, decided by the caller): pointers are read until `limit` are kept,
 * the index ends, or PROVIDER_SCAN_LIMIT have been examined. The cursor, sealed to this list and
 * provider, carries the last pointer examined.
 */
export async function sharedReferralsPage<T>(
  provider: Principal & { kind: 'provider' },
  limit: number,
  cursor: string | undefined,
  pick: (r: ReferralItem) => T | undefined,
): Promise<Page<T>> {
  const purpose = `referrals-shared:${principalId(provider)}`;
  const { pk, skPrefix } = keys.sharedWith(provider);
  const after = startKeyOf(purpose, cursor)?.sk;
  const q = pointerQuery(pk);
  // from the last pointer examined (inclusive, so it is skipped below) down to the first of the index
  const pages = queryPages({
    ...q,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :from',
    ExpressionAttributeValues: { ...q.ExpressionAttributeValues, ':first': skPrefix, ':from': typeof after === 'string' ? after : `${skPrefix}\uffff` },
    Limit: Math.min(100, limit * 2),
  });
  const shown: T[] = [];
  let last: { pk: unknown; sk: unknown } | undefined;
  let examined = 0;
  for await (const pointers of pages) {
    const referrals = await getReferrals(pointers.map((p) => String(p.referralId)));
    for (const p of pointers) {
      if (p.sk === after) continue;
      last = { pk: p.pk, sk: p.sk };
      examined++;
      const r = referrals.get(String(p.referralId));
      const picked = r && pick(r);
      if (picked !== undefined) shown.push(picked);
      if (shown.length === limit || examined >= PROVIDER_SCAN_LIMIT) {
        const nextCursor = cursorAfter(purpose, last);
        return { items: shown, ...(nextCursor ? { nextCursor } : {}) };
      }
    }
  }
  return { items: shown };
}

// ---------------------------------------------------------------- consent

/**
 * Records a consent change on the owner's referral (404 when it is not the caller's).
 * The latest change to arrive is the consent in force, whatever its `recordedAt`: a withdrawal
 * dated earlier than the record in place still takes effect on the very next read. Every change is
 * appended to `consentHistory` in arrival order. One atomic update sets both, so concurrent
 * changes lose nothing: each is in the history, and the one applied last is in force.
 */
export async function recordConsent(owner: Principal, id: string, consent: ConsentRecord, now: Date, by: By = byOf(owner)): Promise<void> {
  const record = { ...consent, enteredBy: by };
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.referral(id),
        UpdateExpression: 'SET lawfulBasis.consent = :c, consentHistory = list_append(if_not_exists(consentHistory, :none), :one), updatedAt = :now, #by = :by',
        ConditionExpression: 'attribute_exists(pk) AND #owner = :me',
        ExpressionAttributeNames: { '#owner': 'owner', '#by': 'by' },
        ExpressionAttributeValues: { ':c': record, ':none': [], ':one': [record], ':now': now.toISOString(), ':me': principalId(owner), ':by': by },
      }),
    );
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    throw notFound();
  }
}

// ---------------------------------------------------------------- responses

/** A provider's answer to a referral; one per provider, a later answer replacing it. Answers whether it replaced one. */
export async function putResponse(provider: Principal, r: ResponseItem, ttl: number): Promise<{ replaced: boolean }> {
  const out = await dynamo().send(
    new PutCommand({
      TableName: config.tableName,
      Item: { ...keys.referralResponse(r.referralId, provider), type: 'referralResponse', ...r, ttl },
      ReturnValues: 'ALL_OLD',
    }),
  );
  return { replaced: out.Attributes !== undefined };
}
