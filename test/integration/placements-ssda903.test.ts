import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { call } from '../support/hub.ts';
import { HOMES, placed } from '../support/placement-fixtures.ts';
import { validateEpisodes } from '../support/ssda903-validator.ts';
import { SSDA903_COLUMNS } from '../../functions/domain/ssda903.ts';

/**
 * The SSDA903 export (CONTRACT.md "SSDA903 export") over HTTP: an authority's own placements as
 * the episodes of a collection year, run through the port of the open validator's rules
 * (test/support/ssda903-validator.ts: rules 141, 142, 146, 147, 148, 149, 178, 213, 218, 222,
 * 226, 233, 526, 1009) with no failure. Rows of other test files' placements of the same
 * authority are left out of the rule run by their CHILD (they are not this file's to vouch for).
 */

const WHO = 'authority:peterborough';
const AUTH = 'peterborough' as const;
const PAST = new Date('2025-04-01T09:00:00Z');

async function end(id: string, body: Record<string, string>) {
  const r = await call(WHO, 'POST', `/v1/placements/${id}/end`, { body });
  expect(r.status, r.text).toBe(200);
}

describe('GET /v1/placements/ssda903', () => {
  it('one row per own placement overlapping the year, by CHILD then DECOM, that the validator\'s rules pass; PL_POST the home\'s postcode', async () => {
    const home = { ...HOMES.essex, localAuthority: 'E06000031', outcode: 'PE1', postcode: 'PE1 1AA' };
    // a child who moves: the first placement ends X1 (change of placement) the day the second starts
    const first = await placed({ authority: AUTH, home, startDate: '2025-05-01', now: PAST });
    const second = await placed({ authority: AUTH, home: { ...home, postcode: 'PE1 2BB' }, child: { childRef: `${first.childRef}` }, startDate: '2025-09-30', now: PAST });
    await end(first.id, { endDate: '2025-09-30', reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CARPL' });
    // ends after 31 March: open at the year's end (no DEC, REC)
    const spans = await placed({ authority: AUTH, home, startDate: '2026-03-01', now: PAST });
    await end(spans.id, { endDate: '2026-05-01', reasonEpisodeCeased: 'E11' });
    // a placement with parents (P1): no URN (rule 222); and one with no known postcode
    const parents = await placed({ authority: AUTH, home: { ...home, placementType: 'P1' }, startDate: '2025-07-01', now: PAST });
    const noPostcode = await placed({ authority: AUTH, home: { localAuthority: 'E06000031', outcode: 'PE2' }, startDate: '2025-08-01', now: PAST });
    // before the year: not in it
    const before = await placed({ authority: AUTH, home, startDate: '2024-05-01', now: PAST });
    await end(before.id, { endDate: '2025-03-01', reasonEpisodeCeased: 'E11' });
    // another authority's: never in this export
    const other = await placed({ authority: 'essex', startDate: '2025-06-01', now: PAST });

    const r = await call(WHO, 'GET', '/v1/placements/ssda903', { query: { year: '2025-26' } });
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(r.headers.get('content-disposition')).toContain('2025-26');
    const [header, ...lines] = r.text.trimEnd().split('\n');
    expect(header).toBe(SSDA903_COLUMNS.join(','));
    const rows = parse(r.text, { columns: true }) as Record<string, string>[];
    const order = rows.map((x) => `${x.CHILD}\u0000${x.DECOM!.split('/').reverse().join('-')}`);
    expect(order).toEqual([...order].sort());

    const mine = new Set([first, spans, parents, noPostcode, before].map((p) => p.childRef));
    const kept = rows.filter((x) => mine.has(x.CHILD!));
    const byChild = (ref: string) => kept.filter((x) => x.CHILD === ref);
    expect(byChild(first.childRef)).toEqual([
      { CHILD: first.childRef, DECOM: '01/05/2025', RNE: '', LS: '', CIN: '', PLACE: 'K2', PLACE_PROVIDER: 'PR4', DEC: '30/09/2025', REC: 'X1', REASON_PLACE_CHANGE: 'CARPL', HOME_POST: '', PL_POST: 'PE1 1AA', URN: first.homeUrn },
      { CHILD: first.childRef, DECOM: '30/09/2025', RNE: '', LS: '', CIN: '', PLACE: 'K2', PLACE_PROVIDER: 'PR4', DEC: '', REC: '', REASON_PLACE_CHANGE: '', HOME_POST: '', PL_POST: 'PE1 2BB', URN: second.homeUrn },
    ]);
    expect(byChild(spans.childRef)).toEqual([expect.objectContaining({ DECOM: '01/03/2026', DEC: '', REC: '' })]);
    expect(byChild(parents.childRef)).toEqual([expect.objectContaining({ PLACE: 'P1', URN: '', PLACE_PROVIDER: 'PR4' })]);
    expect(byChild(noPostcode.childRef)).toEqual([expect.objectContaining({ PL_POST: '' })]);
    expect(byChild(before.childRef)).toEqual([]);
    expect(rows.map((x) => x.CHILD)).not.toContain(other.childRef);

    const csv = `${header}\n${lines.filter((l) => mine.has(l.split(',')[0]!)).join('\n')}\n`;
    expect(validateEpisodes(csv, '2025-26')).toEqual([]);
  });

  it('is not taken for a placement id; an unknown or malformed year → 400; no year → 400; only authorities', async () => {
    for (const year of ['2019-20', '2025', '2025-27', 'x']) {
      const r = await call(WHO, 'GET', '/v1/placements/ssda903', { query: { year } });
      expect(r.status, year).toBe(400);
      expect(r.json.errors[0].path).toBe('year');
    }
    expect((await call(WHO, 'GET', '/v1/placements/ssda903')).status).toBe(400);
    expect((await call('programme-office', 'GET', '/v1/placements/ssda903', { query: { year: '2025-26' } })).status).toBe(403);
    expect((await call('provider:harbour-care', 'GET', '/v1/placements/ssda903', { query: { year: '2025-26' } })).status).toBe(403);
    const empty = await call('authority:bedford', 'GET', '/v1/placements/ssda903', { query: { year: '2024-25' } });
    expect(empty.status).toBe(200);
    expect(empty.text.split('\n')[0]).toBe(SSDA903_COLUMNS.join(','));
  });
});
