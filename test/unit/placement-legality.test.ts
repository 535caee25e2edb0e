import { describe, expect, it } from 'vitest';
import { PLACE_CODES_BY_YEAR } from '../../schemas/codes.ts';
import { collectionYearBounds, collectionYearOf, endProblems, isKnownCollectionYear, legality, placeCodesIn } from '../../functions/domain/placement.ts';

// The open SSDA903 validator (data-to-insight/csc-validator-be-903) keeps one rule set per
// collection year; lac_validator/rules/lac2026_27/__init__.py builds 2026-27 from the 2025-26
// registry, and lac2026_27 has no rule_146, so 2026-27's PLACE list is 2025-26's.
describe('PLACE code lists by collection year (validator rule 146)', () => {
  it('has a list for 2026-27, the collection year that runs now, the same as 2025-26', () => {
    expect(Object.keys(PLACE_CODES_BY_YEAR)).toContain('2026-27');
    expect((PLACE_CODES_BY_YEAR as Record<string, readonly string[]>)['2026-27']).toEqual(PLACE_CODES_BY_YEAR['2025-26']);
  });
});


describe('collection years (SSDA903: 1 April to 31 March)', () => {
  it('names the year a date falls in', () => {
    expect(collectionYearOf('2026-03-31')).toBe('2025-26');
    expect(collectionYearOf('2026-04-01')).toBe('2026-27');
    expect(collectionYearOf('2026-12-03')).toBe('2026-27');
    expect(collectionYearOf('2099-06-01')).toBe('2099-00');
    expect(() => collectionYearOf('2026-13-01')).toThrow(RangeError);
    expect(collectionYearBounds('2025-26')).toEqual({ start: '2025-04-01', end: '2026-03-31' });
    expect(() => collectionYearBounds('2025-27')).toThrow(RangeError);
    expect(isKnownCollectionYear('2025-26')).toBe(true);
    expect(isKnownCollectionYear('2019-20')).toBe(false);
    expect(isKnownCollectionYear('toString')).toBe(false);
  });

  it('carries the last list forward to a year the hub has no list for yet', () => {
    expect(placeCodesIn('2027-28')).toEqual(PLACE_CODES_BY_YEAR['2026-27']);
    expect(placeCodesIn('2024-25')).toContain('H5');
  });
});

// CPPCR 2010 reg 27A (SI 2021/161): a child under 16 may be placed in "other arrangements" only in
// a care home, hospital, residential family centre, school or holiday scheme. Reg 27C (SI
// 2023/416): a child of 16 or 17 only in registered supported accommodation or excepted
// accommodation. The validator's rule 371 (lac2024_25/rule_371.py) flags K3 under 16; its
// rule 146 (lac2025_26/rule_146.py) has no H5 or P2 from 2025-26.
describe('setting legality (regs 27A and 27C; validator rules 146 and 371)', () => {
  it('refuses registered supported accommodation (K3) under 16, naming reg-27A and rule 371', () => {
    const problems = legality('K3', 15, '2025-26');
    expect(problems).toEqual([{ path: 'placementType', message: expect.stringMatching(/^reg-27A: .*K3.*rule 371/) }]);
    expect(legality('K3', 0, '2026-27').map((p) => p.message.slice(0, 7))).toEqual(['reg-27A']);
  });

  it('allows K3 from 16, and children\'s homes at any age', () => {
    expect(legality('K3', 16, '2025-26')).toEqual([]);
    expect(legality('K3', 17, '2026-27')).toEqual([]);
    for (const age of [0, 10, 15, 17]) expect(legality('K2', age, '2025-26')).toEqual([]);
  });

  it('refuses unregistered semi-independent or independent living: under 16 by reg 27A, at 16 or 17 by reg 27C', () => {
    expect(legality('H5', 15, '2024-25').map((p) => p.message.slice(0, 7))).toEqual(['reg-27A']);
    expect(legality('P2', 17, '2024-25').map((p) => p.message.slice(0, 7))).toEqual(['reg-27C']);
    expect(legality('H5', 16, '2024-25').map((p) => p.message.slice(0, 7))).toEqual(['reg-27C']);
  });

  it('refuses a PLACE code the year\'s list no longer has (H5, P2 from 2025-26), and one no list has', () => {
    const h5 = legality('H5', 17, '2025-26');
    expect(h5[0]).toEqual({ path: 'placementType', message: expect.stringMatching(/H5 is not an SSDA903 PLACE code in 2025-26/) });
    expect(legality('P2', 17, '2026-27').map((p) => p.message)).toContainEqual(expect.stringMatching(/P2 is not .* 2026-27/));
    expect(legality('XX', 12, '2025-26').map((p) => p.path)).toEqual(['placementType']);
  });
});

// SSDA903 ending: REC codes (validator rule 149), REASON_PLACE_CHANGE (rule 1009) required with
// REC X1 (CONTRACT; rule 225), none for temporary placements (lac2025_26/rule_226.py).
describe('ending a placement', () => {
  const placement = { startDate: '2026-05-01', placementType: 'K2' };
  it('accepts an end on or after the start, with a reason for a change of placement', () => {
    expect(endProblems(placement, { endDate: '2026-05-01', reasonEpisodeCeased: 'E13' })).toEqual([]);
    expect(endProblems(placement, { endDate: '2026-09-30', reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CARPL' })).toEqual([]);
  });
  it('names each problem: an end before the start, X1 without a reason, a reason for a temporary placement', () => {
    expect(endProblems(placement, { endDate: '2026-04-30', reasonEpisodeCeased: 'X1' }).map((p) => p.path)).toEqual(['endDate', 'reasonPlaceChange']);
    expect(endProblems({ startDate: '2026-05-01', placementType: 'T1' }, { endDate: '2026-05-02', reasonEpisodeCeased: 'X1', reasonPlaceChange: 'OTHER' }).map((p) => p.path)).toEqual(['reasonPlaceChange']);
    expect(endProblems(placement, { endDate: '2026-05-02', reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CHANGE' as never }).map((p) => p.message)).toEqual([
      'CHANGE is not an SSDA903 REASON_PLACE_CHANGE code',
    ]);
  });
});
