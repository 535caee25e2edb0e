import { describe, expect, it } from 'vitest';
import {
  approvedPlacement, endedPlacement, episodeSourceOf, hostNoticeView, mayEnd, newPlacement, noticeSentPlacement, overdueNotices, ownerOfPlacementId,
  type NewPlacement, type Placement,
} from '../../functions/domain/placement-record.ts';
import { decideNoticeDisclosure, HOST_NOTIFICATION_PURPOSE, REGIONAL_AGREEMENT_ID } from '../../functions/domain/disclosure.ts';
import { noticeReadRecord } from '../../functions/domain/audit.ts';
import { HubError } from '../../functions/domain/errors.ts';
import { readAgreementsFrom } from '../../functions/store/agreements.ts';
import { resolve } from 'node:path';

/**
 * What happens to a placement once it exists (CONTRACT.md "Offers and placements"), pure: the
 * CPPCR 2010 reg 11 approval, the reg 13(4) notice recorded as sent, the end with its SSDA903
 * REC and REASON_PLACE_CHANGE, the overdue test, and the disclosure of a delivered notice to its
 * host under the regional agreement's `host-authority-notification`.
 */

const NOW = new Date('2026-12-03T10:00:00Z');
const ESSEX = { principal: 'authority:essex' };
const HOME: NewPlacement['home'] = { urn: 'SC000001', name: 'Orchard House', owner: 'provider:acme', provider: { id: 'acme', name: 'Acme' }, placementType: 'K2', outcode: 'IP1', localAuthority: 'E10000029', postcode: 'IP1 2AA' };
const base = (over: Partial<NewPlacement> = {}): Placement =>
  newPlacement({
    id: 'plc_essex_0mx7dweob252b9c2',
    noticeId: 'ntc_0mx7dweob252b9c2',
    authority: 'essex',
    child: { childRef: 'E-1', age: 14, sex: 'female', needs: ['self-harm'], homeOutcode: 'CM1', urgency: 'planned' },
    home: HOME,
    startDate: '2026-12-01',
    weeklyCost: 5000,
    by: ESSEX,
    now: NOW,
    ...over,
  });
const atDistance = () => base({ home: { urn: HOME.urn, name: HOME.name, owner: HOME.owner, provider: HOME.provider!, placementType: 'K2', outcode: 'SW1A' } });
const checklist = { wishesAndFeelings: true, mostAppropriate: true, relativesConsulted: true, areaAuthority: true, iroConsulted: true };
const input = (over = {}) => ({ role: 'nominated-officer' as const, approvedBy: 'J. Smith', approvedAt: '2026-12-03T09:00:00Z', checklist, ...over });
const fails = (f: () => unknown): HubError => {
  try {
    f();
  } catch (e) {
    if (e instanceof HubError) return e;
    throw e;
  }
  throw new Error('did not throw');
};

