import { describe, expect, it } from 'vitest';
import { APPROVAL_CHECKLIST } from '../../schemas/codes.ts';
import { approvalProblems, noticeDueBy, noticeRequired, placementProvider, roleSatisfies, type ApprovalInput } from '../../functions/domain/placement.ts';

// CPPCR 2010 reg 11 as amended by SI 2013/3239: the decision is approved by a nominated officer
// (reg 11(1)(a)) or, at a distance, the director of children's services (reg 11(1)(b)), who must
// be satisfied of reg 11(2)(a)–(e).
const NOW = new Date('2026-12-03T10:00:00Z');
const allTrue = Object.fromEntries(APPROVAL_CHECKLIST.map((k) => [k, true])) as ApprovalInput['checklist'];
const good: ApprovalInput = { role: 'nominated-officer', approvedBy: 'J. Smith, Head of Service', approvedAt: '2026-12-03T09:30:00Z', checklist: allTrue };

describe('approval (CPPCR reg 11(1) and 11(2)(a)–(e))', () => {
  it('accepts a complete approval by the role required', () => {
    expect(approvalProblems('nominated-officer', good, NOW)).toEqual([]);
    expect(approvalProblems('director-of-childrens-services', { ...good, role: 'director-of-childrens-services' }, NOW)).toEqual([]);
  });

  it('lets the director approve what a nominated officer may, never the reverse (reg 11(1)(b))', () => {
    expect(roleSatisfies('nominated-officer', 'director-of-childrens-services')).toBe(true);
    expect(roleSatisfies('director-of-childrens-services', 'nominated-officer')).toBe(false);
    expect(approvalProblems('nominated-officer', { ...good, role: 'director-of-childrens-services' }, NOW)).toEqual([]);
    expect(approvalProblems('director-of-childrens-services', good, NOW)).toEqual([
      { path: 'role', message: expect.stringMatching(/director.*reg 11\(1\)\(b\)/) },
    ]);
  });

  it('names each reg 11(2) item not confirmed, in the regulation\'s order (a)–(e)', () => {
    const none = Object.fromEntries(APPROVAL_CHECKLIST.map((k) => [k, false])) as ApprovalInput['checklist'];
    const problems = approvalProblems('nominated-officer', { ...good, checklist: none }, NOW);
    expect(problems.map((p) => p.path)).toEqual([
      'checklist.wishesAndFeelings', 'checklist.mostAppropriate', 'checklist.relativesConsulted', 'checklist.areaAuthority', 'checklist.iroConsulted',
    ]);
    expect(problems.map((p) => /reg 11\(2\)\(([a-e])\)/.exec(p.message)?.[1])).toEqual(['a', 'b', 'c', 'd', 'e']);
    for (const item of APPROVAL_CHECKLIST) {
      expect(approvalProblems('nominated-officer', { ...good, checklist: { ...allTrue, [item]: false } }, NOW).map((p) => p.path)).toEqual([`checklist.${item}`]);
    }
  });

  it('refuses an approvedAt in the future (beyond 5 minutes of clock skew) and an unnamed approver, reporting every failure at once', () => {
    expect(approvalProblems('nominated-officer', { ...good, approvedAt: '2026-12-03T10:04:00Z' }, NOW)).toEqual([]);
    expect(approvalProblems('nominated-officer', { ...good, approvedAt: '2026-12-03T13:00:00Z' }, NOW)).toEqual([{ path: 'approvedAt', message: 'is in the future' }]);
    expect(approvalProblems('nominated-officer', { ...good, approvedAt: 'yesterday' }, NOW).map((p) => p.path)).toEqual(['approvedAt']);
    const all = approvalProblems(
      'director-of-childrens-services',
      { role: 'nominated-officer', approvedBy: '  ', approvedAt: '2027-01-01T00:00:00Z', checklist: { ...allTrue, iroConsulted: false } },
      NOW,
    );
    expect(all.map((p) => p.path)).toEqual(['checklist.iroConsulted', 'role', 'approvedBy', 'approvedAt']);
  });
});

// SSDA903 PLACE_PROVIDER (ssda903_place_and_provider_codes.csv): PR1 own provision; PR2 other
// local authority provision; PR3 other public provision; PR4 private; PR5 voluntary/third sector.
describe('PLACE_PROVIDER from who owns the home (SSDA903)', () => {
  it('is PR1 for the placing authority\'s own in-house home and PR2 for another authority\'s', () => {
    expect(placementProvider('authority:essex', 'local-authority', 'essex')).toBe('PR1');
    expect(placementProvider({ kind: 'authority', id: 'essex' }, undefined, 'essex')).toBe('PR1');
    expect(placementProvider('authority:hertfordshire', 'local-authority', 'essex')).toBe('PR2');
    // a council outside the region is recorded as a provider, with Ofsted's sector
    expect(placementProvider('provider:camden-council', 'local-authority', 'essex')).toBe('PR2');
  });

  it('is PR3 for health, PR4 for private (and a provider\'s home of no sector), PR5 for voluntary', () => {
    expect(placementProvider('provider:nhs-trust', 'health', 'essex')).toBe('PR3');
    expect(placementProvider('provider:nhs-trust', 'health-authority', 'essex')).toBe('PR3');
    expect(placementProvider('provider:acme-care', 'private', 'essex')).toBe('PR4');
    expect(placementProvider('provider:acme-care', undefined, 'essex')).toBe('PR4');
    expect(placementProvider('provider:barnardos', 'voluntary', 'essex')).toBe('PR5');
  });

  it('never answers for the programme office, which owns no home', () => {
    expect(() => placementProvider('programme-office', undefined, 'essex')).toThrow();
    expect(() => placementProvider('nobody', undefined, 'essex')).toThrow();
  });
});

// CPPCR reg 13(4)(a) (inserted by SI 2013/3239 reg 19): written notification to the area authority
// "before the placement is made or, if the placement is made in an emergency, within five working
// days of the start of the placement".
describe('reg 13(4) notice', () => {
  it('is needed for every placement outside the placing authority\'s area', () => {
    expect(noticeRequired('in-area')).toBe(false);
    expect(noticeRequired('adjoining')).toBe(true);
    expect(noticeRequired('at-distance')).toBe(true);
  });

  it('is due by the start date for a planned placement', () => {
    expect(noticeDueBy('2026-12-18', { urgency: 'planned' })).toBe('2026-12-18');
    expect(noticeDueBy('2026-12-18', { urgency: 'within-5-days' })).toBe('2026-12-18');
    expect(noticeDueBy('2026-12-18', {})).toBe('2026-12-18');
  });

  it('is due by the 5th working day after the start when the urgency is today or the bed is an emergency pool bed', () => {
    expect(noticeDueBy('2026-12-18', { urgency: 'today' })).toBe('2026-12-29'); // CONTRACT example
    expect(noticeDueBy('2026-12-18', { emergencyPool: true })).toBe('2026-12-29');
    expect(noticeDueBy('2027-03-25', { emergencyPool: true })).toBe('2027-04-05'); // Easter 2027
  });
});
