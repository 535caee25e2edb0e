import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOfsted } from '../../functions/cli/import-ofsted.ts';
import { getHome, getProviderProfile } from '../../functions/store/homes.ts';
import { call, unique } from '../support/hub.ts';
import { homeBody, postVacancy } from './homes-fixtures.ts';

/** The Ofsted importer against the real local store, on a register written like Ofsted's and on the shared files. */

const DATA = resolve(import.meta.dirname, '../../../shared/data');
const EAST = `${DATA}/ofsted_providers_2025-03-31_east_of_england_raw.csv`;
const ENGLAND_2024 = `${DATA}/ofsted_providers_2024-03-31_england.csv`;

const dir = mkdtempSync(join(tmpdir(), 'ofsted-'));
const base = 9_000_000 + Math.floor(Math.random() * 900_000);
const urn = (i: number) => String(base + i);
const org = `Tern Homes ${unique()} Limited`;
const orgId = org.toLowerCase().replace(/ limited$/, '').replace(/[^a-z0-9]+/g, '-');

/** A register in Ofsted's layout: title rows, a header cell with a leading newline, UTF-8 with BOM, CRLF. */
function register(file: string, overall = 'Good'): string {
  const lines = [
    'Children\u2019s social care data in England 2025 \u2013 Provider level as at 31 March 2025,,,,,,,,,,',
    '"This worksheet contains one table, this table begins in cell A4.",,,,,,,,,,',
    'Some cells in this table are empty.,,,,,,,,,,',
    'Web link,URN,Provision type,Registration status,Name,Postcode,Ofsted Region,Local authority,Sector,Places,Organisation which owns the provider,"\nOverall experiences and progress of children and young people"',
    `x,${urn(1)},Children's home,Active,REDACTED,REDACTED,East of England,Southend on Sea,Private,4,${org} 01234567 ,${overall}`,
    `x,${urn(2)},Children's home,Active,REDACTED,REDACTED,East of England,Essex,Local Authority,3,Essex County Council,Requires improvement to be good`,
    `x,${urn(3)},Independent Fostering Agency,Active,Foster Co,CM2 0AA,East of England,Essex,Private,,Foster Co Ltd,Outstanding`,
    `x,${urn(4)},Children's home,Active,REDACTED,REDACTED,North West,Lancashire,Private,2,${org},`,
    `x,${urn(5)},Children's home,Suspended,REDACTED,REDACTED,East of England,Suffolk,Private,2,${org},Inadequate`,
  ];
  const path = join(dir, file);
  writeFileSync(path, `\ufeff${lines.join('\r\n')}\r\n`);
  return path;
}

