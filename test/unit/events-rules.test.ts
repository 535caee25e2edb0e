import { describe, expect, it } from 'vitest';
import {
  deliverable, EVENT_SETTLE_MS, placementEvents, referralOfOffer, rollupAudience, settledBy, subjectReferral, type HubEvent,
} from '../../functions/domain/events.ts';
import { holdReminder, noticeReminders, noticeWindow, vacancyReminder } from '../../functions/domain/reminders.ts';
import { AUTHORITY_SLUGS } from '../../functions/domain/reference/authorities.ts';

const ev = (kind: HubEvent['subject']['kind'], id: string): HubEvent => ({ id: 'evt_1', type: 'referral.shared', occurredAt: '2026-12-03T10:00:00.000Z', subject: { kind, id } });
const REF = '3f6c2a1e-8b4d-4c7a-9e2f-5d1b0a9c8e7f';

describe('disclosure of events (CONTRACT "Events")', () => {
  it('an event about a referral, or an offer on one, names that referral; other subjects name none', () => {
    expect(subjectReferral(ev('referral', REF))).toBe(REF);
    expect(subjectReferral(ev('offer', `off_${REF}_mbx2k1q0a1b2c3d4`))).toBe(REF);
    expect(referralOfOffer('off_bad')).toBeUndefined();
    for (const kind of ['placement', 'notice', 'vacancy', 'allocation', 'rollup'] as const) expect(subjectReferral(ev(kind, 'x'))).toBeUndefined();
  });

  it('an event about a referral is deliverable only while its recipient may read the referral (consent withdrawn or refused: not)', () => {
    expect(deliverable(ev('referral', REF), { allowed: true })).toBe(true);
    expect(deliverable(ev('referral', REF), { allowed: false })).toBe(false);
    expect(deliverable(ev('offer', `off_${REF}_mbx2k1q0a1b2c3d4`), { allowed: false })).toBe(false);
    expect(deliverable(ev('referral', REF), undefined), 'a referral that is gone').toBe(false);
    expect(deliverable(ev('placement', 'plc_essex_x'), undefined)).toBe(true);
  });
});

describe('who hears of what', () => {
  let n = 0;
  const id = () => String(++n);
  const now = new Date('2026-12-03T10:00:00Z');

  it('placement.created to the owner of the home; notice.delivered to each host the hub delivered to, and to no other', () => {
    const out = placementEvents({
      id: 'plc_essex_1', homeOwner: 'provider:harbour-care',
      notices: [{ id: 'ntc_1', deliveredTo: 'suffolk', sentAt: now.toISOString() }, { id: 'ntc_2' }],
    }, now, id);
    expect(out.map((a) => [a.recipient, a.event.type, a.event.subject])).toEqual([
      ['provider:harbour-care', 'placement.created', { kind: 'placement', id: 'plc_essex_1' }],
      ['authority:suffolk', 'notice.delivered', { kind: 'notice', id: 'ntc_1' }],
    ]);
    expect(placementEvents({ id: 'plc_essex_2', homeOwner: 'authority:essex', notices: [] }, now, id).map((a) => a.recipient)).toEqual(['authority:essex']);
  });

  it('rollup.published to everyone who may read a rollup: the 11 authorities and the programme office', () => {
    const audience = rollupAudience(AUTHORITY_SLUGS);
    expect(audience).toHaveLength(12);
    expect(audience).toContain('authority:essex');
    expect(audience).toContain('programme-office');
    expect(audience.some((r) => r.startsWith('provider:'))).toBe(false);
  });

  it('the feed shows events settled for EVENT_SETTLE_MS', () => {
    expect(Date.parse(settledBy(now))).toBe(now.getTime() - EVENT_SETTLE_MS);
  });
});

describe('reminders (CONTRACT "Events")', () => {
  const now = new Date('2026-12-03T10:00:00.000Z');
  const at = (h: number) => new Date(now.getTime() + h * 3_600_000).toISOString();

  it('vacancy.expiring to its provider from 24 hours before expiresAt until it lapses, for an open vacancy only', () => {
    const v = { id: 'v1', owner: 'provider:harbour-care', status: 'open', expiresAt: at(23.9) };
    expect(vacancyReminder(v, now)).toEqual({ type: 'vacancy.expiring', subjectId: 'v1', deadline: at(23.9), recipient: 'provider:harbour-care' });
    expect(vacancyReminder({ ...v, expiresAt: at(24) }, now)?.type).toBe('vacancy.expiring');
    expect(vacancyReminder({ ...v, expiresAt: at(24.01) }, now)).toBeUndefined();
    expect(vacancyReminder({ ...v, expiresAt: at(0) }, now), 'lapsed').toBeUndefined();
    expect(vacancyReminder({ ...v, status: 'withdrawn' }, now)).toBeUndefined();
  });

  it('hold.expiring to the provider from 2 hours before holdUntil, while the offer reads open', () => {
    const o = { id: 'off_1', provider: { id: 'harbour-care' }, holdUntil: at(1.5) };
    expect(holdReminder(o, 'open', now)).toEqual({ type: 'hold.expiring', subjectId: 'off_1', deadline: at(1.5), recipient: 'provider:harbour-care' });
    expect(holdReminder({ ...o, holdUntil: at(2.01) }, 'open', now)).toBeUndefined();
    expect(holdReminder(o, 'superseded', now)).toBeUndefined();
    expect(holdReminder({ ...o, holdUntil: at(-0.1) }, 'open', now)).toBeUndefined();
  });

  it('notice.due to the placing authority on the working day before dueBy (England and Wales bank holidays), for an unsent notice', () => {
    const p = (dueBy: string, sentAt?: string) => ({ authority: 'essex', notices: [{ id: 'ntc_1', dueBy, ...(sentAt ? { sentAt } : {}) }] });
    // Thursday 2026-12-03: a notice due Friday 4th is reminded today; one due Monday 7th on Friday
    expect(noticeReminders(p('2026-12-04'), '2026-12-03')).toEqual([{ type: 'notice.due', subjectId: 'ntc_1', deadline: '2026-12-04', recipient: 'authority:essex' }]);
    expect(noticeReminders(p('2026-12-07'), '2026-12-03')).toEqual([]);
    expect(noticeReminders(p('2026-12-07'), '2026-12-04')).toHaveLength(1);
    // due Tuesday 29 December 2026: 25 and 28 December are bank holidays, so the working day before is Thursday 24th
    expect(noticeWindow('2026-12-24')).toEqual({ from: '2026-12-24', to: '2026-12-29' });
    expect(noticeReminders(p('2026-12-29'), '2026-12-23')).toEqual([]);
    expect(noticeReminders(p('2026-12-29'), '2026-12-24')).toHaveLength(1);
    // due today still reminds (a run missed yesterday); overdue or sent does not
    expect(noticeReminders(p('2026-12-03'), '2026-12-03')).toHaveLength(1);
    expect(noticeReminders(p('2026-12-02'), '2026-12-03')).toEqual([]);
    expect(noticeReminders(p('2026-12-04', '2026-12-03T09:00:00Z'), '2026-12-03')).toEqual([]);
  });
});
