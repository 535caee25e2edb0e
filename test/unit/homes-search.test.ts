import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HubError } from '../../functions/domain/errors.ts';
import type { HomeSnapshot } from '../../functions/domain/homes.ts';
import type { Principal } from '../../functions/domain/principal.ts';
import { positionOf, searchHash, searchPage, type SearchFacts, type SearchQuery } from '../../functions/domain/search.ts';
import { OFSTED_RATINGS } from '../../schemas/codes.ts';

/** The search assembly (pure): visibility, filters, order, paging to the end, the fields of each item. */

const NOW = Date.parse('2026-03-10T12:00:00Z');
const essex: Principal = { kind: 'authority', id: 'essex' };
const po: Principal = { kind: 'programme-office' };

const snapshot = (over: Partial<HomeSnapshot> = {}): HomeSnapshot => ({
  v: 1, name: 'Home', owner: 'provider:harbour-care', provider: { id: 'harbour-care', name: 'Harbour Care', group: 'Harbour' },
  placementType: 'K2', outcode: 'CM1', authority: 'essex', registeredPlaces: 4, ofstedRating: 'good', ageRange: { min: 10, max: 17 },
  sexes: ['female', 'male'], supports: [], excludes: [], weeklyPrice: 5000, ...over,
});
let n = 0;
const vacancy = (home: Partial<HomeSnapshot> = {}, over: Partial<SearchFacts> = {}): SearchFacts => {
  const id = over.id ?? `v${String(++n).padStart(4, '0')}`;
  return { id, homeUrn: `SC${String(n).padStart(6, '0')}`, beds: 1, availableFrom: '2026-03-01', confirmedAt: new Date(NOW - 3_600_000).toISOString(), home: snapshot(home), ...over };
};
const query = (over: Partial<SearchQuery> = {}): SearchQuery => ({ child: { age: 14, sex: 'female', needs: [] }, limit: 20, ...over });
const ids = (vs: { vacancyId: string }[]) => vs.map((v) => v.vacancyId);

function all(p: Principal, q: SearchQuery, vs: SearchFacts[]) {
  const items = [];
  let position;
  for (;;) {
    const page = searchPage(p, q, vs, { now: NOW, position });
    items.push(...page.items);
    if (!page.next) return items;
    position = positionOf(JSON.parse(JSON.stringify(page.next)), q);
  }
}

