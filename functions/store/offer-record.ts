import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { OfferRecord } from '../domain/offers.ts';
import type { TransactWriteCommandInput } from './ddb.ts';
import { config } from './config.ts';
import * as keys from './keys.ts';
import type { ReferralItem } from './referrals.ts';

/**
 * An offer as stored, and what both writers of offers (store/offers.ts: making, declining,
 * withdrawing; store/offer-acceptance.ts: accepting) share: the one function that turns an offer
 * into its item, the referral's condition in their transactions, and how they retry.
 */

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const MAX_ATTEMPTS = 40;
export const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(250, 5 * 2 ** Math.min(attempt, 6)) * Math.random()));


const OFFER_FIELDS = [
  'id', 'referralId', 'provider', 'homeUrn', 'homeName', 'placementType', 'vacancyId', 'startDate', 'weeklyCost', 'holdUntil', 'note', 'status', 'declineReason',
  'createdAt', 'updatedAt', 'by',
] as const satisfies readonly (keyof OfferRecord)[];

export const toOffer = (item: Record<string, unknown>): OfferRecord =>
  Object.fromEntries(OFFER_FIELDS.filter((k) => item[k] !== undefined).map((k) => [k, item[k]])) as unknown as OfferRecord;

export const offerItem = (o: OfferRecord, ttl: number) => ({
  ...keys.offer(o.referralId, o.id),
  ...keys.offerByProvider(`provider:${o.provider.id}`, o.createdAt, o.id),
  // while open, in the index of holds by end (the reminders job: hold.expiring); a closed offer's Put drops it
  ...(o.status === 'open' ? keys.openOfferByHold(o.holdUntil, o.id) : {}),
  type: 'offer',
  ...o,
  ttl,
});

/** The referral's condition in a transaction: still open, and its consent unchanged since it was read (so a withdrawal cannot slip in). */
export function referralUnchanged(r: ReferralItem, values: Record<string, unknown> = {}) {
  return {
    ConditionExpression: '(attribute_not_exists(#st) OR #st = :open) AND size(consentHistory) = :n',
    ExpressionAttributeNames: { '#st': 'status' },
    ExpressionAttributeValues: { ':open': 'open', ':n': r.consentHistory.length, ...values },
  };
}

/** The most items one DynamoDB transaction takes. */
export const TRANSACTION_LIMIT = 100;

export const cancelled = (e: unknown): ('None' | string)[] | undefined =>
  e instanceof TransactionCanceledException ? (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None') : undefined;


/** The write of an offer's change (`after`), for a transaction: only while `before` is stored unchanged, still open, its hold not passed at `now`. */
export function openOfferChange(before: OfferRecord, after: OfferRecord, ttl: number, now: Date): TransactItem {
  return {
    Put: {
      TableName: config.tableName, Item: offerItem(after, ttl),
      ConditionExpression: '#st = :open AND holdUntil > :now AND updatedAt = :u',
      ExpressionAttributeNames: { '#st': 'status' },
      ExpressionAttributeValues: { ':open': 'open', ':now': now.toISOString(), ':u': before.updatedAt },
    },
  };
}
