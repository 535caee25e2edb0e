import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PLACE_CODES_BY_YEAR, PLACE_PROVIDER_CODES, REASON_EPISODE_CEASED_CODES, REASON_PLACE_CHANGE_CODES, type CollectionYear } from '../../schemas/codes.ts';
import { HubError } from '../../functions/domain/errors.ts';
import { collectionYearBounds } from '../../functions/domain/placement.ts';
import { addDays, dayNumber } from '../../functions/domain/calendar-days.ts';
import { episodeRows, episodesCsv, NO_PLACE_PROVIDER, NO_URN, overlapsYear, requireExportYear, SSDA903_COLUMNS, type EpisodeSource } from '../../functions/domain/ssda903.ts';
import { PLACE_146, validateEpisodes, type PortedYear } from '../support/ssda903-validator.ts';

// CONTRACT "SSDA903 export", checked against a port of the open SSDA903 validator's rules
// (data-to-insight/csc-validator-be-903, lac_validator/rules/: rule_141, 142, 146, 147, 148, 149,
// 178, 213, 218, 222, 226, 233, 526, 1009; see test/support/ssda903-validator.ts).

const base: EpisodeSource = {
  childRef: 'ESX-0042', startDate: '2025-06-02', placementType: 'K2', placementProvider: 'PR4', homeUrn: 'SC483714', postcode: 'CM1 1AA',
};
const csvOf = (ps: EpisodeSource[], year: CollectionYear) => episodesCsv(episodeRows(ps, year));
const records = (csv: string) => parse(csv, { columns: true }) as Record<string, string>[];

