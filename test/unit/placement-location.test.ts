import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainDistrictOfOutcode, upperTierByCode, upperTierByName, upperTierOfDistrict, upperTierOfOutcode } from '../../functions/domain/geo.ts';
import { parseRegister } from '../../functions/domain/ofsted.ts';
import { adjoins, approvalRequired, hostAuthority, location, requireHostAuthority } from '../../functions/domain/placement.ts';
import { ADJACENCY } from '../../functions/domain/reference/adjacency.ts';
import { AUTHORITIES, AUTHORITY_SLUGS } from '../../functions/domain/reference/authorities.ts';

// Care Planning, Placement and Case Review (England) Regulations 2010 ("CPPCR"), reg 11 as
// amended by SI 2013/3239 reg 18: a placement outside the responsible authority's area needs a
// nominated officer's approval (reg 11(1)(a)); one "at a distance" — "outside the area of the
// responsible authority and not within the area of any adjoining local authority" (reg 11(5)) —
// the director of children's services' (reg 11(1)(b)).

const DATA = process.env.HUB_SHARED_DATA ?? resolve(import.meta.dirname, '../../../shared/data');

describe('host authority (CONTRACT: localAuthority, else Ofsted "Local authority", else the outcode\'s main district)', () => {
  it('reads an outcode\'s main district (main_lad) and that district\'s upper-tier authority', () => {
    expect(mainDistrictOfOutcode('CM1')).toBe('E07000070'); // Chelmsford
    expect(upperTierOfDistrict('E07000070')).toEqual({ onsCode: 'E10000012', name: 'Essex' });
    expect(upperTierOfOutcode(' cm1 ')).toEqual({ onsCode: 'E10000012', name: 'Essex' });
    expect(upperTierOfOutcode('SS1')).toEqual({ onsCode: 'E06000033', name: 'Southend-on-Sea' });
    expect(upperTierOfOutcode('ME1')).toEqual({ onsCode: 'E06000035', name: 'Medway' });
    expect(upperTierOfOutcode('PE9')).toEqual({ onsCode: 'E10000019', name: 'Lincolnshire' }); // Stamford: a PE outcode outside Peterborough
    expect(upperTierOfOutcode('M1')).toEqual({ onsCode: 'E08000003', name: 'Manchester' });
    expect(upperTierOfOutcode('ZZ9')).toBeUndefined();
  });

  it('takes the home\'s own localAuthority first, then the Ofsted name, then the outcode, then the recorded Eastern authority', () => {
    expect(hostAuthority({ localAuthority: 'E06000033', ofstedLocalAuthority: 'Essex', outcode: 'CM1' })).toEqual({ onsCode: 'E06000033', name: 'Southend-on-Sea' });
    expect(hostAuthority({ ofstedLocalAuthority: 'Southend on Sea', outcode: 'CM1' })).toEqual({ onsCode: 'E06000033', name: 'Southend-on-Sea' });
    expect(hostAuthority({ outcode: 'CM1', authority: 'suffolk' })).toEqual({ onsCode: 'E10000012', name: 'Essex' });
    expect(hostAuthority({ authority: 'suffolk' })).toEqual({ onsCode: 'E10000029', name: 'Suffolk' });
    // a code or name the hub does not know falls through to what it does know
    expect(hostAuthority({ localAuthority: 'W06000015', ofstedLocalAuthority: 'Cardiff', outcode: 'NR1' })).toEqual({ onsCode: 'E10000020', name: 'Norfolk' });
    expect(hostAuthority({})).toBeUndefined();
    expect(requireHostAuthority({}, 'homeUrn')).toMatchObject({ path: 'homeUrn', message: expect.stringMatching(/reg 11/) });
    expect(requireHostAuthority({ outcode: 'LU1' })).toEqual({ onsCode: 'E06000032', name: 'Luton' });
  });

  it('meets Ofsted\'s spellings of authority names, and gives a renamed area its code in use now', () => {
    const cases: [string, string][] = [
      ['Southend on Sea', 'E06000033'], ['Bristol', 'E06000023'], ['Durham', 'E06000047'], ['Herefordshire', 'E06000019'],
      ['Kingston upon Hull', 'E06000010'], ['Bournemouth, Christchurch & Poole', 'E06000058'], ['ESSEX', 'E10000012'],
      ['North Yorkshire', 'E06000065'], ['Somerset', 'E06000066'],
    ];
    for (const [name, code] of cases) expect(upperTierByName(name)?.onsCode, name).toBe(code);
    expect(upperTierByName('Cardiff')).toBeUndefined(); // Wales: no English upper-tier authority
    expect(upperTierByCode('E10000023')).toEqual({ onsCode: 'E10000023', name: 'North Yorkshire' }); // the 2021 code still reads
  });

  it.skipIf(!existsSync(`${DATA}/ofsted_providers_2025-03-31_england.csv`))('resolves every English "Local authority" of the 2025 and 2024 Ofsted registers', () => {
    for (const file of ['ofsted_providers_2025-03-31_england.csv', 'ofsted_providers_2024-03-31_england.csv']) {
      const { rows, header } = parseRegister(readFileSync(`${DATA}/${file}`));
      const col = header!.columns.localAuthority!;
      const names = new Set(rows.slice(header!.row + 1).map((r) => (r[col] ?? '').trim()).filter(Boolean));
      const welsh = new Set(['Newport', 'Wrexham', 'Cardiff', 'Conwy']);
      const unresolved = [...names].filter((n) => !welsh.has(n) && !upperTierByName(n));
      expect(unresolved, file).toEqual([]);
      expect(names.size).toBeGreaterThan(150);
    }
  });
});

