import { addWorkingDays } from './working-days.ts';
import { providerRecipient, authorityRecipient, type EventType } from './events.ts';

/**
 * Reminders as events (CONTRACT "Events"; issue 15), pure: which vacancies, holds and notices are
 * due a reminder now, and to whom. The reminders job (functions/jobs/reminders.ts) reads the
 * candidates in each window and writes each reminder once (store/reminders.ts) — once per
 * subject, type and deadline, so a re-run never repeats one and a deadline that moves (a vacancy
 * reconfirmed) is reminded of again.
 *
 * - `vacancy.expiring`: to the vacancy's provider (its owner), 24 hours before `expiresAt` (7
 *   days after its last confirmation, domain/vacancy.ts): from then until it lapses.
 * - `hold.expiring`: to the provider, 2 hours before an open offer's `holdUntil` (when it expires,
 *   and with it any bed it holds): from then until the hold passes.
 * - `notice.due`: to the placing authority, on the working day before `dueBy` of a reg 13(4)
 *   notice not yet sent (working days: domain/working-days.ts, England and Wales bank holidays),
 *   or on any later day until `dueBy` if the job did not run then.
 */

export const VACANCY_REMINDER_MS = 24 * 3_600_000;
export const HOLD_REMINDER_MS = 2 * 3_600_000;

/** One reminder to send: its event type, subject, deadline (what makes it once) and recipient. */
export interface Reminder {
  type: Extract<EventType, 'vacancy.expiring' | 'hold.expiring' | 'notice.due'>;
  subjectId: string;
  deadline: string;
  recipient: string;
}

/** A time window (ISO instants or dates, both ends inclusive). */
export interface Window {
  from: string;
  to: string;
}

/** Open vacancies expiring after `now` and within 24 hours: the open-vacancy index is read in this window. */
export const vacancyWindow = (now: Date): Window => ({ from: now.toISOString(), to: new Date(now.getTime() + VACANCY_REMINDER_MS).toISOString() });

/** Offers whose hold ends after `now` and within 2 hours. */
export const holdWindow = (now: Date): Window => ({ from: now.toISOString(), to: new Date(now.getTime() + HOLD_REMINDER_MS).toISOString() });

/**
 * The `dueBy` dates whose notice is due a reminder on `today` (Europe/London): from today to the
 * next working day after today. The working day before a date D is the last working day < D;
 * it is on or before today exactly when no working day lies strictly between today and D, that
 * is when D ≤ the first working day after today.
 */
export const noticeWindow = (today: string): Window => ({ from: today, to: addWorkingDays(today, 1) });

const within = (t: string, w: Window): boolean => t >= w.from && t <= w.to;

/** `vacancy.expiring` for an open vacancy whose expiry is within the next 24 hours. */
export function vacancyReminder(v: { id: string; owner: string; status: string; expiresAt: string }, now: Date): Reminder | undefined {
  if (v.status !== 'open' || v.expiresAt <= now.toISOString() || !within(v.expiresAt, vacancyWindow(now))) return undefined;
  return { type: 'vacancy.expiring', subjectId: v.id, deadline: v.expiresAt, recipient: v.owner };
}

/**
 * `hold.expiring` for an offer still open (as every read shows it: domain/offers.ts offerStatus,
 * passed in as `status`, so an offer on a placed referral reads superseded) whose hold ends within
 * the next 2 hours.
 */
export function holdReminder(o: { id: string; provider: { id: string }; holdUntil: string }, status: string, now: Date): Reminder | undefined {
  if (status !== 'open' || o.holdUntil <= now.toISOString() || !within(o.holdUntil, holdWindow(now))) return undefined;
  return { type: 'hold.expiring', subjectId: o.id, deadline: o.holdUntil, recipient: providerRecipient(o.provider.id) };
}

/** `notice.due` for each notice of a placement not yet sent whose `dueBy` is in `noticeWindow(today)` (as the overdue list, whatever the placement's status). */
export function noticeReminders(p: { authority: string; notices: readonly { id: string; dueBy: string; sentAt?: string }[] }, today: string): Reminder[] {
  const w = noticeWindow(today);
  return p.notices
    .filter((n) => n.sentAt === undefined && within(n.dueBy, w))
    .map((n) => ({ type: 'notice.due' as const, subjectId: n.id, deadline: n.dueBy, recipient: authorityRecipient(p.authority) }));
}
