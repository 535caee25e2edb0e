import { describe, expect, it } from 'vitest';
import type { HomeItem } from '../../functions/domain/homes.ts';
import { parsePrincipal, type Principal } from '../../functions/domain/principal.ts';
import { handler as reminders } from '../../functions/jobs/reminders.ts';
import { lastViewedAt, markViewed } from '../../functions/store/last-viewed.ts';
import { remindersThatApply } from '../../functions/store/reminder-banner.ts';
import { call, unique } from '../support/hub.ts';
import { putHome as putPoolHome } from '../support/pool-fixtures.ts';
import { postVacancy, putHome } from './homes-fixtures.ts';
import { FENLAND, HARBOUR, hoursFromNow, offer, referral } from './offers-fixtures.ts';

/**
 * The console's own store parts, on DynamoDB Local: the reminder banner reads an organisation's
 * reminder events and shows those that still apply (issue 15 item 5), and a person's last view of
 * a list is kept per person and only moves forward (issue 14, "new since my last visit").
 */

const PO = 'programme-office';
const THURROCK = 'authority:thurrock';
const FRIDAY = '2026-12-18';
const post = (who: string, path: string, body: unknown = {}) => call(who, 'POST', path, { body });
const principal = (id: string): Principal => parsePrincipal(id)!;

describe('reminder banner (store/reminder-banner.ts)', () => {
  it('shows a provider its hold ending and its vacancy lapsing, an authority its notice due, each until it no longer applies; nobody else\'s', async () => {
    const home = await putHome(HARBOUR, { supports: ['self-harm'] });
    const vacancy = await postVacancy(HARBOUR, home, { beds: 1 });
    const r = await referral();
    const short = (await offer(HARBOUR, r, home, { holdUntil: hoursFromNow(1.5) })).id as string;
    // a pool placement in a London home: Thurrock's notice to send, due Tuesday 29 December
    const london = await putPoolHome({ outcode: 'E1', name: 'Thames House' } as Partial<HomeItem>);
    const bed = await post(PO, '/v1/pool/beds', { homeUrn: london.urn, kind: 'emergency', weeklyCost: 7000, contractRef: `PLC-${unique()}`, from: '2026-01-01' });
    const req = await post(THURROCK, '/v1/pool/requests', {
      kind: 'emergency', urgency: 'today', neededFrom: FRIDAY, child: { childRef: `THR-${unique()}`, age: 14, sex: 'female', needs: [] }, homeOutcode: 'RM17',
    });
    const alloc = await post(PO, '/v1/pool/allocations', { requestId: req.json.id, bedId: bed.json.id, startDate: FRIDAY });
    expect(alloc.status, alloc.text).toBe(201);
    const placementId = alloc.json.placementId as string;
    const notice = (await call(THURROCK, 'GET', `/v1/placements/${placementId}`)).json.notices[0];

    const now = new Date();
    const vacancyDue = new Date(now.getTime() + (6 * 24 + 1) * 3_600_000);
    const noticeDue = new Date('2026-12-24T09:00:00Z'); // Thursday: the 25th and 28th are bank holidays
    const mine = (list: { subjectId: string }[], ids: string[]) => list.filter((x) => ids.includes(x.subjectId));
    // before the job runs, no reminder was sent: nothing to show
    expect(mine(await remindersThatApply(principal(HARBOUR), now, '2026-12-10'), [short, vacancy])).toEqual([]);

    await reminders(undefined, now);
    await reminders(undefined, vacancyDue);
    await reminders(undefined, noticeDue);
    const later = new Date(Date.now() + 1000);

    // the hold, now
    expect(mine(await remindersThatApply(principal(HARBOUR), later, '2026-12-10'), [short, vacancy])).toEqual([
      { type: 'hold.expiring', subjectId: short, deadline: expect.any(String), referralId: r, homeName: 'Willow House' },
    ]);
    // the vacancy, a day before it lapses (the hold has ended by then)
    expect(mine(await remindersThatApply(principal(HARBOUR), vacancyDue, '2026-12-16'), [short, vacancy])).toEqual([
      { type: 'vacancy.expiring', subjectId: vacancy, deadline: expect.any(String), homeUrn: home, homeName: 'Willow House' },
    ]);
    // the notice, to the placing authority only, on Thursday 24 December (the job dates its events when it writes them: read from now)
    expect(mine(await remindersThatApply(principal(THURROCK), later, '2026-12-24'), [notice.id])).toEqual([
      { type: 'notice.due', subjectId: notice.id, deadline: '2026-12-29', placementId, to: expect.any(String) },
    ]);
    // nobody else's
    expect(mine(await remindersThatApply(principal(FENLAND), vacancyDue, '2026-12-16'), [short, vacancy, notice.id])).toEqual([]);
    expect(mine(await remindersThatApply(principal('authority:essex'), later, '2026-12-24'), [notice.id])).toEqual([]);

    // once acted on, none applies: the offer withdrawn, the vacancy filled, the notice sent
    const withdrawn = await call(HARBOUR, 'POST', `/v1/offers/${short}/withdraw`);
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect((await call(HARBOUR, 'PATCH', `/v1/vacancies/${vacancy}`, { body: { status: 'filled' } })).status).toBeLessThan(300);
    const sent = await post(THURROCK, `/v1/placements/${placementId}/notices/${notice.id}/sent`, { sentAt: new Date().toISOString() });
    expect(sent.status, sent.text).toBe(200);
    expect(mine(await remindersThatApply(principal(HARBOUR), new Date(Date.now() + 1000), '2026-12-10'), [short, vacancy])).toEqual([]);
    expect(mine(await remindersThatApply(principal(HARBOUR), vacancyDue, '2026-12-16'), [short, vacancy])).toEqual([]);
    expect(mine(await remindersThatApply(principal(THURROCK), later, '2026-12-24'), [notice.id])).toEqual([]);
  }, 90_000);
});

describe('last view of a list (store/last-viewed.ts)', () => {
  it('is kept per organisation, person and list, and only moves forward', async () => {
    const harbour = principal(HARBOUR);
    const sub = `person-${unique()}`;
    expect(await lastViewedAt(harbour, sub, 'referrals-shared')).toBeUndefined();
    await markViewed(harbour, sub, 'referrals-shared', '2026-12-10T10:00:00.000Z');
    expect(await lastViewedAt(harbour, sub, 'referrals-shared')).toBe('2026-12-10T10:00:00.000Z');
    // an older visit finishing later never moves it back
    await markViewed(harbour, sub, 'referrals-shared', '2026-12-10T09:00:00.000Z');
    expect(await lastViewedAt(harbour, sub, 'referrals-shared')).toBe('2026-12-10T10:00:00.000Z');
    await markViewed(harbour, sub, 'referrals-shared', '2026-12-10T11:00:00.000Z');
    expect(await lastViewedAt(harbour, sub, 'referrals-shared')).toBe('2026-12-10T11:00:00.000Z');
    // another person, another organisation, another list: their own
    expect(await lastViewedAt(harbour, `${sub}-2`, 'referrals-shared')).toBeUndefined();
    expect(await lastViewedAt(principal(FENLAND), sub, 'referrals-shared')).toBeUndefined();
    expect(await lastViewedAt(harbour, sub, 'other-list')).toBeUndefined();
  });
});
