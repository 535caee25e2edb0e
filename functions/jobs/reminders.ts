import { log } from '../http/log.ts';
import { londonToday } from '../domain/calendar-days.ts';
import { offerStatus } from '../domain/offers.ts';
import { holdReminder, holdWindow, noticeReminders, noticeWindow, vacancyReminder, vacancyWindow, type Reminder } from '../domain/reminders.ts';
import { offersHoldingIn, placementsWithNoticesDueIn, remindOnce, vacanciesExpiringIn } from '../store/reminders.ts';
import { finishStaleTails } from '../store/supersede-tail.ts';

/**
 * Reminders as events (EventBridge every 15 minutes, functions/routes/index.ts `jobs.reminders`;
 * `npm start` runs it locally on an interval): `vacancy.expiring` 24 hours before a vacancy
 * lapses, `hold.expiring` 2 hours before an offer's hold ends, `notice.due` on the working day
 * before a reg 13(4) notice not yet sent is due — each to whom the contract names, each exactly
 * once (store/reminders.ts remindOnce), however often the job runs. The rules: domain/reminders.ts.
 * It also finishes any acceptance tail a crash left behind (store/supersede-tail.ts: rivals'
 * `offer.superseded` and hold releases beyond the acceptance's transaction).
 */
const logger = log.child({ job: 'reminders' });

export async function handler(_event?: unknown, now = new Date()): Promise<{ due: number; sent: number; tails: number }> {
  const today = londonToday(now);
  const [vacancies, offers, placements] = await Promise.all([
    vacanciesExpiringIn(vacancyWindow(now)),
    offersHoldingIn(holdWindow(now)),
    placementsWithNoticesDueIn(noticeWindow(today)),
  ]);
  const due: Reminder[] = [
    ...vacancies.flatMap((v) => vacancyReminder(v, now) ?? []),
    ...offers.flatMap(({ offer, referral }) => holdReminder(offer, offerStatus(offer, referral, now), now) ?? []),
    ...placements.flatMap((p) => noticeReminders(p, today)),
  ];
  let sent = 0;
  for (const r of due) if (await remindOnce(r)) sent++; // dated when written: `now` chooses what is due
  const tails = await finishStaleTails(now);
  for (const failed of tails.failed) logger.error('an acceptance tail could not be finished; the next run tries again', { failed });
  logger.info('reminders', { due: due.length, sent, tails: tails.finished });
  return { due: due.length, sent, tails: tails.finished };
}
