import { randomBytes } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditRecord } from '../domain/audit.ts';
import { conflict, notFound } from '../domain/errors.ts';
import type { HomeItem } from '../domain/homes.ts';
import { accepted, byOf, madeBy, offerStatus, requireOpen, type OfferRecord } from '../domain/offers.ts';
import { collectionYearOf, legality } from '../domain/placement.ts';
import { newPlacement, type Placement } from '../domain/placement-record.ts';
import type { Principal } from '../domain/principal.ts';
import type { AuthoritySlug } from '../domain/reference/authorities.ts';
import { decideAccess, requireOpenReferral } from '../domain/referrals.ts';
import { isLiveHold, slotOf, type VacancyItem } from '../domain/vacancy.ts';
import { unprocessable } from '../domain/errors.ts';
import { agreementInForce } from './agreements.ts';
import { auditPut } from './audit.ts';
import { batchGet, itemAt } from './batch-get.ts';
import { config, dynamo } from './config.ts';
import { toHome } from './home-record.ts';
import * as keys from './keys.ts';
import { queryPage, type Page } from './paging.ts';
import { placementRecords } from './placement-record.ts';
import { queryAll } from './query.ts';
import { toItem as toReferral, type ReferralItem } from './referrals.ts';
import { toVacancy } from './vacancy-record.ts';
import { bedTakenWrites, releaseHoldWrite, takeHoldWrite, type TransactItem } from './vacancies.ts';

/**
 * Offers (CONTRACT.md "Offers and placements"): kept in their referral's partition, so the owner
 * lists them and an acceptance finds every rival with one Query; an offer id names its referral
 * (`off_<referralId>_<random>`), so one GetItem finds it. One open offer per home and referral is
 * kept by a guard item written with it under a condition. An offer naming a vacancy holds a bed
 * in one of the vacancy's hold slots (store/vacancies.ts `takeHoldWrite`), taken in the same
 * transaction as the offer. The rules are domain/offers.ts and domain/vacancy.ts.
 */

const MAX_ATTEMPTS = 40;
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(250, 5 * 2 ** Math.min(attempt, 6)) * Math.random()));
const random = (now: number) => `${now.toString(36)}${randomBytes(6).toString('hex')}`;

/** A new offer id on a referral: `off_<referralId>_<time><random>`. */
export const newOfferId = (referralId: string, now = Date.now()): string => `off_${referralId}_${random(now)}`;
/** A new placement id: `plc_<authority>_<time><random>` (the programme office reads the authority from it). */
export const newPlacementId = (authority: AuthoritySlug, now = Date.now()): string => `plc_${authority}_${random(now)}`;

const OFFER_FIELDS = [
  'id', 'referralId', 'provider', 'homeUrn', 'homeName', 'vacancyId', 'startDate', 'weeklyCost', 'holdUntil', 'note', 'status', 'declineReason',
  'createdAt', 'updatedAt', 'by',
] as const satisfies readonly (keyof OfferRecord)[];

const toOffer = (item: Record<string, unknown>): OfferRecord =>
  Object.fromEntries(OFFER_FIELDS.filter((k) => item[k] !== undefined).map((k) => [k, item[k]])) as unknown as OfferRecord;

const offerItem = (o: OfferRecord, ttl: number) => ({
  ...keys.offer(o.referralId, o.id),
  ...keys.offerByProvider(`provider:${o.provider.id}`, o.createdAt, o.id),
  type: 'offer',
  ...o,
  ttl,
});

/** The referral's condition in a transaction: still open, and its consent unchanged since it was read (so a withdrawal cannot slip in). */
function referralUnchanged(r: ReferralItem, values: Record<string, unknown> = {}) {
  return {
    ConditionExpression: '(attribute_not_exists(#st) OR #st = :open) AND size(consentHistory) = :n',
    ExpressionAttributeNames: { '#st': 'status' },
    ExpressionAttributeValues: { ':open': 'open', ':n': r.consentHistory.length, ...values },
  };
}

/** The most items one DynamoDB transaction takes. */
const TRANSACTION_LIMIT = 100;