describe('approval (reg 11)', () => {
  it('confirms an adjoining placement approved by a nominated officer (reg 11(1)(a)), recording who and when and who changed it', () => {
    const p = approvedPlacement(base(), input(), ESSEX, NOW);
    expect(p.status).toBe('confirmed');
    expect(p.approval).toEqual({ required: 'nominated-officer', status: 'approved', role: 'nominated-officer', approvedBy: 'J. Smith', approvedAt: '2026-12-03T09:00:00.000Z' });
    expect(p.by).toEqual(ESSEX);
  });

  it('a signed-in person approves only as a role they hold (403), and is recorded as approvedBy whatever the body says (CONTRACT "Organisations and people")', () => {
    const person = { principal: 'authority:essex', person: 'psn_1' };
    const p = approvedPlacement(base(), input({ approvedBy: 'Somebody Else' }), person, NOW, ['nominated-officer']);
    expect(p.approval.approvedBy).toBe('psn_1');
    expect(p.by).toEqual(person);
    // a placement officer cannot approve as the director, nor a nominated officer as the director
    expect(fails(() => approvedPlacement(atDistance(), input({ role: 'director-of-childrens-services' }), person, NOW, ['placement-officer'])).code).toBe('forbidden');
    expect(fails(() => approvedPlacement(atDistance(), input({ role: 'director-of-childrens-services' }), person, NOW, ['nominated-officer'])).code).toBe('forbidden');
    // no roles at all: refused, even for the role the placement needs
    expect(fails(() => approvedPlacement(base(), input(), person, NOW)).code).toBe('forbidden');
    // the director approves a nominated-officer requirement as director (reg 11(1))
    expect(approvedPlacement(base(), input({ role: 'director-of-childrens-services' }), person, NOW, ['director-of-childrens-services']).approval.approvedBy).toBe('psn_1');
  });

  it('at a distance only the director approves (reg 11(1)(b)); every unconfirmed reg 11(2) item and a future time are named (422)', () => {
    const e = fails(() => approvedPlacement(atDistance(), input({ checklist: { ...checklist, wishesAndFeelings: false }, approvedAt: '2026-12-04T00:00:00Z' }), ESSEX, NOW));
    expect(e.code).toBe('unprocessable');
    expect(e.errors!.map((x) => x.path)).toEqual(['checklist.wishesAndFeelings', 'role', 'approvedAt']);
    expect(approvedPlacement(atDistance(), input({ role: 'director-of-childrens-services' }), ESSEX, NOW).status).toBe('confirmed');
  });

  it('409 on a placement not awaiting approval: in area, approved already, ended', () => {
    const inArea = base({ home: { ...HOME, localAuthority: 'E10000012', outcode: 'CM2' } });
    expect(fails(() => approvedPlacement(inArea, input(), ESSEX, NOW)).code).toBe('conflict');
    const once = approvedPlacement(base(), input(), ESSEX, NOW);
    expect(fails(() => approvedPlacement(once, input(), ESSEX, NOW)).code).toBe('conflict');
    const ended = endedPlacement(base(), { endDate: '2026-12-02', reasonEpisodeCeased: 'E11' }, ESSEX);
    expect(fails(() => approvedPlacement(ended, input(), ESSEX, NOW)).code).toBe('conflict');
  });
});