describe('importOfsted', () => {
  it('imports homes, owners and providers from a register as Ofsted writes it; re-importing changes nothing', async () => {
    const file = register('register.csv');
    const first = await importOfsted(file, { progress: false });
    expect(first).toMatchObject({ rows: 5, created: 3, updated: 0, skipped: 2, encoding: 'utf-8', asAt: '2025-03-31' });
    expect(first.reasons).toEqual({ 'not a home: Independent Fostering Agency': 1, 'registration suspended': 1 });

    const southend = await getHome(urn(1));
    expect(southend).toMatchObject({
      owner: `provider:${orgId}`, provider: { id: orgId, name: org, group: org }, placementType: 'K2', registeredPlaces: 4,
      ofstedRating: 'good', authority: 'southend-on-sea', sector: 'private', version: 1,
    });
    expect(southend!.outcode).toBeUndefined();
    expect(await getProviderProfile(orgId)).toEqual({ id: orgId, name: org, group: org });

    const inHouse = await getHome(urn(2));
    expect(inHouse).toMatchObject({ owner: 'authority:essex', shareWithRegion: false, ofstedRating: 'requires-improvement', provider: { id: 'essex', name: 'Essex County Council' } });
    expect((await call('authority:essex', 'GET', `/v1/homes/${urn(2)}`)).status).toBe(200);
    expect((await call('authority:norfolk', 'GET', `/v1/homes/${urn(2)}`)).status).toBe(404);

    const outside = await getHome(urn(4));
    expect(outside).toMatchObject({ owner: `provider:${orgId}`, ofstedLocalAuthority: 'Lancashire', ofstedRating: 'not-yet-inspected' });
    expect(outside!.authority).toBeUndefined();

    const again = await importOfsted(file, { progress: false });
    expect(again).toMatchObject({ created: 0, updated: 0, skipped: 5 });
    expect(again.reasons['unchanged since the last import']).toBe(3);
    expect((await getHome(urn(1)))!.version).toBe(1);
  });

  it('keeps what the owner said about the home across re-imports, and refreshes its vacancies when Ofsted changes', async () => {
    const owner = `provider:${orgId}`;
    const file = register('register-owner.csv');
    await importOfsted(file, { progress: false });
    const put = await call(owner, 'PUT', `/v1/homes/${urn(1)}`, {
      body: homeBody({ name: 'Harbour View', outcode: 'SS1', supports: ['semh'], excludes: [], ofstedRating: 'good', weeklyPrice: 5100 }),
    });
    expect(put.status).toBe(200);
    const vacancyId = await postVacancy(owner, urn(1));

    const same = await importOfsted(file, { progress: false });
    expect(same.updated).toBe(0);
    expect(await getHome(urn(1))).toMatchObject({ name: 'Harbour View', outcode: 'SS1', supports: ['semh'], weeklyPrice: 5100, version: put.json.version });

    const changed = await importOfsted(register('register-outstanding.csv', 'Outstanding'), { progress: false });
    expect(changed).toMatchObject({ created: 0, updated: 1 });
    expect(await getHome(urn(1))).toMatchObject({ ofstedRating: 'outstanding', name: 'Harbour View', supports: ['semh'], weeklyPrice: 5100, version: put.json.version + 1 });
    const search = await call('authority:southend-on-sea', 'POST', '/v1/vacancies/search', {
      body: { child: { age: 12, sex: 'male', needs: ['semh'] }, near: { outcode: 'SS1' }, minOfstedRating: 'outstanding', limit: 100 },
    });
    expect(search.json.items.find((i: { vacancyId: string }) => i.vacancyId === vacancyId)).toMatchObject({ ofstedRating: 'outstanding', outOfArea: false });
  });

  it('gives a council-run home to the council that owns it, wherever it lies; a council outside the region is a provider', async () => {
    const borough = `London Borough of Tern ${unique()}`;
    const boroughId = borough.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const lines = [
      'Children\u2019s social care data in England 2025 \u2013 Provider level as at 31 March 2025,,,,,,,,,,',
      'Web link,URN,Provision type,Registration status,Name,Postcode,Ofsted Region,Local authority,Sector,Places,Organisation which owns the provider,Overall experiences and progress of children and young people',
      `x,${urn(11)},Children's home,Active,REDACTED,REDACTED,East of England,Essex,Local Authority,3,Thurrock Council,Good`,
      `x,${urn(12)},Children's home,Active,REDACTED,REDACTED,East of England,Essex,Local Authority,2,${borough},Good`,
      `x,${urn(13)},Children's home,Active,REDACTED,REDACTED,East of England,Peterborough,Local Authority,4,Peterborough City & Cambridgeshire County Councils,Good`,
    ];
    const file = join(dir, 'register-councils.csv');
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    const first = await importOfsted(file, { progress: false });
    expect(first).toMatchObject({ rows: 3, created: 3, skipped: 0, inHouse: 2, providers: 1 });

    expect(await getHome(urn(11))).toMatchObject({
      owner: 'authority:thurrock', provider: { id: 'thurrock', name: 'Thurrock Council' }, authority: 'essex', shareWithRegion: false,
    });
    expect((await call('authority:thurrock', 'GET', `/v1/homes/${urn(11)}`)).status).toBe(200);
    expect((await call('authority:essex', 'GET', `/v1/homes/${urn(11)}`)).status).toBe(404);
    const shared = await call('authority:thurrock', 'PUT', `/v1/homes/${urn(11)}`, {
      body: homeBody({ name: 'Grays House', outcode: 'CM1', registeredPlaces: 3, shareWithRegion: true }),
    });
    expect(shared.status).toBe(200);

    expect(await getHome(urn(12))).toMatchObject({ owner: `provider:${boroughId}`, provider: { id: boroughId, name: borough, group: borough }, authority: 'essex' });
    expect(await getProviderProfile(boroughId)).toEqual({ id: boroughId, name: borough, group: borough });
    expect((await call('authority:essex', 'GET', `/v1/homes/${urn(12)}`)).status).toBe(200);
    expect(await getHome(urn(13))).toMatchObject({ owner: 'authority:peterborough', authority: 'peterborough' });

    const again = await importOfsted(file, { progress: false });
    expect(again).toMatchObject({ created: 0, updated: 0, skipped: 3 });
    expect(await getHome(urn(11))).toMatchObject({ owner: 'authority:thurrock', shareWithRegion: true, name: 'Grays House', version: shared.json.version });
  });

  it('throws a clear error for a file that is not the register', async () => {
    const path = join(dir, 'not-ofsted.csv');
    writeFileSync(path, 'a,b,c\n1,2,3\n');
    await expect(importOfsted(path, { progress: false })).rejects.toThrow(/no header row naming URN and Provision type/);
  });

  it.skipIf(!existsSync(EAST))('imports the East of England register (2025) and again idempotently', async () => {
    const first = await importOfsted(EAST, { region: 'East of England', progress: false });
    expect(first.rows).toBe(489);
    expect(first.created + first.updated + first.skipped).toBe(489);
    expect(first.created + first.updated + (first.reasons['unchanged since the last import'] ?? 0)).toBeGreaterThan(400);
    expect(first.reasons['not a home: Independent Fostering Agency']).toBe(36);
    expect(first.inHouse).toBeGreaterThan(30);
    const again = await importOfsted(EAST, { region: 'East of England', progress: false });
    expect(again).toMatchObject({ created: 0, updated: 0, skipped: 489 });
  }, 120_000);

  it.skipIf(!existsSync(ENGLAND_2024))('reads the 2024 England file (Windows-1252, its own columns), keeping to the region', async () => {
    const s = await importOfsted(ENGLAND_2024, { region: 'East of England', progress: false });
    expect(s.encoding).toBe('windows-1252');
    expect(s.rows).toBe(3876);
    expect(s.reasons['outside East of England']).toBe(3876 - 333);
    // run after the 2025 register: the homes in both keep their newer facts
    expect(s.reasons['a newer register (2025-03-31) is already imported']).toBeGreaterThan(200);
    expect(s.updated).toBe(0);
  }, 120_000);
});