describe('location (CPPCR reg 11(5), eastern_utla_adjacency.csv rows with status agreed)', () => {
  const host = (code: string) => ({ onsCode: code });

  it('is in-area when the host is the placing authority', () => {
    for (const a of AUTHORITIES) expect(location(a.id, host(a.onsCode))).toBe('in-area');
  });

  it('is adjoining for an agreed shared boundary, inside or outside the region', () => {
    expect(location('essex', host('E10000015'))).toBe('adjoining'); // Hertfordshire
    expect(location('essex', host('E06000033'))).toBe('adjoining'); // Southend-on-Sea
    expect(location('essex', host('E09000016'))).toBe('adjoining'); // Havering
    expect(location('peterborough', host('E10000019'))).toBe('adjoining'); // Lincolnshire
    expect(location('bedford', host('E06000042'))).toBe('adjoining'); // Milton Keynes
    expect(location('luton', host('E10000015'))).toBe('adjoining');
  });

  it('is at-distance otherwise (Southend adjoins only Essex; Essex does not touch Norfolk)', () => {
    expect(location('southend-on-sea', host('E10000015'))).toBe('at-distance'); // the demo's emergency bed in Hertfordshire
    expect(location('southend-on-sea', host('E06000034'))).toBe('at-distance'); // Thurrock
    expect(location('essex', host('E10000020'))).toBe('at-distance');
    expect(location('norfolk', host('E08000003'))).toBe('at-distance');
  });

  it('counts the cross-Thames rows (Essex–Medway; Thurrock–Bexley, Kent, Medway) as adjoining only when the region configures it', () => {
    for (const [placing, code] of [['essex', 'E06000035'], ['thurrock', 'E09000004'], ['thurrock', 'E10000016'], ['thurrock', 'E06000035']] as const) {
      expect(location(placing, host(code))).toBe('at-distance');
      expect(location(placing, host(code), { crossThamesAdjoining: true })).toBe('adjoining');
    }
    expect(location('essex', host('E10000016'), { crossThamesAdjoining: true })).toBe('at-distance'); // Essex–Kent is no row at all
  });

  it('is symmetric between any two of the 11', () => {
    for (const a of AUTHORITIES) {
      for (const b of AUTHORITIES) expect(adjoins(a.id, b.onsCode), `${a.id}–${b.id}`).toBe(adjoins(b.id, a.onsCode));
    }
    expect(AUTHORITY_SLUGS.filter((s) => adjoins('cambridgeshire', AUTHORITIES.find((a) => a.id === s)!.onsCode))).toEqual([
      'bedford', 'central-bedfordshire', 'essex', 'hertfordshire', 'norfolk', 'peterborough', 'suffolk',
    ]);
  });
});

describe('approval required (CPPCR reg 11(1))', () => {
  it('is none in area, a nominated officer when adjoining (reg 11(1)(a)), the DCS at a distance (reg 11(1)(b))', () => {
    expect(approvalRequired('in-area')).toBe('none');
    expect(approvalRequired('adjoining')).toBe('nominated-officer');
    expect(approvalRequired('at-distance')).toBe('director-of-childrens-services');
  });
});

describe('the embedded adjacency table', () => {
  it.skipIf(!existsSync(`${DATA}/eastern_utla_adjacency.csv`))('is the shared eastern_utla_adjacency.csv, row for row (regenerate with infra/build-outcodes.ts when it changes)', () => {
    const rows = readFileSync(`${DATA}/eastern_utla_adjacency.csv`, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
    expect(ADJACENCY.map(([a, b, s]) => `${a} ${b} ${s}`)).toEqual(rows.map((r) => `${r[0]} ${r[2]} ${r[6] === 'agreed' ? 'agreed' : 'cross-Thames'}`));
    expect(ADJACENCY.filter(([, , s]) => s === 'cross-Thames')).toHaveLength(4);
  });
});
