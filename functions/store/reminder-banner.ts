import { referralOfOffer, type HubEvent } from '../domain/events.ts';
import { offerStatus } from '../domain/offers.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import { BANNER_LOOKBACK_MS, BANNER_TYPES, stillApplying, type BannerReminder, type BannerSubjects } from '../domain/reminder-banner.ts';
import { noticeWindow } from '../domain/reminders.ts';
import { batchGet, itemAt } from './batch-get.ts';
import { config } from './config.ts';
import * as keys from './keys.ts';
import { toOffer } from './offer-record.ts';
import { UNSENT_NOTICE_DUE } from './placement-record.ts';
import { queryAll } from './query.ts';
import { toItem as toReferral } from './referrals.ts';
import { toVacancy } from './vacancy-record.ts';

/**
 * The console's reminder banner (domain/reminder-banner.ts): an organisation's reminder events of
 * the last week from its own events partition (the outbox the feed reads, keys.eventsOf), then
 * each one's subject as it is now — its own vacancies and offers (one BatchGetItem), and, only
 * when a notice is due, its own placements with a notice not yet sent due in the window (one
 * filtered Query of its partition) — judged by the rules that sent them.
 */
type NoticePlacement = { id: string; authority: string; notices: { id: string; dueBy: string; sentAt?: string; to?: { name: string } }[] };

export async function remindersThatApply(p: Principal, now: Date, today: string): Promise<BannerReminder[]> {
  const me = principalId(p);
  const { pk, skPrefix } = keys.eventsOf(me);
  const events = (await queryAll({
    TableName: config.tableName,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    FilterExpression: '#e.#t IN (:a, :b, :c)',
    ExpressionAttributeNames: { '#e': 'event', '#t': 'type' },
    ExpressionAttributeValues: {
      ':pk': pk,
      ':from': `${skPrefix}${new Date(now.getTime() - BANNER_LOOKBACK_MS).toISOString()}`,
      ':to': `${skPrefix}${now.toISOString()}#\uffff`,
      ':a': BANNER_TYPES[0], ':b': BANNER_TYPES[1], ':c': BANNER_TYPES[2],
    },
    ScanIndexForward: false,
  })).map((i) => i.event as HubEvent);
  if (events.length === 0) return [];

  const ids = (type: string) => [...new Set(events.filter((e) => e.type === type).map((e) => e.subject.id))];
  const offerIds = ids('hold.expiring').filter((id) => referralOfOffer(id) !== undefined);
  const wanted = [
    ...ids('vacancy.expiring').map((id) => keys.vacancy(id)),
    ...offerIds.flatMap((id) => [keys.offer(referralOfOffer(id)!, id), keys.referral(referralOfOffer(id)!)]),
  ];
  const items = wanted.length ? await batchGet(wanted, { consistent: true }) : [];
  const subjects: BannerSubjects = { vacancies: new Map(), offers: new Map(), notices: new Map() };
  for (const id of ids('vacancy.expiring')) {
    const item = itemAt(items, keys.vacancy(id));
    if (!item) continue;
    const v = toVacancy(item);
    (subjects.vacancies as Map<string, unknown>).set(id, { ...v, homeName: v.home?.name });
  }
  for (const id of offerIds) {
    const o = itemAt(items, keys.offer(referralOfOffer(id)!, id));
    const r = itemAt(items, keys.referral(referralOfOffer(id)!));
    if (!o || !r) continue;
    const offer = toOffer(o);
    (subjects.offers as Map<string, unknown>).set(id, { offer, status: offerStatus(offer, toReferral(r), now) });
  }
  if (p.kind === 'authority' && ids('notice.due').length) {
    const w = noticeWindow(today);
    const { pk: placements, skPrefix: placementPrefix } = keys.placementsOf(p.id);
    const due = await queryAll({
      TableName: config.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      // the earliest unsent dueBy at or before the window's end (one overdue notice must not hide another due now)
      FilterExpression: '#due <= :to',
      ProjectionExpression: 'id, authority, notices',
      ExpressionAttributeNames: { '#due': UNSENT_NOTICE_DUE },
      ExpressionAttributeValues: { ':pk': placements, ':sk': placementPrefix, ':to': w.to },
    });
    for (const placement of due as unknown as NoticePlacement[]) {
      for (const n of placement.notices) (subjects.notices as Map<string, unknown>).set(n.id, { placement });
    }
  }
  return stillApplying(me, events, subjects, now, today);
}
