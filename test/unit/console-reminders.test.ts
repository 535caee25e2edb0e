import { describe, expect, it } from 'vitest';
import type { HubEvent } from '../../functions/domain/events.ts';
import { newSinceFirst } from '../../functions/domain/new-since.ts';
import { stillApplying, type BannerSubjects } from '../../functions/domain/reminder-banner.ts';

/**
 * The console's reminder banner (issue 15 item 5: "the console shows the same as a banner to the
 * person") and a provider's "new since my last visit first" (issue 14), as pure rules.
 */

const NOW = new Date('2026-12-10T12:00:00Z');
const TODAY = '2026-12-10';
const inHours = (h: number) => new Date(NOW.getTime() + h * 3_600_000).toISOString();
const ev = (type: HubEvent['type'], id: string, kind: HubEvent['subject']['kind']): HubEvent => ({ id: `evt_${type}_${id}`, type, occurredAt: inHours(-1), subject: { kind, id } });
const HARBOUR = 'provider:harbour-care';

function subjects(over: Partial<{ [K in keyof BannerSubjects]: Record<string, unknown> }> = {}): BannerSubjects {
  return {
    vacancies: new Map(Object.entries(over.vacancies ?? {})) as BannerSubjects['vacancies'],
    offers: new Map(Object.entries(over.offers ?? {})) as BannerSubjects['offers'],
    notices: new Map(Object.entries(over.notices ?? {})) as BannerSubjects['notices'],
  };
}
const vacancy = (expiresAt: string, status = 'open', owner = HARBOUR) => ({ id: 'vac1', owner, status, expiresAt, homeUrn: 'SC100001', homeName: 'Harbour View' });
const held = (holdUntil: string, status = 'open') => ({ offer: { id: 'off_ref1_x', provider: { id: 'harbour-care' }, holdUntil, referralId: 'ref1', homeName: 'Harbour View' }, status });
const placement = (notices: { id: string; dueBy: string; sentAt?: string }[]) => ({ placement: { id: 'plc_essex_1', authority: 'essex', notices: notices.map((n) => ({ ...n, to: { name: 'Suffolk' } })) } });

describe('reminder banner: the reminders that still apply (domain/reminders.ts rules, on the subject as it is now)', () => {
  it('shows a vacancy lapsing within 24 hours (vacancy.expiring), linked to its home', () => {
    const out = stillApplying(HARBOUR, [ev('vacancy.expiring', 'vac1', 'vacancy')], subjects({ vacancies: { vac1: vacancy(inHours(5)) } }), NOW, TODAY);
    expect(out).toEqual([{ type: 'vacancy.expiring', subjectId: 'vac1', deadline: inHours(5), homeUrn: 'SC100001', homeName: 'Harbour View' }]);
  });

  it('drops a vacancy reconfirmed (expiry beyond 24 hours), filled or withdrawn, lapsed, or gone', () => {
    const e = [ev('vacancy.expiring', 'vac1', 'vacancy')];
    expect(stillApplying(HARBOUR, e, subjects({ vacancies: { vac1: vacancy(inHours(7 * 24)) } }), NOW, TODAY)).toEqual([]);
    expect(stillApplying(HARBOUR, e, subjects({ vacancies: { vac1: vacancy(inHours(5), 'filled') } }), NOW, TODAY)).toEqual([]);
    expect(stillApplying(HARBOUR, e, subjects({ vacancies: { vac1: vacancy(inHours(-1)) } }), NOW, TODAY)).toEqual([]);
    expect(stillApplying(HARBOUR, e, subjects(), NOW, TODAY)).toEqual([]);
  });

  it('never shows one organisation another\'s subject (the rule\'s recipient must be the reader)', () => {
    const out = stillApplying('provider:fenland-childrens-homes', [ev('vacancy.expiring', 'vac1', 'vacancy')], subjects({ vacancies: { vac1: vacancy(inHours(5)) } }), NOW, TODAY);
    expect(out).toEqual([]);
  });

  it('shows a hold ending within 2 hours (hold.expiring) while the offer is open, linked to its referral', () => {
    const e = [ev('hold.expiring', 'off_ref1_x', 'offer')];
    expect(stillApplying(HARBOUR, e, subjects({ offers: { off_ref1_x: held(inHours(1.5)) } }), NOW, TODAY)).toEqual([
      { type: 'hold.expiring', subjectId: 'off_ref1_x', deadline: inHours(1.5), referralId: 'ref1', homeName: 'Harbour View' },
    ]);
    for (const status of ['accepted', 'withdrawn', 'superseded', 'declined']) {
      expect(stillApplying(HARBOUR, e, subjects({ offers: { off_ref1_x: held(inHours(1.5), status) } }), NOW, TODAY)).toEqual([]);
    }
  });

  it('shows a reg 13(4) notice due by the next working day and not sent (notice.due), linked to its placement; not once sent', () => {
    const e = [ev('notice.due', 'ntc_1', 'notice')];
    expect(stillApplying('authority:essex', e, subjects({ notices: { ntc_1: placement([{ id: 'ntc_1', dueBy: '2026-12-11' }]) } }), NOW, TODAY)).toEqual([
      { type: 'notice.due', subjectId: 'ntc_1', deadline: '2026-12-11', placementId: 'plc_essex_1', to: 'Suffolk' },
    ]);
    expect(stillApplying('authority:essex', e, subjects({ notices: { ntc_1: placement([{ id: 'ntc_1', dueBy: '2026-12-11', sentAt: inHours(-1) }]) } }), NOW, TODAY)).toEqual([]);
    expect(stillApplying('authority:suffolk', e, subjects({ notices: { ntc_1: placement([{ id: 'ntc_1', dueBy: '2026-12-11' }]) } }), NOW, TODAY)).toEqual([]);
  });

  it('shows each subject once (reminded of again after its deadline moved), soonest deadline first', () => {
    const e = [ev('vacancy.expiring', 'vac1', 'vacancy'), ev('vacancy.expiring', 'vac1', 'vacancy'), ev('hold.expiring', 'off_ref1_x', 'offer')];
    const out = stillApplying(HARBOUR, e, subjects({ vacancies: { vac1: vacancy(inHours(5)) }, offers: { off_ref1_x: held(inHours(1)) } }), NOW, TODAY);
    expect(out.map((r) => r.type)).toEqual(['hold.expiring', 'vacancy.expiring']);
  });
});

describe('new since my last visit first', () => {
  const items = [
    { id: 'a', at: '2026-12-10T09:00:00Z' },
    { id: 'b', at: '2026-12-09T09:00:00Z' },
    { id: 'c', at: '2026-12-10T11:00:00Z' },
    { id: 'd', at: '2026-12-01T09:00:00Z' },
  ];
  it('puts what was shared after the last view first, newest first and marked new, then the rest in order', () => {
    const out = newSinceFirst(items, (i) => i.at, '2026-12-09T12:00:00Z');
    expect(out.map((o) => [o.item.id, o.isNew])).toEqual([['c', true], ['a', true], ['b', false], ['d', false]]);
  });
  it('marks everything new on a first visit, and nothing when nothing came since', () => {
    expect(newSinceFirst(items, (i) => i.at, undefined).every((o) => o.isNew)).toBe(true);
    expect(newSinceFirst(items, (i) => i.at, '2026-12-10T11:00:00Z').some((o) => o.isNew)).toBe(false);
  });
});