describe('notices (reg 13(4))', () => {
  it('records the sending of a notice to a host outside the 11; 409 once sent (or delivered by the hub); 404 for no such notice; 422 in the future', () => {
    const p = atDistance();
    const id = p.notices[0]!.id;
    const sent = noticeSentPlacement(p, id, '2026-12-02T15:00:00+00:00', ESSEX, NOW);
    expect(sent.notices[0]!.sentAt).toBe('2026-12-02T15:00:00.000Z');
    expect(fails(() => noticeSentPlacement(sent, id, '2026-12-02T15:00:00Z', ESSEX, NOW)).code).toBe('conflict');
    expect(fails(() => noticeSentPlacement(base(), base().notices[0]!.id, '2026-12-02T15:00:00Z', ESSEX, NOW)).code).toBe('conflict'); // delivered
    expect(fails(() => noticeSentPlacement(p, 'ntc_other000000', '2026-12-02T15:00:00Z', ESSEX, NOW)).code).toBe('not-found');
    expect(fails(() => noticeSentPlacement(p, id, '2026-12-03T10:06:00Z', ESSEX, NOW)).errors).toEqual([{ path: 'sentAt', message: 'is in the future' }]);
  });

  it('is overdue from the day after dueBy while not sent (a planned placement: due by its start date)', () => {
    const p = atDistance(); // due 2026-12-01
    expect(overdueNotices(p, '2026-12-01')).toEqual([]);
    expect(overdueNotices(p, '2026-12-02').map((n) => n.id)).toEqual([p.notices[0]!.id]);
    expect(overdueNotices(noticeSentPlacement(p, p.notices[0]!.id, '2026-12-02T09:00:00Z', ESSEX, NOW), '2026-12-10')).toEqual([]);
    expect(overdueNotices(base(), '2027-01-01')).toEqual([]); // delivered at creation
  });

  it('a host reads the child\'s age, sex and needs under host-authority-notification — never childRef — and the read is audited under the placing authority', () => {
    const [isp] = readAgreementsFrom(resolve('sharing-agreements'));
    const host = { kind: 'authority', id: 'suffolk' } as const;
    const decision = decideNoticeDisclosure(isp, REGIONAL_AGREEMENT_ID, host, ['child.age', 'child.sex', 'child.needs', 'child.childRef'], NOW.toISOString(), NOW);
    expect(decision).toMatchObject({ allowed: true, fields: ['child.age', 'child.sex', 'child.needs'] });
    const notice = { id: 'ntc_1', regulation: '13(4)' as const, from: 'essex' as const, placementId: 'plc_essex_1', homeUrn: 'SC000001', homeName: 'Orchard', startDate: '2026-12-01', child: { age: 14, sex: 'female', needs: ['semh'] }, sentAt: NOW.toISOString() };
    expect(hostNoticeView(notice, decision.fields)).toEqual({ id: 'ntc_1', regulation: '13(4)', from: 'essex', homeUrn: 'SC000001', homeName: 'Orchard', startDate: '2026-12-01', child: { age: 14, sex: 'female', needs: ['semh'] }, sentAt: NOW.toISOString() });
    expect(hostNoticeView(notice, ['child.age'])).toMatchObject({ child: { age: 14 } });

    const record = noticeReadRecord({ notice, agreementId: REGIONAL_AGREEMENT_ID, agreement: isp, purpose: HOST_NOTIFICATION_PURPOSE, principal: host, decision, requestId: 'r-1', now: NOW });
    expect(record.owner).toBe('authority:essex');
    expect(record.entry).toEqual({
      at: NOW.toISOString(), principal: 'authority:suffolk', action: 'notice-read', placementId: 'plc_essex_1', agreementId: REGIONAL_AGREEMENT_ID, agreementVersion: isp!.version,
      purpose: 'host-authority-notification', outcome: 'allowed', fields: ['child.age', 'child.sex', 'child.needs'], reasons: [], requestId: 'r-1',
    });
    expect(noticeReadRecord({ notice: { ...notice, referralId: 'ref-1' }, agreementId: REGIONAL_AGREEMENT_ID, agreement: isp, purpose: HOST_NOTIFICATION_PURPOSE, principal: host, decision, requestId: 'r', now: NOW }).entry.referralId).toBe('ref-1');
  });

  it('discloses nothing when the agreement no longer names the purpose, is not active, or the reader is no party in the authority role', () => {
    const [isp] = readAgreementsFrom(resolve('sharing-agreements'));
    const host = { kind: 'authority', id: 'suffolk' } as const;
    const without = { ...isp!, purposes: isp!.purposes.filter((p) => p.id !== HOST_NOTIFICATION_PURPOSE) };
    expect(decideNoticeDisclosure(without, REGIONAL_AGREEMENT_ID, host, ['child.age'], NOW.toISOString(), NOW)).toMatchObject({ allowed: false, fields: [] });
    expect(decideNoticeDisclosure({ ...isp!, status: 'suspended' }, REGIONAL_AGREEMENT_ID, host, ['child.age'], NOW.toISOString(), NOW).allowed).toBe(false);
    expect(decideNoticeDisclosure(undefined, REGIONAL_AGREEMENT_ID, host, ['child.age'], NOW.toISOString(), NOW).allowed).toBe(false);
    // each field no longer than the agreement keeps it (180 days each), counted from the delivery
    const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
    expect(isp!.dataItems.filter((d) => d.field.startsWith('child.') && ['age', 'sex', 'needs'].includes(d.field.slice(6))).map((d) => d.retention.days)).toEqual([180, 180, 180]);
    expect(decideNoticeDisclosure(isp, REGIONAL_AGREEMENT_ID, host, ['child.age', 'child.sex', 'child.needs'], daysAgo(179), NOW).fields).toEqual(['child.age', 'child.sex', 'child.needs']);
    const past = decideNoticeDisclosure(isp, REGIONAL_AGREEMENT_ID, host, ['child.age', 'child.sex', 'child.needs'], daysAgo(181), NOW);
    expect(past).toMatchObject({ allowed: false, fields: [] });
    expect(past.reasons.find((r) => r.rule === 'retention')!.ok).toBe(false);
    const noParty = { ...isp!, parties: isp!.parties.filter((p) => p.principal !== 'authority:suffolk') };
    expect(decideNoticeDisclosure(noParty, REGIONAL_AGREEMENT_ID, host, ['child.age'], NOW.toISOString(), NOW).reasons.find((r) => r.rule === 'party')!.ok).toBe(false);
  });
});