describe('searchPage', () => {
  it('leaves out unshared in-house homes for everyone but their owner (programme office included)', () => {
    const unshared = vacancy({ owner: 'authority:suffolk', authority: 'suffolk', shareWithRegion: false });
    const shared = vacancy({ owner: 'authority:suffolk', authority: 'suffolk', shareWithRegion: true });
    const provider = vacancy();
    const vs = [unshared, shared, provider];
    expect(ids(searchPage(essex, query(), vs, { now: NOW }).items).sort()).toEqual([shared.id, provider.id].sort());
    expect(ids(searchPage(po, query(), vs, { now: NOW }).items).sort()).toEqual([shared.id, provider.id].sort());
    const own = searchPage({ kind: 'authority', id: 'suffolk' }, query(), vs, { now: NOW }).items;
    expect(ids(own).sort()).toEqual(vs.map((v) => v.id).sort());
    expect(own.find((i) => i.vacancyId === unshared.id)!.reasons).toContain('your own in-house home');
    expect(searchPage(essex, query(), vs, { now: NOW }).items.find((i) => i.vacancyId === shared.id)!.reasons).toContain("Suffolk's in-house home, shared with the region");
  });

  it('drops a home that excludes a need or does not fit age or sex; ranks a home that supports the need above one that only does not exclude it', () => {
    const q = query({ child: { age: 14, sex: 'female', needs: ['self-harm'] } });
    const excludes = vacancy({ excludes: ['self-harm'] });
    const tooOld = vacancy({ ageRange: { min: 15, max: 17 } });
    const boysOnly = vacancy({ sexes: ['male'] });
    const supports = vacancy({ supports: ['self-harm'] });
    const silent = vacancy();
    const items = searchPage(essex, q, [excludes, tooOld, boysOnly, silent, supports], { now: NOW }).items;
    expect(ids(items)).toEqual([supports.id, silent.id]);
    expect(items[0]!.score).toBeGreaterThan(items[1]!.score);
  });

  it('filters inclusively: a price equal to maxWeeklyPrice stays; minOfstedRating good keeps good and outstanding', () => {
    const atMax = vacancy({ weeklyPrice: 6000 });
    const over = vacancy({ weeklyPrice: 6000.01 });
    expect(ids(searchPage(essex, query({ maxWeeklyPrice: 6000 }), [atMax, over], { now: NOW }).items)).toEqual([atMax.id]);
    const byRating = OFSTED_RATINGS.map((r) => vacancy({ ofstedRating: r }));
    const kept = searchPage(essex, query({ minOfstedRating: 'good' }), byRating, { now: NOW }).items.map((i) => i.ofstedRating).sort();
    expect(kept).toEqual(['good', 'outstanding']);
    const available = vacancy({}, { availableFrom: '2026-04-01' });
    const later = vacancy({}, { availableFrom: '2026-04-02' });
    expect(ids(searchPage(essex, query({ availableBy: '2026-04-01' }), [available, later], { now: NOW }).items)).toEqual([available.id]);
  });

  it('distance, over 20 miles and out of area; null without near, and outOfArea null for the programme office', () => {
    const chelmsford = vacancy({ outcode: 'CM1', authority: 'essex' });
    const norwich = vacancy({ outcode: 'NR1', authority: 'norfolk' });
    const near = searchPage(essex, query({ near: { outcode: 'CM2' } }), [chelmsford, norwich], { now: NOW }).items;
    const byId = new Map(near.map((i) => [i.vacancyId, i]));
    expect(byId.get(chelmsford.id)).toMatchObject({ over20Miles: false, outOfArea: false });
    expect(byId.get(norwich.id)).toMatchObject({ over20Miles: true, outOfArea: true });
    expect(byId.get(norwich.id)!.reasons).toContain('outside your area (in Norfolk)');
    expect(byId.get(norwich.id)!.distanceMiles).toBeGreaterThan(20);
    const far = searchPage(essex, query({ near: { outcode: 'CM2' }, maxMiles: 20 }), [chelmsford, norwich], { now: NOW }).items;
    expect(ids(far)).toEqual([chelmsford.id]);
    for (const i of searchPage(po, query(), [chelmsford, norwich], { now: NOW }).items) {
      expect(i).toMatchObject({ distanceMiles: null, over20Miles: null, outOfArea: null });
    }
  });

  it('400s an unknown outcode naming near.outcode, and maxMiles without near', () => {
    const fields = (q: SearchQuery) => {
      try {
        searchPage(essex, q, [], { now: NOW });
      } catch (e) {
        return (e as HubError).errors?.map((x) => x.path);
      }
      return undefined;
    };
    expect(fields(query({ near: { outcode: 'ZZ99' } }))).toEqual(['near.outcode']);
    expect(fields(query({ maxMiles: 10 }))).toEqual(['maxMiles']);
  });

  it('orders by score descending, id ascending on ties, and pages to the end with every result once, whatever the limit', () => {
    const homes = fc.record({
      ofstedRating: fc.constantFrom(...OFSTED_RATINGS),
      weeklyPrice: fc.integer({ min: 2000, max: 12000 }),
      outcode: fc.constantFrom('CM1', 'NR1', 'IP1', 'PE1', 'SS1', 'LU1'),
      supports: fc.subarray(['self-harm', 'semh'] as const),
    });
    fc.assert(
      fc.property(fc.array(homes, { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (hs, limit) => {
        const vs = hs.map((h) => vacancy({ ...h, supports: [...h.supports] }));
        const q = query({ limit, child: { age: 14, sex: 'female', needs: ['self-harm', 'semh'] }, near: { outcode: 'CM2' } });
        const items = all(essex, q, vs);
        expect(ids(items).sort()).toEqual(vs.map((v) => v.id).sort());
        for (let i = 1; i < items.length; i++) {
          const [a, b] = [items[i - 1]!, items[i]!];
          expect(a.score >= b.score).toBe(true);
          expect(a.score >= 0 && a.score <= 1 && a.reasons.length > 0).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a page position belongs to its own search: another search\'s is 400 naming cursor', () => {
    const q = query();
    const page = searchPage(essex, { ...q, limit: 1 }, [vacancy(), vacancy()], { now: NOW });
    expect(page.next!.h).toBe(searchHash(q));
    expect(positionOf(page.next, { ...q, limit: 5 })).toEqual(page.next);
    try {
      positionOf(page.next, query({ child: { age: 15, sex: 'female', needs: [] } }));
      expect.unreachable();
    } catch (e) {
      expect((e as HubError).errors?.[0]?.path).toBe('cursor');
    }
  });
});