const cancelled = (e: unknown): ('None' | string)[] | undefined =>
  e instanceof TransactionCanceledException ? (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None') : undefined;

// ---------------------------------------------------------------- reads

/** An offer and its referral by the offer's id (one consistent BatchGet); 404 when either is missing. */
export async function offerAndReferral(id: string): Promise<{ offer: OfferRecord; referral: ReferralItem }> {
  const referralId = keys.referralOfOffer(id);
  if (referralId === undefined) throw notFound(`No offer ${id}.`);
  const items = await batchGet([keys.offer(referralId, id), keys.referral(referralId)], { consistent: true });
  const offer = itemAt(items, keys.offer(referralId, id));
  const referral = itemAt(items, keys.referral(referralId));
  if (!offer || !referral) throw notFound(`No offer ${id}.`);
  return { offer: toOffer(offer), referral: toReferral(referral) };
}

/**
 * What an acceptance reads, in one consistent Query of the referral's partition: the referral,
 * the offer, and the rivals that may hold a bed (open, naming a vacancy, hold not passed at
 * `now`) — DynamoDB filters out the rest, so a referral with hundreds of offers costs one Query
 * whose answer stays small (the others read as superseded once the referral is placed).
 * 404 when there is no referral.
 */
export async function referralAndOffers(referralId: string, offerId: string, now: Date): Promise<{ referral: ReferralItem; offers: OfferRecord[] }> {
  const items = await queryAll({
    TableName: config.tableName,
    KeyConditionExpression: 'pk = :pk',
    FilterExpression: '#t = :referral OR (#t = :offer AND id = :mine) OR (#t = :offer AND attribute_exists(vacancyId) AND #st = :open AND holdUntil > :now)',
    ExpressionAttributeNames: { '#t': 'type', '#st': 'status' },
    ExpressionAttributeValues: {
      ':pk': keys.referralPartition(referralId).pk, ':referral': 'referral', ':offer': 'offer', ':mine': offerId,
      ':open': 'open', ':now': now.toISOString(),
    },
    ConsistentRead: true,
  });
  const referral = items.find((i) => i.type === 'referral');
  if (!referral) throw notFound();
  return { referral: toReferral(referral), offers: items.filter((i) => i.type === 'offer').map(toOffer) };
}

/** A page of the offers on a referral, oldest id first: all of them, or only `provider`'s. */
export function offersPage(referralId: string, reader: string, provider: string | undefined, opts: { limit: number; cursor?: string }): Promise<Page<OfferRecord>> {
  const { pk, sk } = keys.offer(referralId, '');
  return queryPage(
    {
      TableName: config.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :o)',
      ...(provider !== undefined ? { FilterExpression: '#p.#id = :me', ExpressionAttributeNames: { '#p': 'provider', '#id': 'id' } } : {}),
      ExpressionAttributeValues: { ':pk': pk, ':o': sk, ...(provider !== undefined ? { ':me': provider } : {}) },
      ConsistentRead: true,
    },
    { purpose: `referral-offers:${referralId}:${reader}`, limit: opts.limit, cursor: opts.cursor, map: toOffer },
  );
}

/** The home an offer names and, when it names one, the vacancy (one BatchGet). */
export async function offerSubjects(homeUrn: string, vacancyId: string | undefined): Promise<{ home?: HomeItem; vacancy?: VacancyItem }> {
  const items = await batchGet([keys.home(homeUrn), ...(vacancyId ? [keys.vacancy(vacancyId)] : [])], { consistent: true });
  const home = itemAt(items, keys.home(homeUrn));
  const vacancy = vacancyId ? itemAt(items, keys.vacancy(vacancyId)) : undefined;
  return { ...(home ? { home: toHome(home) } : {}), ...(vacancy ? { vacancy: toVacancy(vacancy) } : {}) };
}

// ---------------------------------------------------------------- making an offer

/**
 * Stores a new open offer in one transaction: the offer; the guard of its home on the referral
 * (409 while another offer of that home is open there); a check that the referral is still open
 * with its consent as read (409 otherwise); and, when it names a vacancy, a hold slot (`slot`,
 * chosen from `vacancy` as read). When another offer took that slot meanwhile, the vacancy is
 * read again and `pickSlot` chooses anew (it throws 409 when no bed is left unheld).
 */
