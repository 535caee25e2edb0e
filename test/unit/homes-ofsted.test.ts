import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authorityFromName, cleanOrganisation, councilOwner, interpretRow, mergeOfstedHome, parseRegister, registerDate, type OfstedHome } from '../../functions/domain/ofsted.ts';
import { providerIdFromName } from '../../functions/domain/principal.ts';

/** Reading Ofsted's provider-level register as published (pure: no store). */

const DATA = resolve(import.meta.dirname, '../../../shared/data');
const FILES = {
  east2025: `${DATA}/ofsted_providers_2025-03-31_east_of_england_raw.csv`,
  england2025: `${DATA}/ofsted_providers_2025-03-31_england.csv`,
  england2024: `${DATA}/ofsted_providers_2024-03-31_england.csv`,
};

function read(bytes: Uint8Array) {
  const { rows, header, encoding } = parseRegister(bytes);
  return { rows, header: header!, encoding };
}

/** A small register in Ofsted's layout: title rows, a header cell with a leading newline, Windows-1252. */
function sampleRegister(): Uint8Array {
  const lines = [
    'Children\u2019s social care data in England 2025 \u2013 Provider level as at 31 March 2025,,,,,,,,,,',
    '"This worksheet contains one table, this table begins in cell A4.",,,,,,,,,,',
    'Some cells in this table are empty.,,,,,,,,,,',
    'Web link,URN,Provision type,Registration status,Name,Postcode,Ofsted Region,Local authority,Sector,Places,Organisation which owns the provider,"\nOverall experiences and progress of children and young people"',
    'x,SC123456,Children\'s home,Active,REDACTED,REDACTED,East of England,Southend on Sea,Private,4,Caf\u00e9 Homes Limited 01234567 ,Good',
    'x,SC123457,Children\'s home,Active,Rose Cottage,CM1 1AA,East of England,Essex,Local Authority,3,Essex County Council,Requires improvement to be good',
    'x,1234567,Independent Fostering Agency,Active,Foster Co,CM2 0AA,East of England,Essex,Private,,Foster Co Ltd,Outstanding',
    'x,SC123458,Children\'s home,Active,REDACTED,REDACTED,London,Camden,Local Authority,2,Camden Council,',
    'x,SC123459,Supported Accommodation,Active,REDACTED,REDACTED,East of England,Norfolk,Private,,Step Up Ltd,',
    'x,SC123460,Children\'s home,Suspended,REDACTED,REDACTED,East of England,Suffolk,Private,2,Closed Ltd,Inadequate',
  ];
  const text = lines.join('\r\n');
  // Windows-1252: ’ is 0x92, – is 0x96, é is 0xE9
  const map: Record<string, number> = { '\u2019': 0x92, '\u2013': 0x96, '\u00e9': 0xe9 };
  return Uint8Array.from([...text].map((ch) => map[ch] ?? ch.charCodeAt(0)));
}

