import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from './ddb.ts';
import { addressed, eventExpiry } from '../domain/events.ts';
import type { OfferRecord } from '../domain/offers.ts';
import type { Reminder, Window } from '../domain/reminders.ts';
import type { VacancyItem } from '../domain/vacancy.ts';
import { batchGet, itemAt } from './batch-get.ts';
import { config, dynamo } from './config.ts';
import { eventPuts } from './events.ts';
import { vacancyTypes } from './homes.ts';
import { newId } from './ids.ts';
import * as keys from './keys.ts';
import { toOffer } from './offer-record.ts';
import { UNSENT_NOTICE_DUE } from './placement-record.ts';
import { queryAll } from './query.ts';
import { toItem as toReferral, type ReferralItem } from './referrals.ts';

/**
 * What the reminders job (functions/jobs/reminders.ts) reads — the candidates in each window, by
 * index, never a Scan — and the one write that sends a reminder once. The rules of which
 * candidates are due are domain/reminders.ts.
 */

const gsi2Window = (gsi2pk: string, w: Window) => ({
  TableName: config.tableName,
  IndexName: 'gsi2',
  KeyConditionExpression: 'gsi2pk = :p AND gsi2sk BETWEEN :from AND :to',
  ExpressionAttributeValues: { ':p': gsi2pk, ':from': w.from, ':to': `${w.to}#\uffff` },
});

/** Open vacancies whose expiry lies in the window: the open-vacancy index, each placement type in use × shard. */
export async function vacanciesExpiringIn(w: Window): Promise<VacancyItem[]> {
  const partitions = keys.openVacancyPartitions(await vacancyTypes());
  const found = await Promise.all(partitions.map((p) => queryAll(gsi2Window(p, w))));
  return found.flat() as unknown as VacancyItem[];
}

/** Offers stored open whose hold ends in the window, each with its referral (which says whether it reads superseded). */
export async function offersHoldingIn(w: Window): Promise<{ offer: OfferRecord; referral: ReferralItem }[]> {
  const q = gsi2Window(keys.openOfferByHold().gsi2pk, w);
  const offers = (await queryAll({
    ...q,
    FilterExpression: '#st = :open',
    ExpressionAttributeNames: { '#st': 'status' },
    ExpressionAttributeValues: { ...q.ExpressionAttributeValues, ':open': 'open' },
  })).map(toOffer);
  const referrals = await batchGet([...new Set(offers.map((o) => o.referralId))].map((id) => keys.referral(id)), { consistent: true });
  return offers.flatMap((offer) => {
    const r = itemAt(referrals, keys.referral(offer.referralId));
    return r ? [{ offer, referral: toReferral(r) }] : [];
  });
}

/** Placements with a notice not yet sent due in the window (dates): the region's index, filtered. */
export async function placementsWithNoticesDueIn(w: Window): Promise<{ authority: string; notices: { id: string; dueBy: string; sentAt?: string }[] }[]> {
  const items = await queryAll({
    TableName: config.tableName,
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :p',
    FilterExpression: '#due BETWEEN :from AND :to',
    ProjectionExpression: '#a, #n',
    ExpressionAttributeNames: { '#due': UNSENT_NOTICE_DUE, '#a': 'authority', '#n': 'notices' },
    ExpressionAttributeValues: { ':p': keys.placementOfRegion().gsi2pk, ':from': w.from, ':to': w.to },
  });
  return items as unknown as { authority: string; notices: { id: string; dueBy: string; sentAt?: string }[] }[];
}

/**
 * Sends a reminder once: its event and a marker keyed by type, subject and deadline, in one
 * transaction conditioned on the marker not existing. Answers false when it was sent before.
 * The marker is kept as long as the event.
 */
export async function remindOnce(r: Reminder, now = new Date()): Promise<boolean> {
  const [event] = addressed(r.type, r.subjectId, [r.recipient], now, () => newId());
  try {
    await dynamo().send(new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: config.tableName,
            Item: { ...keys.reminderSent(r.type, r.subjectId, r.deadline), type: 'reminderSent', eventId: event!.event.id, ttl: eventExpiry(event!.event.occurredAt) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...eventPuts([event!]),
      ],
    }));
    return true;
  } catch (e) {
    if (e instanceof TransactionCanceledException && e.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw e;
  }
}