export async function putOffer(
  o: OfferRecord,
  referral: ReferralItem,
  hold: { vacancy: VacancyItem; slot: string; pickSlot: (v: VacancyItem, now: Date) => string } | undefined,
  now: Date,
): Promise<OfferRecord> {
  let vacancy = hold?.vacancy;
  let slot = hold?.slot;
  for (let attempt = 0; ; attempt++) {
    const at = new Date(Math.max(now.getTime(), Date.now()));
    const items: TransactItem[] = [
      { Put: { TableName: config.tableName, Item: offerItem(o, referral.ttl), ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: config.tableName,
          Item: { ...keys.offerHomeGuard(o.referralId, o.homeUrn), type: 'offerHomeGuard', offerId: o.id, until: o.holdUntil, ttl: referral.ttl },
          ConditionExpression: 'attribute_not_exists(pk) OR #u <= :now',
          ExpressionAttributeNames: { '#u': 'until' },
          ExpressionAttributeValues: { ':now': at.toISOString() },
        },
      },
      { ConditionCheck: { TableName: config.tableName, Key: keys.referral(o.referralId), ...referralUnchanged(referral) } },
      ...(vacancy && slot !== undefined ? [takeHoldWrite(vacancy, slot, { o: o.id, u: o.holdUntil }, at)] : []),
    ];
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
      return o;
    } catch (e) {
      const reasons = cancelled(e);
      if (!reasons) throw e;
      if (reasons[0] === 'ConditionalCheckFailed') throw conflict(`Offer ${o.id} already exists.`);
      if (reasons[1] === 'ConditionalCheckFailed') throw conflict(`Home ${o.homeUrn} already has an open offer on this referral.`, [{ path: 'homeUrn', message: 'an open offer of this home exists' }]);
      if (reasons[2] === 'ConditionalCheckFailed') throw conflict('The referral was placed, or its consent changed, while the offer was made: read it again.');
      if (attempt >= MAX_ATTEMPTS) throw conflict('The vacancy is being changed by other writers; retry.');
      if (reasons[3] === 'ConditionalCheckFailed' && hold) {
        const { vacancy: fresh } = await offerSubjects(o.homeUrn, hold.vacancy.id);
        if (!fresh) throw unprocessable('This offer cannot be made.', [{ path: 'vacancyId', message: `not an open vacancy of home ${o.homeUrn}` }]);
        vacancy = fresh;
        slot = hold.pickSlot(fresh, new Date());
      }
      await backoff(attempt);
    }
  }
}

// ---------------------------------------------------------------- declining and withdrawing

/**
 * Stores an open offer's closing (`after`: declined or withdrawn) in one transaction: the offer,
 * conditioned on still being open with its hold not passed (409 otherwise); its home's guard
 * freed; its hold slot, if it holds one, released.
 */
export async function closeOffer(before: OfferRecord, after: OfferRecord, referral: ReferralItem): Promise<OfferRecord> {
  for (let attempt = 0; ; attempt++) {
    const now = new Date();
    const vacancy = before.vacancyId ? (await offerSubjects(before.homeUrn, before.vacancyId)).vacancy : undefined;
    const slot = slotOf(vacancy?.holds, before.id);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: config.tableName, Item: offerItem(after, referral.ttl),
          ConditionExpression: '#st = :open AND holdUntil > :now AND updatedAt = :u',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: { ':open': 'open', ':now': now.toISOString(), ':u': before.updatedAt },
        },
      },
      {
        Delete: {
          TableName: config.tableName, Key: keys.offerHomeGuard(before.referralId, before.homeUrn),
          ConditionExpression: 'attribute_not_exists(pk) OR offerId = :me', ExpressionAttributeValues: { ':me': before.id },
        },
      },
      ...(vacancy && slot !== undefined ? [releaseHoldWrite(vacancy.id, slot, before.id)] : []),
    ];
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
      return after;
    } catch (e) {
      const reasons = cancelled(e);
      if (!reasons) throw e;
      if (reasons[0] === 'ConditionalCheckFailed' || reasons[1] === 'ConditionalCheckFailed') throw conflict(`Offer ${before.id} is no longer open.`);
      if (attempt >= MAX_ATTEMPTS) throw conflict(`Offer ${before.id} is being changed by other writers; retry.`);
      await backoff(attempt);
    }
  }
}

// ---------------------------------------------------------------- accepting

/**
 * Accepts an offer for the referral's owner, in ONE transaction with conditions: the offer open
 * with its hold not passed → accepted; the referral open, its consent as read → placed (with
 * placedAt); the vacancy it names one bed fewer (filled at 0; the home's open-bed counter in step)
 * and its hold released; every rival holding a bed superseded and its hold released (the other
 * rivals read as superseded from the placed referral: domain/offers.ts `offerStatus`); the
 * placement's items; an audit entry of the check that the provider may still read the referral.
 * 404 when the caller does not own the referral; 409 when the offer is not open, its hold has
 * passed, the referral is placed, or the provider may no longer read it. A transaction that
 * loses a race is retried on a fresh read, whose rules then answer.
 */