describe('the Ofsted register as published', () => {
  it('decodes Windows-1252, finds the header below the title rows despite a newline in a header cell', () => {
    const { rows, header, encoding } = read(sampleRegister());
    expect(encoding).toBe('windows-1252');
    expect(rows[0]![0]).toContain('Children\u2019s social care data in England 2025 \u2013 Provider level');
    expect(header.row).toBe(3);
    expect(header.columns.overall).toBe(11);
    expect(header.columns.organisation).toBe(10);
    expect(registerDate(rows, header.row)).toBe('2025-03-31');
  });

  it('turns rows into homes, owners and skip reasons', () => {
    const { rows, header } = read(sampleRegister());
    const out = rows.slice(header.row + 1).map((r) => interpretRow(r, header));
    expect(out[0]).toEqual({
      kind: 'home',
      home: expect.objectContaining({
        urn: 'SC123456', placementType: 'K2', registeredPlaces: 4, ofstedRating: 'good', authority: 'southend-on-sea', sector: 'private',
        owner: { kind: 'provider', id: 'cafe-homes', name: 'Caf\u00e9 Homes Limited', group: 'Caf\u00e9 Homes Limited' },
      }),
    });
    if (out[0]!.kind === 'home') {
      expect(out[0]!.home.outcode).toBeUndefined();
      expect(out[0]!.home.name).toBeUndefined();
    }
    expect(out[1]).toMatchObject({ kind: 'home', home: { owner: { kind: 'authority', id: 'essex' }, outcode: 'CM1', name: 'Rose Cottage', ofstedRating: 'requires-improvement' } });
    expect(out[2]).toEqual({ kind: 'skip', reason: 'not a home: Independent Fostering Agency', urn: '1234567' });
    // a council outside the region is, to the region, an outside provider
    expect(out[3]).toMatchObject({ kind: 'home', home: { owner: { kind: 'provider', id: 'camden-council' }, ofstedRating: 'not-yet-inspected' } });
    if (out[3]!.kind === 'home') expect(out[3]!.home.authority).toBeUndefined();
    expect(out[4]).toMatchObject({ kind: 'home', home: { placementType: 'K3', ageRange: { min: 16, max: 17 }, registeredPlaces: 0 } });
    expect(out[5]).toMatchObject({ kind: 'skip', reason: 'registration suspended' });
    expect(interpretRow(rows[header.row + 4]!, header, { region: 'East of England' })).toMatchObject({ kind: 'skip', reason: 'outside East of England' });
  });

  it('maps Ofsted\'s and ONS\'s spellings of the authorities to slugs', () => {
    expect(authorityFromName('Southend on Sea')).toBe('southend-on-sea');
    expect(authorityFromName('Southend-on-Sea')).toBe('southend-on-sea');
    expect(authorityFromName('Central Bedfordshire')).toBe('central-bedfordshire');
    expect(authorityFromName('Bedford')).toBe('bedford');
    expect(authorityFromName('Kent')).toBeUndefined();
    expect(cleanOrganisation('Children First Fostering Agency Limited 03894588 ')).toBe('Children First Fostering Agency Limited');
    expect(providerIdFromName(cleanOrganisation('Unity Youth Services Ltd.'))).toBe('unity-youth-services');
  });

  const files = Object.entries(FILES).filter(([, f]) => existsSync(f));
  it.skipIf(files.length === 0)('reads each shared register file whatever its encoding and column set', () => {
    for (const [name, file] of files) {
      const { rows, header, encoding } = read(readFileSync(file));
      expect(header.row, name).toBe(3);
      expect(registerDate(rows, header.row), name).toBe(name === 'england2024' ? '2024-03-31' : '2025-03-31');
      expect(encoding, name).toBe(name === 'england2024' ? 'windows-1252' : 'utf-8');
      for (const f of ['urn', 'provisionType', 'localAuthority', 'sector', 'places', 'organisation', 'overall', 'region'] as const) {
        expect(header.columns[f], `${name}: ${f}`).toBeDefined();
      }
      const outcomes = rows.slice(header.row + 1).map((r) => interpretRow(r, header));
      const homes = outcomes.flatMap((o) => (o.kind === 'home' ? [o.home] : []));
      const childrensHomes = homes.filter((h) => /^children's home$/i.test(h.provisionType));
      if (name === 'england2025') {
        expect(childrensHomes.length).toBeGreaterThan(3800);
        expect(childrensHomes.reduce((a, h) => a + h.registeredPlaces, 0)).toBeGreaterThan(13_500);
      }
      if (name === 'east2025') {
        expect(homes.every((h) => h.authority !== undefined)).toBe(true);
        expect(homes.some((h) => h.authority === 'southend-on-sea')).toBe(true);
        expect(homes.filter((h) => h.owner.kind === 'authority').length).toBeGreaterThan(30);
      }
      expect(homes.every((h) => h.outcode === undefined || /^[A-Z]{1,2}\d[A-Z\d]?$/.test(h.outcode))).toBe(true);
      expect(outcomes.some((o) => o.kind === 'skip' && o.reason === 'not a home: Independent Fostering Agency')).toBe(true);
    }
  });

  it('knows the region\'s councils by the names they own homes under, and nothing else as one', () => {
    const named: [string, string | undefined][] = [
      ['Essex County Council', 'essex'], ['Bedford Borough Council', 'bedford'], ['Central Bedfordshire Council', 'central-bedfordshire'],
      ['Peterborough City Council', 'peterborough'], ['Luton Borough Council', 'luton'], ['Hertfordshire County Council', 'hertfordshire'],
      ['Norfolk County Council', 'norfolk'], ['Suffolk County Council', 'suffolk'], ['Cambridgeshire County Council', 'cambridgeshire'],
      ['Thurrock Council', 'thurrock'], ['Southend-on-Sea City Council', 'southend-on-sea'], ['Southend on Sea Borough Council', 'southend-on-sea'],
      ['  essex  county   council ', 'essex'],
      ['Kent County Council', undefined], ['London Borough Of Waltham Forest', undefined], ['Camden Council', undefined],
      ['Heartwood Care Peterborough Limited', undefined], ['Essex Youth Council Ltd', undefined], ['Essex Care Council', undefined], ['Essex', undefined],
    ];
    for (const [name, slug] of named) expect(councilOwner(name), name).toBe(slug);
    // councils owning a home together: the one it lies in, when named; else the first
    const joint = 'Peterborough City & Cambridgeshire County Councils';
    expect(councilOwner(joint, 'cambridgeshire')).toBe('cambridgeshire');
    expect(councilOwner(joint, 'peterborough')).toBe('peterborough');
    expect(councilOwner(joint, 'essex')).toBe('peterborough');
    expect(councilOwner(joint)).toBe('peterborough');
  });

  /** Real rows of the shared register files, by URN, with their header; `change` edits named columns. */
  const haveAll = Object.values(FILES).every((f) => existsSync(f));
  const rowsOf = new Map<string, ReturnType<typeof read>>();
  function realRow(file: keyof typeof FILES, urn: string, change: Partial<Record<'localAuthority' | 'organisation', string>> = {}) {
    if (!rowsOf.has(file)) rowsOf.set(file, read(readFileSync(FILES[file])));
    const { rows, header } = rowsOf.get(file)!;
    const row = [...rows.find((r) => r[header.columns.urn!] === urn)!];
    for (const [f, v] of Object.entries(change)) row[header.columns[f as 'organisation']!] = v;
    return interpretRow(row, header);
  }
  const ownerOf = (o: ReturnType<typeof interpretRow>) => (o.kind === 'home' ? { owner: o.home.owner, authority: o.home.authority } : o);

  it.skipIf(!haveAll)('a council-run home from the register belongs to the council that owns it (real rows)', () => {
    const inHouse = (id: string, organisation: string, authority = id) => ({ owner: { kind: 'authority', id, organisation }, authority });
    expect(ownerOf(realRow('east2025', 'SC044975'))).toEqual(inHouse('essex', 'Essex County Council'));
    expect(ownerOf(realRow('east2025', 'SC409502'))).toEqual(inHouse('bedford', 'Bedford Borough Council'));
    expect(ownerOf(realRow('east2025', 'SC391464'))).toEqual(inHouse('central-bedfordshire', 'Central Bedfordshire Council'));
    expect(ownerOf(realRow('east2025', 'SC033362'))).toEqual(inHouse('peterborough', 'Peterborough City Council'));
    expect(ownerOf(realRow('east2025', 'SC033120'))).toEqual(inHouse('luton', 'Luton Borough Council'));
    // 2024: Peterborough's homes were run jointly with Cambridgeshire; they lie in Peterborough
    expect(ownerOf(realRow('england2024', 'SC058778'))).toEqual(inHouse('peterborough', 'Peterborough City & Cambridgeshire County Councils'));

    // the owner decides, not the place: the same Essex home owned by Thurrock or Southend is theirs
    expect(ownerOf(realRow('east2025', 'SC044975', { organisation: 'Thurrock Council' }))).toEqual(inHouse('thurrock', 'Thurrock Council', 'essex'));
    expect(ownerOf(realRow('east2025', 'SC044975', { organisation: 'Southend-on-Sea City Council' }))).toEqual(inHouse('southend-on-sea', 'Southend-on-Sea City Council', 'essex'));
    // and a Suffolk County Council home over the border in Norfolk is still Suffolk's
    expect(ownerOf(realRow('east2025', 'SC044975', { organisation: 'Suffolk County Council', localAuthority: 'Norfolk' }))).toEqual(inHouse('suffolk', 'Suffolk County Council', 'norfolk'));
  });

  it.skipIf(!haveAll)('a council outside the region, or a company named after a place, is a provider with an id from its name (real rows)', () => {
    const provider = (name: string, authority?: string) => ({ owner: { kind: 'provider', id: providerIdFromName(name), name, group: name }, authority });
    expect(ownerOf(realRow('england2025', '2563530'))).toEqual(provider('London Borough Of Waltham Forest'));
    expect(ownerOf(realRow('england2025', '2536967'))).toEqual(provider('Kent County Council'));
    expect(providerIdFromName('Kent County Council')).toBe('kent-county-council');
    expect(ownerOf(realRow('england2025', '2806540'))).toEqual(provider('Heartwood Care Peterborough Limited', 'cambridgeshire'));
    // a London borough's home in Essex is still the borough's, as a provider; Essex is only where it is
    expect(ownerOf(realRow('east2025', 'SC044975', { organisation: 'London Borough of Barking and Dagenham' }))).toEqual(provider('London Borough of Barking and Dagenham', 'essex'));
  });

  it.skipIf(!haveAll)('every in-house home in the England 2025 register is owned by the region council it names', () => {
    const { rows, header } = read(readFileSync(FILES.england2025));
    const homes = rows.slice(header.row + 1).flatMap((r) => {
      const o = interpretRow(r, header);
      return o.kind === 'home' ? [o.home] : [];
    });
    const inHouse = homes.flatMap((h) => (h.owner.kind === 'authority' ? [h.owner] : []));
    expect(inHouse.length).toBeGreaterThan(40);
    for (const o of inHouse) expect(councilOwner(o.organisation!), o.organisation).toBe(o.id);
    // and no home owned by another council became a region authority's
    const otherCouncils = homes.filter((h) => h.sector === 'local-authority' && h.owner.kind === 'provider');
    expect(otherCouncils.length).toBeGreaterThan(300);
    expect(otherCouncils.every((h) => h.authority === undefined)).toBe(true);
  });
});

describe('mergeOfstedHome', () => {
  const row: OfstedHome = {
    urn: 'SC123456', name: 'Willow House', provisionType: "Children's home", placementType: 'K2', outcode: 'CM1', authority: 'essex',
    registeredPlaces: 2, ofstedRating: 'good', ageRange: { min: 8, max: 17 }, sector: 'private', ofstedLocalAuthority: 'Essex',
    owner: { kind: 'provider', id: 'harbour-care', name: 'Harbour Care Ltd', group: 'Harbour Care' },
  } as OfstedHome;
  const NOW = '2026-03-10T12:00:00.000Z';

  it('a new home starts at version 1 holding no open beds', () => {
    const out = mergeOfstedHome(row, undefined, NOW, '2025-03-31');
    expect(out).toMatchObject({ kind: 'home', home: { urn: 'SC123456', owner: 'provider:harbour-care', version: 1, openBeds: 0, registeredPlaces: 2, source: 'ofsted' } });
  });

  it('keeps the owner\'s facts and open beds; refuses places below them; skips an older register', () => {
    const first = mergeOfstedHome(row, undefined, NOW, '2025-03-31');
    if (first.kind !== 'home') throw new Error('expected a home');
    const owned = { ...first.home, supports: ['semh' as const], weeklyPrice: 5000, openBeds: 2 };
    const again = mergeOfstedHome(row, owned, NOW, '2025-03-31');
    expect(again).toMatchObject({ kind: 'home', home: { supports: ['semh'], weeklyPrice: 5000, openBeds: 2, version: 2 } });
    expect(mergeOfstedHome({ ...row, registeredPlaces: 1 }, owned, NOW, '2025-03-31')).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/open vacancies/) });
    expect(mergeOfstedHome(row, { ...owned, ofstedAsAt: '2025-09-30' }, NOW, '2025-03-31')).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/newer register/) });
    const sold = mergeOfstedHome({ ...row, owner: { kind: 'provider', id: 'new-owner', name: 'New Owner Ltd', group: 'New' } } as OfstedHome, owned, NOW);
    expect(sold.kind === 'home' && sold.home.weeklyPrice).toBe(undefined);
  });
});
