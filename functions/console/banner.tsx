import type { FC } from 'hono/jsx';
import type { BannerReminder } from '../domain/reminder-banner.ts';
import { remindersFor } from '../app/reminders.ts';
import { href, type Ctx } from './app.tsx';
import { dateTime, longDate, timeLeft } from './labels.ts';

/**
 * The reminder banner (issue 15 item 5): the reminders the hub sent the signed-in person's
 * organisation — a vacancy lapsing within 24 hours, a bed hold ending within 2 hours (providers),
 * a reg 13(4) notice due by the next working day (placing authorities) — that still apply, as a
 * GOV.UK notification banner (role="region" named by its heading) with a link to each thing, on
 * the pages where people act on them. Nothing when none applies.
 */

const enc = encodeURIComponent;

const Item: FC<{ c: Ctx; r: BannerReminder }> = ({ c, r }) => {
  switch (r.type) {
    case 'vacancy.expiring':
      return (
        <li>
          The vacancy at {r.homeName ?? r.homeUrn} lapses at {dateTime(r.deadline)} ({timeLeft(r.deadline)}) unless you confirm it is still available:{' '}
          <a class="govuk-notification-banner__link" href={href(c, `/console/homes#home-${enc(r.homeUrn)}`)}>confirm the vacancy at {r.homeName ?? r.homeUrn}</a>.
        </li>
      );
    case 'hold.expiring':
      return (
        <li>
          Your offer of {r.homeName} holds its bed until {dateTime(r.deadline)} ({timeLeft(r.deadline)}):{' '}
          <a class="govuk-notification-banner__link" href={href(c, `/console/shared/${enc(r.referralId)}#your-offers`)}>see the referral you offered {r.homeName} for</a>.
        </li>
      );
    case 'notice.due':
      return (
        <li>
          A regulation 13(4) notice{r.to ? ` to ${r.to}` : ''} is due by {longDate(r.deadline)} and has not been sent:{' '}
          <a class="govuk-notification-banner__link" href={href(c, `/console/placements/${enc(r.placementId)}`)}>see the placement{r.to ? ` in ${r.to}` : ''}</a>.
        </li>
      );
  }
};

export const ReminderBanner: FC<{ c: Ctx; reminders: readonly BannerReminder[] }> = ({ c, reminders }) =>
  reminders.length === 0 ? null : (
    <div class="govuk-notification-banner" role="region" aria-labelledby="reminders-title" data-module="govuk-notification-banner" data-testid="reminders">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="reminders-title">Reminders</h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading">{reminders.length === 1 ? 'One thing needs you soon' : `${reminders.length} things need you soon`}</p>
        <ul class="govuk-list govuk-list--bullet">
          {reminders.map((r) => <Item c={c} r={r} />)}
        </ul>
      </div>
    </div>
  );

/** The banner for the signed-in person's organisation, now (await it inside a page's body). */
export async function reminderBanner(c: Ctx, now = new Date()) {
  const session = c.get('session');
  if (!session) return null;
  return <ReminderBanner c={c} reminders={await remindersFor(session.principal, now)} />;
}
