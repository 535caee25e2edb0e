import type { HubEvent } from './events.ts';
import { holdReminder, noticeReminders, vacancyReminder, type Reminder } from './reminders.ts';

/**
 * The console's reminder banner (issue 15 item 5: "the console shows the same as a banner to the
 * person"), pure: of the reminders sent to an organisation (its `vacancy.expiring`,
 * `hold.expiring` and `notice.due` events, domain/reminders.ts), those that still apply now —
 * judged by the very rules that sent them, on the subject as it is now: a vacancy reconfirmed,
 * filled or withdrawn, an offer accepted, declined or withdrawn, a notice sent, or a deadline
 * passed, is no longer shown.
 */

export const BANNER_TYPES = ['vacancy.expiring', 'hold.expiring', 'notice.due'] as const satisfies readonly Reminder['type'][];

/**
 * How far back the banner reads reminders: the longest a reminder can still apply after it was
 * sent. A vacancy's is 24 hours and a hold's 2; a notice's runs from the working day before
 * `dueBy` to `dueBy` itself, at most 5 days over Easter (Thursday → Tuesday).
 */
export const BANNER_LOOKBACK_MS = 7 * 86_400_000;

/** The reminder events of an organisation, as read. */
export const isBannerEvent = (e: HubEvent): boolean => (BANNER_TYPES as readonly string[]).includes(e.type);

/** What the subjects of reminders are now (the store reads them). */
export interface BannerSubjects {
  vacancies: ReadonlyMap<string, { id: string; owner: string; status: string; expiresAt: string; homeUrn: string; homeName?: string }>;
  /** Each offer with its status as every read shows it (domain/offers.ts offerStatus). */
  offers: ReadonlyMap<string, { offer: { id: string; provider: { id: string }; holdUntil: string; referralId: string; homeName: string }; status: string }>;
  /** The organisation's placements with a notice not yet sent, by notice id. */
  notices: ReadonlyMap<string, { placement: { id: string; authority: string; notices: readonly { id: string; dueBy: string; sentAt?: string; to?: { name: string } }[] } }>;
}

export type BannerReminder =
  | { type: 'vacancy.expiring'; subjectId: string; deadline: string; homeUrn: string; homeName?: string | undefined }
  | { type: 'hold.expiring'; subjectId: string; deadline: string; referralId: string; homeName: string }
  | { type: 'notice.due'; subjectId: string; deadline: string; placementId: string; to?: string | undefined };

/**
 * The reminders that still apply to `recipient` at `now` (`today` is the London date), once each
 * (a subject reminded of twice, after its deadline moved, shows once), soonest deadline first.
 */
export function stillApplying(recipient: string, events: readonly HubEvent[], subjects: BannerSubjects, now: Date, today: string): BannerReminder[] {
  const out = new Map<string, BannerReminder>();
  for (const e of events) {
    const id = e.subject.id;
    if (out.has(`${e.type} ${id}`)) continue;
    let r: BannerReminder | undefined;
    if (e.type === 'vacancy.expiring') {
      const v = subjects.vacancies.get(id);
      const due = v && vacancyReminder(v, now);
      if (v && due && due.recipient === recipient) r = { type: e.type, subjectId: id, deadline: due.deadline, homeUrn: v.homeUrn, homeName: v.homeName };
    } else if (e.type === 'hold.expiring') {
      const o = subjects.offers.get(id);
      const due = o && holdReminder(o.offer, o.status, now);
      if (o && due && due.recipient === recipient) r = { type: e.type, subjectId: id, deadline: due.deadline, referralId: o.offer.referralId, homeName: o.offer.homeName };
    } else if (e.type === 'notice.due') {
      const p = subjects.notices.get(id)?.placement;
      const due = p && noticeReminders(p, today).find((x) => x.subjectId === id);
      if (p && due && due.recipient === recipient) r = { type: e.type, subjectId: id, deadline: due.deadline, placementId: p.id, to: p.notices.find((n) => n.id === id)?.to?.name };
    }
    if (r) out.set(`${e.type} ${id}`, r);
  }
  return [...out.values()].sort((a, b) => (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : 0));
}