describe('SSDA903 episode rows (CONTRACT "SSDA903 export")', () => {
  it('writes the header and one row per placement, dates dd/mm/YYYY, the authority\'s own columns blank', () => {
    const csv = csvOf([{ ...base, endDate: '2026-02-10', reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CARPL' }], '2025-26');
    expect(csv.split('\n')[0]).toBe('CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN');
    expect(csv).toBe('CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\nESX-0042,02/06/2025,,,,K2,PR4,10/02/2026,X1,CARPL,,CM1 1AA,SC483714\n');
    expect(validateEpisodes(csv, '2025-26')).toEqual([]);
  });

  it('gives DEC only when the end is on or before 31 March of the year, and REC and REASON_PLACE_CHANGE only with DEC (rules 148, 233)', () => {
    const ended = { ...base, endDate: '2026-03-31', reasonEpisodeCeased: 'E13' };
    const later = { ...base, childRef: 'ESX-0043', endDate: '2026-04-01', reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CHILD' as const };
    const open = { ...base, childRef: 'ESX-0044' };
    const [a, b, c] = records(csvOf([ended, later, open], '2025-26'));
    expect([a!.DEC, a!.REC, a!.REASON_PLACE_CHANGE]).toEqual(['31/03/2026', 'E13', '']);
    expect([b!.DEC, b!.REC, b!.REASON_PLACE_CHANGE]).toEqual(['', '', '']);
    expect([c!.DEC, c!.REC, c!.REASON_PLACE_CHANGE]).toEqual(['', '', '']);
    // in the next year the later one's end is within the year
    expect(records(csvOf([later], '2026-27'))[0]).toMatchObject({ DEC: '01/04/2026', REC: 'X1', REASON_PLACE_CHANGE: 'CHILD' });
  });

  it('keeps exactly the placements overlapping 1 April to 31 March', () => {
    const cases: [Partial<EpisodeSource>, boolean][] = [
      [{ startDate: '2024-05-01', endDate: '2025-03-31' }, false],
      [{ startDate: '2024-05-01', endDate: '2025-04-01' }, true],
      [{ startDate: '2024-05-01' }, true],
      [{ startDate: '2026-03-31' }, true],
      [{ startDate: '2026-04-01' }, false],
    ];
    for (const [p, kept] of cases) {
      expect(overlapsYear({ ...base, ...p }, '2025-26'), JSON.stringify(p)).toBe(kept);
      expect(episodeRows([{ ...base, ...p }], '2025-26')).toHaveLength(kept ? 1 : 0);
    }
  });

  it('orders rows by CHILD then DECOM', () => {
    const ps: EpisodeSource[] = [
      { ...base, childRef: 'B', startDate: '2025-09-01' },
      { ...base, childRef: 'A', startDate: '2025-10-01' },
      { ...base, childRef: 'B', startDate: '2025-05-01', endDate: '2025-09-01', reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CARPL' },
      { ...base, childRef: 'A', startDate: '2025-04-20', endDate: '2025-10-01', reasonEpisodeCeased: 'X1', reasonPlaceChange: 'PLACE' },
    ];
    expect(episodeRows(ps, '2025-26').map((r) => `${r.CHILD} ${r.DECOM}`)).toEqual(['A 20/04/2025', 'A 01/10/2025', 'B 01/05/2025', 'B 01/09/2025']);
  });

  it('leaves URN blank exactly for P1, P3, R1, R2, R5, T0–T4, Z11–Z14 (rules 218, 222) and PLACE_PROVIDER exactly for T0–T4, Z11–Z14 (rules 178, 213, 526)', () => {
    const types = ['A3', 'K1', 'K2', 'K3', 'P1', 'P3', 'R1', 'R2', 'R3', 'R5', 'S1', 'T0', 'T1', 'T2', 'T3', 'T4', 'U1', 'U6', 'Z11', 'Z12', 'Z13', 'Z14'];
    const ps = types.map((t, i) => ({ ...base, childRef: `C${String(i).padStart(2, '0')}`, placementType: t }));
    const rows = records(csvOf(ps, '2025-26'));
    const blankUrn = rows.filter((r) => r.URN === '').map((r) => r.PLACE);
    const blankProvider = rows.filter((r) => r.PLACE_PROVIDER === '').map((r) => r.PLACE);
    expect(blankUrn).toEqual(['P1', 'P3', 'R1', 'R2', 'R5', 'T0', 'T1', 'T2', 'T3', 'T4', 'Z11', 'Z12', 'Z13', 'Z14']);
    expect(blankProvider).toEqual(['T0', 'T1', 'T2', 'T3', 'T4', 'Z11', 'Z12', 'Z13', 'Z14']);
    expect(validateEpisodes(csvOf(ps, '2025-26'), '2025-26')).toEqual([]);
    expect([...NO_URN].filter((c) => !NO_PLACE_PROVIDER.has(c))).toEqual(['P1', 'P3', 'R1', 'R2', 'R5']);
  });

  it('quotes a value as RFC 4180 asks, so it reads back unchanged', () => {
    const odd = { ...base, childRef: 'a,"b"', postcode: 'CM1\n1AA' };
    const csv = csvOf([odd], '2025-26');
    expect(csv).toContain('"a,""b"""');
    expect(records(csv)[0]).toMatchObject({ CHILD: 'a,"b"', PL_POST: 'CM1\n1AA' });
    expect(csvOf([], '2025-26')).toBe(`${SSDA903_COLUMNS.join(',')}\n`);
  });

  it('answers 400 naming `year` for a year that is not YYYY-YY or has no code lists', () => {
    expect(requireExportYear('2025-26')).toBe('2025-26');
    expect(requireExportYear('2026-27')).toBe('2026-27');
    for (const bad of ['2023-24', '2025-27', '2025', 'FY2025-26', '', '__proto__']) {
      let thrown: unknown;
      try {
        requireExportYear(bad);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, bad).toBeInstanceOf(HubError);
      expect(thrown).toMatchObject({ code: 'invalid', errors: [{ path: 'year' }] });
    }
  });
});

describe('the ported validator rules catch what they should (so a clean run means something)', () => {
  it('reports each broken rule', () => {
    const csv = [
      SSDA903_COLUMNS.join(','),
      'A,01/05/2025,,,,P1,PR0,,,,,,SC000001', // 222: URN for P1
      'B,01/05/2025,,,,T0,PR4,,,,,,', // 213, 178: a provider for T0
      'C,01/05/2025,,,,K2,,,,,,,SC000002', // 526: no provider
      'D,2025-05-01,,,,K2,PR4,02/05/2025,,,,,SC000003', // 141: ISO date; 148: DEC without REC
      'E,01/05/2025,,,,K2,PR4,,X1,CARPL,,,', // 148: REC without DEC; 218: no URN; 233: reason while open
      'F,01/05/2025,,,,H5,PR4,,,,,,SC000004', // 146 in 2025-26
      'G,01/05/2025,,,,K2,PR9,31/02/2026,E99,NOPE,,,SC000005', // 178, 147, 149, 1009
      'H,01/05/2025,,,,K2,PR4,,,,,,SC000006', // 142: not H's last episode, not ended
      'H,01/06/2025,,,,T1,,,,,,,', // fine itself
    ].join('\n');
    expect(validateEpisodes(csv, '2025-26').map((f) => `${f.row}:${f.rule}`)).toEqual([
      '0:222', '1:178', '1:213', '2:526', '3:141', '3:148', '4:148', '4:218', '4:233', '5:146', '6:1009', '6:147', '6:149', '6:178', '7:142',
    ]);
    expect(validateEpisodes(csv, '2024-25').map((f) => `${f.row}:${f.rule}`)).not.toContain('5:146'); // H5 still a code in 2024-25
  });
});

/** Placements a hub can hold for one authority: per child a chain of placements, each starting when the one before ended. */
function placementsArb(year: CollectionYear, types: readonly string[]) {
  const { start, end } = collectionYearBounds(year);
  const from = dayNumber(start) - 400;
  const span = dayNumber(end) + 60 - from;
  const step = fc.record({
    days: fc.integer({ min: 0, max: 200 }),
    type: fc.constantFrom(...types),
    provider: fc.constantFrom(...PLACE_PROVIDER_CODES.filter((c) => c !== 'PR0')),
    urn: fc.constantFrom('SC483714', '2643709', 'SC000123'),
    postcode: fc.option(fc.constantFrom('CM1 1AA', 'SS1 2AB', 'NR1 3CD'), { nil: undefined }),
    rec: fc.constantFrom(...REASON_EPISODE_CEASED_CODES),
    reason: fc.constantFrom(...REASON_PLACE_CHANGE_CODES),
  });
  const child = fc.record({ ref: fc.stringMatching(/^[A-Z]{2}[0-9]{1,3}$/), offset: fc.integer({ min: 0, max: span }), steps: fc.array(step, { minLength: 1, maxLength: 4 }), open: fc.boolean() });
  return fc.uniqueArray(child, { selector: (c) => c.ref, maxLength: 12 }).map((children) =>
    children.flatMap((c) => {
      let day = addDays(start, c.offset - (dayNumber(start) - from));
      return c.steps.map((s, k): EpisodeSource => {
        const last = k === c.steps.length - 1;
        const endDate = last && c.open ? undefined : addDays(day, s.days);
        const rec = last ? s.rec : 'X1'; // a child's placement followed by another ends X1, new episode begins
        const p: EpisodeSource = {
          childRef: c.ref, startDate: day, placementType: s.type, placementProvider: s.provider, homeUrn: s.urn,
          ...(s.postcode ? { postcode: s.postcode } : {}),
          ...(endDate ? { endDate, reasonEpisodeCeased: rec, ...(rec === 'X1' ? { reasonPlaceChange: s.reason } : {}) } : {}),
        };
        if (endDate) day = endDate;
        return p;
      });
    }),
  );
}

describe('every export loads into the validator\'s rules with no error on the hub\'s columns', () => {
  for (const year of ['2024-25', '2025-26', '2026-27'] as const satisfies readonly (CollectionYear & PortedYear)[]) {
    it(`for ${year}: random placements of the year's codes (no temporary moves: a placement is in a home)`, () => {
      const types = PLACE_CODES_BY_YEAR[year].filter((t) => !t.startsWith('T') && PLACE_146[year].includes(t));
      fc.assert(
        fc.property(placementsArb(year, types), (ps) => {
          const rows = episodeRows(ps, year);
          expect(rows).toHaveLength(ps.filter((p) => overlapsYear(p, year)).length);
          expect(validateEpisodes(episodesCsv(rows), year)).toEqual([]);
        }),
        { numRuns: 200 },
      );
    });
  }

  // KNOWN DEFECT, left for the owner of schemas/codes.ts (see the report of branch i11-statutory):
  // the validator's 2025-26 rule 146 has Z11–Z14 and no Z1, and its 2024-25 rule 146 has K3;
  // codes.ts has Z1 and no Z11–Z14 in 2025-26, and no K3 in 2024-25. When codes.ts is fixed
  // (and rollup.ts's two-character PLACE index can take Z11), make this `it`.
  it('the hub\'s PLACE list of each year is the validator\'s rule 146 list', () => {
    for (const year of ['2024-25', '2025-26', '2026-27'] as const) {
      expect([...PLACE_CODES_BY_YEAR[year]].sort(), year).toEqual([...PLACE_146[year]].sort());
    }
  });
});
