import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { randomUUID } from 'node:crypto';
import { presentFields, retentionDays, type ConsentRecord, type ReferralRecord } from '../domain/disclosure.ts';
import type { SharingAgreement } from '../../schemas/sharing-agreement.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import type { AuthoritySlug } from '../domain/reference/authorities.ts';
import { batchGet } from './batch-get.ts';
import { config, dynamo } from './config.ts';
import { keys } from './keys.ts';
import { ttlAfter } from './table.ts';

/**
 * Referrals, their owners' and providers' indexes, consent changes and providers' responses.
 * Every read that decides a disclosure is strongly consistent, so a consent change takes effect
 * on the very next read.
 */

const DAY_SECONDS = 86_400;

export interface ReferralItem extends ReferralRecord {
  consentHistory: ConsentRecord[];
  updatedAt: string;
  ttl: number;
}

export interface ResponseItem {
  referralId: string;
  provider: string;
  response: 'interested' | 'declined';
  reason?: string;
  homeUrn?: string;
  respondedAt: string;
}

export interface NewReferralItem extends Omit<ReferralRecord, 'owner' | 'authority' | 'id' | 'createdAt'> {
  id: string;
}

const ITEM_FIELDS = ['id', 'owner', 'authority', 'agreementId', 'agreementVersion', 'purpose', 'child', 'lawfulBasis', 'shareWith', 'createdAt', 'consentHistory', 'updatedAt', 'ttl'] as const;

function toItem(raw: Record<string, unknown>): ReferralItem {
  return Object.fromEntries(ITEM_FIELDS.filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]])) as unknown as ReferralItem;
}

/**
 * Writes a referral with its index pointers in one transaction. `retentionDays` sets the TTL of
 * all of them. Answers false when a referral with this id already exists (nothing written).
 */
export async function putReferral(owner: Principal & { kind: 'authority' }, r: NewReferralItem, retentionDays: number, now: Date): Promise<boolean> {
  const createdAt = now.toISOString();
  const ttl = ttlAfter(retentionDays * DAY_SECONDS, now.getTime());
  const item: ReferralItem = {
    ...r,
    owner: principalId(owner),
    authority: owner.id as AuthoritySlug,
    createdAt,
    updatedAt: createdAt,
    consentHistory: r.lawfulBasis.consent ? [r.lawfulBasis.consent] : [],
    ttl,
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
  const { agreementId, purpose, child, lawfulBasis, shareWith } = input;
  const days = retentionDays(agreement, ['authority', ...presentFields({ child })]);
  const created = await putReferral(owner, { id, agreementId, agreementVersion: agreement.version, purpose, child, lawfulBasis, shareWith }, days, now);
  return { id, created };
}

export async function getReferral(id: string): Promise<ReferralItem | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.referral(id), ConsistentRead: true }));
  return Item ? toItem(Item) : undefined;
}

/** The referral with its providers' responses, in one consistent query of its partition. */
export async function getReferralWithResponses(id: string): Promise<{ referral: ReferralItem; responses: ResponseItem[] } | undefined> {
  let referral: ReferralItem | undefined;
  const responses: ResponseItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: config.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.referralPartition(id).pk },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      if (item.sk === 'REFERRAL') referral = toItem(item);
      else if (String(item.sk).startsWith('RESPONSE#')) {
        const { referralId, provider, response, reason, homeUrn, respondedAt } = item as ResponseItem;
        responses.push({ referralId, provider, response, ...(reason ? { reason } : {}), ...(homeUrn ? { homeUrn } : {}), respondedAt });
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return referral ? { referral, responses } : undefined;
}

/** Consistent batch read; ids with no referral (expired) are left out. */
export async function getReferrals(ids: readonly string[]): Promise<Map<string, ReferralItem>> {
  const items = await batchGet(ids.map((id) => keys.referral(id)), { consistent: true });
  return new Map(items.map((item) => [String(item.id), toItem(item)]));
}

// ---------------------------------------------------------------- paging the indexes

const SkCursor = z.object({ sk: z.string().regex(/^REFERRAL#/) });

export function encodeCursor(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** A cursor this hub issued, or undefined when it is not one. */
export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface PointerPage {
  pointers: { referralId: string; sk: string }[];
  /** The sort key to continue after, when there may be more. */
  next?: string;
}

/** One page of an index partition (an owner's or a provider's), newest first, strongly consistent. */
async function pointerPage(pk: string, limit: number, afterSk?: string): Promise<PointerPage> {
  const page = await dynamo().send(
    new QueryCommand({
      TableName: config.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': pk, ':p': 'REFERRAL#' },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: limit,
      ExclusiveStartKey: afterSk ? { pk, sk: afterSk } : undefined,
    }),
  );
  const pointers = (page.Items ?? []).map((i) => ({ referralId: String(i.referralId), sk: String(i.sk) }));
  return { pointers, next: page.LastEvaluatedKey ? String(page.LastEvaluatedKey.sk) : undefined };
}

/** The sort key a list cursor carries, or undefined when the cursor is not one of ours. */
export function cursorSk(cursor: string | undefined): string | undefined | null {
  if (cursor === undefined) return undefined;
  return decodeCursor(cursor, SkCursor)?.sk ?? null;
}

export const ownerPointerPage = (owner: Principal, limit: number, afterSk?: string) => pointerPage(keys.referralsOf(owner).pk, limit, afterSk);
export const sharedPointerPage = (provider: Principal, limit: number, afterSk?: string) => pointerPage(keys.sharedWith(provider).pk, limit, afterSk);

// ---------------------------------------------------------------- consent

export type ConsentOutcome = { kind: 'recorded' } | { kind: 'not-found' };

/**
 * Records a consent change on the owner's referral (`not-found` when it is not the caller's).
 * The latest change to arrive is the consent in force, whatever its `recordedAt`: a withdrawal
 * dated earlier than the record in place still takes effect on the very next read. Every change is
 * appended to `consentHistory` in arrival order. One atomic update sets both, so concurrent
 * changes lose nothing: each is in the history, and the one applied last is in force.
 */
export async function recordConsent(owner: Principal, id: string, record: ConsentRecord, now: Date): Promise<ConsentOutcome> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.referral(id),
        UpdateExpression: 'SET lawfulBasis.consent = :c, consentHistory = list_append(if_not_exists(consentHistory, :none), :one), updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND #owner = :me',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':c': record, ':none': [], ':one': [record], ':now': now.toISOString(), ':me': principalId(owner) },
      }),
    );
    return { kind: 'recorded' };
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    return { kind: 'not-found' };
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