describe('ending (SSDA903 REC, REASON_PLACE_CHANGE)', () => {
  it('ends with REC X1 and its reason; then 409', () => {
    const p = endedPlacement(base(), { endDate: '2026-12-02', reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CARPL' }, ESSEX);
    expect(p).toMatchObject({ status: 'ended', endDate: '2026-12-02', reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CARPL' });
    expect(fails(() => endedPlacement(p, { endDate: '2026-12-03', reasonEpisodeCeased: 'E11' }, ESSEX)).code).toBe('conflict');
  });

  it('422 naming: an unknown REC (rule 149), X1 without REASON_PLACE_CHANGE, an end before the start', () => {
    const e = fails(() => endedPlacement(base(), { endDate: '2026-11-30', reasonEpisodeCeased: 'X1' }, ESSEX));
    expect(e.errors!.map((x) => x.path)).toEqual(['endDate', 'reasonPlaceChange']);
    expect(fails(() => endedPlacement(base(), { endDate: '2026-12-01', reasonEpisodeCeased: 'Z9', reasonPlaceChange: 'NOPE' }, ESSEX)).errors!.map((x) => x.path)).toEqual(['reasonEpisodeCeased', 'reasonPlaceChange']);
    expect(endedPlacement(base(), { endDate: '2026-12-01', reasonEpisodeCeased: 'E11' }, ESSEX).endDate).toBe('2026-12-01'); // the same day is allowed
  });

  it('the authority ends its own; the programme office only a pool placement', () => {
    expect(mayEnd(base(), { kind: 'authority', id: 'essex' })).toBe(true);
    expect(mayEnd(base(), { kind: 'authority', id: 'suffolk' })).toBe(false);
    expect(mayEnd(base(), { kind: 'programme-office' })).toBe(false);
    expect(mayEnd(base({ allocationId: 'alc_essex_0mx7dweob252b9c2' }), { kind: 'programme-office' })).toBe(true);
    expect(mayEnd(base(), { kind: 'provider', id: 'acme' })).toBe(false);
  });
});

describe('ids and the export source', () => {
  it('a placement id names its authority; a made-up slug or shape names none', () => {
    expect(ownerOfPlacementId('plc_southend-on-sea_0mx7dweob252b9c2')).toBe('southend-on-sea');
    expect(ownerOfPlacementId('plc_kent_0mx7dweob252b9c2')).toBeUndefined();
    expect(ownerOfPlacementId('alc_essex_0mx7dweob252b9c2')).toBeUndefined();
  });

  it('the episode source carries the home\'s postcode as PL_POST and the end\'s codes', () => {
    const p = endedPlacement(base(), { endDate: '2026-12-02', reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CARPL' }, ESSEX);
    expect(episodeSourceOf(p)).toEqual({ childRef: 'E-1', startDate: '2026-12-01', endDate: '2026-12-02', placementType: 'K2', placementProvider: 'PR4', reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CARPL', homeUrn: 'SC000001', postcode: 'IP1 2AA' });
  });
});