export async function acceptOffer(owner: Principal & { kind: 'authority' }, offerId: string, requestId: string): Promise<Placement> {
  const referralId = keys.referralOfOffer(offerId);
  if (referralId === undefined) throw notFound(`No offer ${offerId}.`);
  for (let attempt = 0; ; attempt++) {
    const now = new Date();
    const { referral, offers } = await referralAndOffers(referralId, offerId, now);
    const offer = offers.find((o) => o.id === offerId);
    const agreement = agreementInForce(referral.agreementId);
    if (!offer || !decideAccess(agreement, referral, owner, now).owner) throw notFound(`No offer ${offerId}.`);
    requireOpenReferral(referral);
    requireOpen(offer, referral, now);
    const provider = { kind: 'provider' as const, id: offer.provider.id };
    const providerAccess = decideAccess(agreement, referral, provider, now);
    if (!providerAccess.decision.allowed) throw conflict(`Provider ${offer.provider.id} may no longer read this referral (consent withdrawn or refused, or the agreement no longer allows it).`);

    const rivals = offers.filter((o) => o.id !== offer.id && o.vacancyId !== undefined && offerStatus(o, referral, now) === 'open');
    const wanted = [keys.home(offer.homeUrn), ...[offer, ...rivals].flatMap((o) => (o.vacancyId ? [keys.vacancy(o.vacancyId)] : []))];
    const items = await batchGet(wanted, { consistent: true });
    const homeItem = itemAt(items, keys.home(offer.homeUrn));
    if (!homeItem) throw conflict(`Home ${offer.homeUrn} no longer exists.`);
    const home = toHome(homeItem);
    const child = referral.child as { childRef: string; age: number; sex: string; needs: string[]; homeOutcode?: string; urgency?: 'today' | 'within-5-days' | 'planned' };
    const illegal = legality(home.placementType, child.age, collectionYearOf(offer.startDate));
    if (illegal.length > 0) throw unprocessable('The home can no longer take this child lawfully.', illegal.map((p) => ({ path: 'homeUrn', message: p.message })));

    const by = byOf(owner);
    const placement = newPlacement({
      id: newPlacementId(referral.authority, now.getTime()),
      noticeId: `ntc_${random(now.getTime())}`,
      authority: referral.authority,
      child,
      home,
      startDate: offer.startDate,
      weeklyCost: offer.weeklyCost.total,
      referralId: referral.id,
      offerId: offer.id,
      by,
      now,
    });
    const vacancyOf = (o: OfferRecord) => (o.vacancyId ? itemAt(items, keys.vacancy(o.vacancyId)) : undefined);
    const ownVacancy = vacancyOf(offer);
    if (offer.vacancyId && !ownVacancy) throw conflict(`Vacancy ${offer.vacancyId} no longer exists.`);
    const rivalWrites = rivals.flatMap((r): TransactItem[] => {
      const v = vacancyOf(r);
      const slot = v && slotOf(toVacancy(v).holds, r.id);
      if (!v || slot === undefined || !isLiveHold(toVacancy(v).holds?.[slot], now) || r.vacancyId === offer.vacancyId) return [];
      return [
        {
          Update: {
            TableName: config.tableName, Key: keys.offer(referralId, r.id),
            UpdateExpression: 'SET #st = :sup, updatedAt = :now, #by = :by',
            ConditionExpression: '#st = :open',
            ExpressionAttributeNames: { '#st': 'status', '#by': 'by' },
            ExpressionAttributeValues: { ':sup': 'superseded', ':open': 'open', ':now': now.toISOString(), ':by': by },
          },
        },
        releaseHoldWrite(r.vacancyId!, slot, r.id),
      ];
    });
    const audit = auditRecord({ referral, agreement, principal: provider, action: 'accept', decision: providerAccess.decision, requestId, now, disclosed: [] });
    const after = accepted(offer, by, now);
    const writes: TransactItem[] = [
      {
        Put: {
          TableName: config.tableName, Item: offerItem(after, referral.ttl),
          ConditionExpression: '#st = :open AND holdUntil > :now AND updatedAt = :u',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: { ':open': 'open', ':now': now.toISOString(), ':u': offer.updatedAt },
        },
      },
      {
        Update: {
          TableName: config.tableName, Key: keys.referral(referralId),
          UpdateExpression: 'SET #st = :placed, placedAt = :now, acceptedOfferId = :o, updatedAt = :now',
          ...referralUnchanged(referral, { ':placed': 'placed', ':now': now.toISOString(), ':o': offer.id }),
        },
      },
      ...(ownVacancy ? await bedTakenWrites(toVacancy(ownVacancy), offer.id, home, now) : []),
      ...placementRecords(placement).map((Item): TransactItem => ({ Put: { TableName: config.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } })),
      { Put: auditPut(audit) },
    ];
    // rivals holding beds, two writes each, as many as the transaction has room for (more than ~45 rivals
    // holding beds is not a referral the hub expects; any left over read as superseded and their holds lapse at holdUntil)
    writes.push(...rivalWrites.slice(0, 2 * Math.floor((TRANSACTION_LIMIT - writes.length) / 2)));
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: writes }));
      return placement;
    } catch (e) {
      if (!cancelled(e)) throw e;
      if (attempt >= MAX_ATTEMPTS) throw conflict(`Offer ${offerId} is being accepted or changed by other writers; retry.`);
      await backoff(attempt); // read again: the rules above answer what changed (placed, not open, consent)
    }
  }
}

/** Whether `p` may see offer `o` on a referral it may read: the owner sees every offer, a provider its own. */
export const seesOffer = (o: OfferRecord, p: Principal, owner: boolean): boolean => owner || madeBy(o, p);
