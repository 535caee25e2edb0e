import { TransactWriteCommand } from './ddb.ts';
import { conflict, notFound, unprocessable } from '../domain/errors.ts';
import type { HomeItem } from '../domain/homes.ts';
import type { OfferRecord } from '../domain/offers.ts';
import { slotOf, type VacancyItem } from '../domain/vacancy.ts';
import { addressed, providerRecipient } from '../domain/events.ts';
import { batchGet, itemAt } from './batch-get.ts';
import { eventPuts } from './events.ts';
import { newId } from './ids.ts';
import { config, dynamo } from './config.ts';
import { toHome } from './home-record.ts';
import * as keys from './keys.ts';
import { backoff, cancelled, MAX_ATTEMPTS, offerItem, openOfferChange, referralUnchanged, toOffer, type TransactItem } from './offer-record.ts';
import { queryPage, type Page } from './paging.ts';
import { toItem as toReferral, type ReferralItem } from './referrals.ts';
import { toVacancy } from './vacancy-record.ts';
import { releaseHoldWrite, takeHoldWrite } from './vacancies.ts';

/**
 * Offers (CONTRACT.md "Offers and placements"): kept in their referral's partition, so the owner
 * lists them and an acceptance finds every rival with one Query (store/offer-acceptance.ts); an
 * offer id names its referral (`off_<referralId>_<random>`), so one GetItem finds it. One open
 * offer per home and referral is kept by a guard item written with it under a condition. An offer
 * naming a vacancy holds a bed in one of the vacancy's hold slots (store/vacancies.ts
 * `takeHoldWrite`), taken in the same transaction as the offer. The rules are domain/offers.ts
 * and domain/vacancy.ts.
 */

/** A new offer id on a referral: `off_<referralId>_<time><random>`. */
export { newOfferId } from './ids.ts';

// ---------------------------------------------------------------- reads

/** An offer and its referral by the offer's id (one consistent BatchGet); 404 when either is missing. */
export async function offerAndReferral(id: string): Promise<{ offer: OfferRecord; referral: ReferralItem }> {
  const referralId = keys.referralOfOffer(id);
  if (referralId === undefined) throw notFound();
  const items = await batchGet([keys.offer(referralId, id), keys.referral(referralId)], { consistent: true });
  const offer = itemAt(items, keys.offer(referralId, id));
  const referral = itemAt(items, keys.referral(referralId));
  if (!offer || !referral) throw notFound();
  return { offer: toOffer(offer), referral: toReferral(referral) };
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
 * Stores a new open offer in one transaction: the offer (with `offer.made` to the referral's owner); the guard of its home on the referral
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
      // last, so the items above keep their places: offer.made to the referring authority
      ...eventPuts(addressed('offer.made', o.id, [referral.owner], at, () => newId())),
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
 * conditioned on still being open with its hold not passed (409 otherwise), with `offer.declined`
 * to its provider when declined; its home's guard freed; its hold slot, if it holds one, released.
 */
export async function closeOffer(before: OfferRecord, after: OfferRecord, referral: ReferralItem): Promise<OfferRecord> {
  for (let attempt = 0; ; attempt++) {
    const now = new Date();
    const vacancy = before.vacancyId ? (await offerSubjects(before.homeUrn, before.vacancyId)).vacancy : undefined;
    const slot = slotOf(vacancy?.holds, before.id);
    const items: TransactItem[] = [
      openOfferChange(before, after, referral.ttl, now),
      {
        Delete: {
          TableName: config.tableName, Key: keys.offerHomeGuard(before.referralId, before.homeUrn),
          ConditionExpression: 'attribute_not_exists(pk) OR offerId = :me', ExpressionAttributeValues: { ':me': before.id },
        },
      },
      ...(vacancy && slot !== undefined ? [releaseHoldWrite(vacancy.id, slot, before.id)] : []),
      // offer.declined to the provider (a withdrawal is the provider's own act: no event)
      ...(after.status === 'declined' ? eventPuts(addressed('offer.declined', before.id, [providerRecipient(before.provider.id)], new Date(), () => newId())) : []),
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

