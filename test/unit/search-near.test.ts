import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { HomeSnapshot } from '../../functions/domain/homes.ts';
import { milesBetween, outcodeCentroid, type Point } from '../../functions/domain/geo.ts';
import { bestScoreBeyond, locateHome, rank, toCandidate } from '../../functions/domain/matching.ts';
import {
  discRanges, FIRST_RING_MILES, nextNearRead, placeAt, placeOfHome, settlingMiles, STRIP_METRES, type StripRange,
} from '../../functions/domain/near.ts';
import type { Principal } from '../../functions/domain/principal.ts';
import { positionOf, searchNearPage, searchPage, type SearchFacts, type SearchPage, type SearchQuery } from '../../functions/domain/search.ts';
import { AUTHORITY_SLUGS } from '../../functions/domain/reference/authorities.ts';
import { NEEDS_CODES, OFSTED_RATINGS, type NeedCode } from '../../schemas/codes.ts';

/**
 * The geographic index (issue 16), pure: a search near an outcode that reads only the discs of
 * the index by place that domain/near.ts names makes exactly the pages the full read makes —
 * same items, same order, same cursors, paging to the end — for any data and any query. The
 * index is simulated here by the places `placeOfHome` gives (what store/vacancy-record.ts keys).
 */

const NOW = Date.parse('2026-03-10T12:00:00Z');
const DAY = 86_400_000;
const OUTCODES = ['CM1', 'CM2', 'CM77', 'CO1', 'SS1', 'RM17', 'AL1', 'SG1', 'LU1', 'CB1', 'IP1', 'NR1', 'PE1', 'MK40', 'E1', 'SW1A', 'B1', 'M1', 'LS1', 'BS1', 'EX1', 'NE1', 'TR1', 'CA1'];
const NEEDS = NEEDS_CODES.slice(0, 4) as unknown as NeedCode[];
const principals: Principal[] = [{ kind: 'authority', id: 'essex' }, { kind: 'authority', id: 'suffolk' }, { kind: 'programme-office' }];

const homeArb = fc.record({
  // a home with an outcode; or only its Eastern authority (Ofsted redacts the postcode); or nowhere
  where: fc.oneof(
    { weight: 6, arbitrary: fc.record({ outcode: fc.constantFrom(...OUTCODES), authority: fc.option(fc.constantFrom(...AUTHORITY_SLUGS), { nil: undefined }) }) },
    { weight: 2, arbitrary: fc.record({ authority: fc.constantFrom(...AUTHORITY_SLUGS) }) },
    { weight: 1, arbitrary: fc.constant({}) },
  ),
  owner: fc.oneof({ weight: 5, arbitrary: fc.constant('provider:harbour') }, { weight: 1, arbitrary: fc.constantFrom('authority:suffolk', 'authority:essex') }),
  shareWithRegion: fc.boolean(),
  ofstedRating: fc.oneof({ weight: 3, arbitrary: fc.constant('outstanding' as const) }, { weight: 2, arbitrary: fc.constantFrom(...OFSTED_RATINGS) }),
  supports: fc.oneof({ weight: 2, arbitrary: fc.constant(NEEDS) }, { weight: 1, arbitrary: fc.subarray(NEEDS) }),
  excludes: fc.oneof({ weight: 5, arbitrary: fc.constant([] as NeedCode[]) }, { weight: 1, arbitrary: fc.subarray(NEEDS, { maxLength: 1 }) }),
  ageMin: fc.integer({ min: 8, max: 13 }),
  sexes: fc.constantFrom(['female', 'male'] as const, ['female'] as const, ['male'] as const),
  careAlongside: fc.option(fc.constantFrom('solo' as const, 'group' as const), { nil: undefined }),
  homePrice: fc.option(fc.integer({ min: 2000, max: 9000 }), { nil: undefined }),
  vacancies: fc.array(
    fc.record({
      price: fc.option(fc.constantFrom(2500, 3000, 5000, 6000, 8000), { nil: undefined }),
      ageMs: fc.integer({ min: -DAY, max: 7 * DAY }),
      availableFrom: fc.constantFrom('2026-03-01', '2026-03-20', '2026-04-15'),
      beds: fc.integer({ min: 1, max: 3 }),
      held: fc.integer({ min: 0, max: 3 }),
    }),
    { minLength: 1, maxLength: 2 },
  ),
});

let seq = 0;
type HomeGen = typeof homeArb extends fc.Arbitrary<infer T> ? T : never;
function toFacts(h: HomeGen[]): SearchFacts[] {
  return h.flatMap((home, i) => {
    const snapshot: HomeSnapshot = {
      v: 1, name: `Home ${i}`, owner: home.owner, provider: { id: 'harbour', name: 'Harbour', group: 'Harbour' }, placementType: 'K2',
      ...home.where, registeredPlaces: 6, ofstedRating: home.ofstedRating, ageRange: { min: home.ageMin, max: 17 }, sexes: [...home.sexes],
      supports: home.supports.filter((n) => !home.excludes.includes(n)), excludes: home.excludes,
      ...(home.careAlongside ? { careAlongside: home.careAlongside } : {}), ...(home.homePrice ? { weeklyPrice: home.homePrice } : {}),
      ...(home.owner.startsWith('authority:') ? { shareWithRegion: home.shareWithRegion } : {}),
    };
    return home.vacancies.map((v) => {
      const id = `v${String(++seq).padStart(6, '0')}`;
      const holds = Object.fromEntries(Array.from({ length: v.held }, (_, k) => [String(k), { o: `off_${k}`, u: new Date(NOW + (k % 2 ? DAY : -DAY)).toISOString() }]));
      return {
        id, homeUrn: `SC${i}`, beds: v.beds, availableFrom: v.availableFrom, confirmedAt: new Date(NOW - v.ageMs).toISOString(), home: snapshot,
        ...(v.price ? { weeklyPrice: v.price } : {}), ...(v.held ? { holds } : {}),
      };
    });
  });
}

const queryArb = fc.record({
  child: fc.record({ age: fc.integer({ min: 9, max: 17 }), sex: fc.constantFrom('female' as const, 'male' as const), needs: fc.subarray(NEEDS), careAlongside: fc.option(fc.constantFrom('solo' as const, 'group' as const), { nil: undefined }) }),
  near: fc.record({ outcode: fc.constantFrom('CM1', 'CO1', 'NR1', 'IP1', 'LU1', 'E1', 'M1', 'TR1') }),
  maxMiles: fc.option(fc.oneof(fc.constantFrom(4.3, 17.1, 18.2, 39.7, 40, 40.2, 43.1, 200, 1000), fc.double({ min: 0.1, max: 120, noNaN: true })), { nil: undefined }),
  maxWeeklyPrice: fc.option(fc.constantFrom(3000, 6000, 8000), { nil: undefined }),
  minOfstedRating: fc.option(fc.constantFrom(...OFSTED_RATINGS), { nil: undefined }),
  availableBy: fc.option(fc.constantFrom('2026-03-01', '2026-03-31'), { nil: undefined }),
  limit: fc.integer({ min: 1, max: 8 }),
});

/** The index by place, in memory: what store/vacancies.ts `readOpenVacanciesNear` reads, and how much. */
function memoryIndex(facts: readonly SearchFacts[]) {
  const read = new Map<string, number>();
  const log = { all: 0, near: 0 };
  const take = (v: SearchFacts) => read.set(v.id, (read.get(v.id) ?? 0) + 1);
  return {
    read,
    log,
    reader: {
      near: async (ranges: readonly StripRange[], unlocated: boolean) => {
        log.near++;
        const out = facts.filter((v) => {
          const place = placeOfHome(v.home);
          if (!place) return unlocated;
          return ranges.some((r) => r.strip === place.strip && r.from <= place.northing && place.northing <= r.to);
        });
        out.forEach(take);
        return out;
      },
      all: async () => {
        log.all++;
        return facts;
      },
    },
  };
}

/** How the pages of the property run were made, so it cannot pass without trying each way. */
const made = { withoutAll: 0, withAll: 0, rings: 0 };

async function pagesBoth(p: Principal, q: SearchQuery, facts: SearchFacts[]) {
  const origin = outcodeCentroid(q.near!.outcode)!;
  const full: SearchPage[] = [];
  const near: SearchPage[] = [];
  let position;
  for (let i = 0; i < 500; i++) {
    const page = searchPage(p, q, facts, { now: NOW, position });
    full.push(page);
    if (!page.next) break;
    position = positionOf(JSON.parse(JSON.stringify(page.next)), q);
  }
  position = undefined;
  for (let i = 0; i < 500; i++) {
    const index = memoryIndex(facts);
    const page = await searchNearPage(p, q, origin, index.reader, { now: NOW, position });
    // no range is read twice by one search
    for (const [id, n] of index.read) expect(n, `vacancy ${id} read ${n} times`).toBe(1);
    if (index.log.all) made.withAll++;
    else made.withoutAll++;
    if (index.log.near > 1) made.rings++;
    near.push(page);
    if (!page.next) break;
    position = positionOf(JSON.parse(JSON.stringify(page.next)), q);
  }
  return { full, near };
}

describe('search near an outcode through the index by place', () => {
  it('makes exactly the pages the full read makes: items, order, scores, reasons, cursors, to the end', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(homeArb, { maxLength: 60 }), queryArb, fc.constantFrom(...principals), async (homes, qa, p) => {
        const facts = toFacts(homes);
        const q: SearchQuery = { ...qa, child: { ...qa.child, needs: [...qa.child.needs] } };
        const { full, near } = await pagesBoth(p, q, facts);
        expect(near.map((pg) => ({ items: pg.items, next: pg.next }))).toEqual(full.map((pg) => ({ items: pg.items, next: pg.next })));
      }),
      { numRuns: 300 },
    );
    // pages made from discs alone, from several discs, and from the full read all occurred
    expect(made.withoutAll).toBeGreaterThan(50);
    expect(made.withAll).toBeGreaterThan(20);
    expect(made.rings).toBeGreaterThan(10);
  });

  it('reads only the disc of maxMiles: every home within it, nothing of the bucket of homes with no location', async () => {
    const facts = toFacts(fc.sample(homeArb, { numRuns: 400, seed: 16 }));
    const q: SearchQuery = { child: { age: 14, sex: 'female', needs: [] }, near: { outcode: 'CM1' }, maxMiles: 40, limit: 5 };
    const index = memoryIndex(facts);
    await searchNearPage({ kind: 'programme-office' }, q, outcodeCentroid('CM1')!, index.reader, { now: NOW });
    expect(index.log).toEqual({ all: 0, near: 1 });
    const origin = outcodeCentroid('CM1')!;
    const within = facts.filter((v) => {
      const at = locateHome(v.home);
      return at && milesBetween(origin, at.point) <= 40;
    });
    expect(within.length).toBeGreaterThan(0);
    for (const v of within) expect(index.read.has(v.id), v.id).toBe(true);
    for (const v of facts) if (!locateHome(v.home)) expect(index.read.has(v.id)).toBe(false);
    // Suffolk's centroid is 40.2 miles from CM1: read only because its strip's range reaches it, never found
    expect(index.read.size).toBeLessThan(facts.length);
  });

  it('without maxMiles, stops at the first disc when its page cannot be outranked from further away', async () => {
    // 30 outstanding, cheap, fresh homes that support every need, in CM1; others far away
    const near = Array.from({ length: 30 }, () => ({ outcode: 'CM1' }));
    const far = Array.from({ length: 100 }, (_, i) => ({ outcode: ['M1', 'LS1', 'NE1', 'TR1'][i % 4]! }));
    const facts = toFacts([...near, ...far].map((where) => ({
      where, owner: 'provider:harbour', shareWithRegion: false, ofstedRating: 'outstanding' as const, supports: NEEDS, excludes: [], ageMin: 8,
      sexes: ['female', 'male'] as const, careAlongside: undefined, homePrice: 2500, vacancies: [{ price: 2500, ageMs: 0, availableFrom: '2026-03-01', beds: 1, held: 0 }],
    })));
    const q: SearchQuery = { child: { age: 14, sex: 'female', needs: NEEDS.slice(0, 2) }, near: { outcode: 'CM1' }, limit: 20 };
    const index = memoryIndex(facts);
    const page = await searchNearPage({ kind: 'authority', id: 'essex' }, q, outcodeCentroid('CM1')!, index.reader, { now: NOW });
    expect(index.log).toEqual({ all: 0, near: 1 });
    expect(index.read.size).toBe(30);
    const full = searchPage({ kind: 'authority', id: 'essex' }, q, facts, { now: NOW });
    expect({ items: page.items, next: page.next }).toEqual({ items: full.items, next: full.next });
  });
});

describe('the bound distance puts on a score', () => {
  it('no vacancy measured at m miles or more scores above bestScoreBeyond(m); none without a location above bestScoreBeyond(undefined)', () => {
    fc.assert(
      fc.property(fc.array(homeArb, { minLength: 1, maxLength: 30 }), queryArb, (homes, qa) => {
        const facts = toFacts(homes);
        const near = outcodeCentroid(qa.near.outcode)!;
        const candidates = facts.map((v) => toCandidate(v.id, v.home, v));
        const ranked = rank({ child: { ...qa.child, needs: [...qa.child.needs] }, near, now: NOW }, candidates, { limit: candidates.length }).page;
        for (const { index, score } of ranked) {
          const at = locateHome(facts[index]!.home);
          const bound = bestScoreBeyond(at ? milesBetween(near, at.point) : undefined);
          expect(score).toBeLessThanOrEqual(bound);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never rises with distance; settlingMiles is the least tenth of a mile beyond which nothing reaches the score', () => {
    for (let m = 0; m < 100; m += 0.1) expect(bestScoreBeyond(m + 0.1)).toBeLessThanOrEqual(bestScoreBeyond(m));
    expect(bestScoreBeyond(0)).toBe(1);
    expect(bestScoreBeyond(undefined)).toBeCloseTo(0.875, 12);
    expect(bestScoreBeyond(60)).toBeCloseTo(0.75, 12);
    expect(bestScoreBeyond(1000)).toBe(bestScoreBeyond(60));
    fc.assert(
      fc.property(fc.double({ min: 0.7, max: 1, noNaN: true }), (s) => {
        const m = settlingMiles(s);
        if (s <= bestScoreBeyond(Number.POSITIVE_INFINITY)) expect(m).toBeUndefined();
        else {
          expect(bestScoreBeyond(m!)).toBeLessThan(s);
          if (m! > 0) expect(bestScoreBeyond(Math.round(m! * 10 - 1) / 10)).toBeGreaterThanOrEqual(s);
        }
      }),
    );
  });
});

describe('strips and discs', () => {
  const origin = outcodeCentroid('CM1')!;
  const point = fc.tuple(fc.integer({ min: 100_000, max: 700_000 }), fc.integer({ min: 0, max: 700_000 })) as fc.Arbitrary<Point>;
  const inRanges = (ranges: readonly StripRange[], p: Point) => {
    const place = placeAt(p);
    return ranges.filter((r) => r.strip === place.strip && r.from <= place.northing && place.northing <= r.to).length;
  };

  it('a disc of m miles covers every point ranking measures at m miles or less; wider discs add only what is new', () => {
    fc.assert(
      fc.property(point, fc.double({ min: 0.1, max: 150, noNaN: true }), fc.double({ min: 0.1, max: 150, noNaN: true }), (p, a, b) => {
        const [inner, outer] = a < b ? [a, b] : [b, a];
        const first = discRanges(origin, inner);
        const more = discRanges(origin, outer, inner);
        const miles = milesBetween(origin, p);
        const times = inRanges(first, p) + inRanges(more, p);
        expect(times).toBeLessThanOrEqual(1);
        if (miles <= outer) expect(times).toBe(1);
        if (miles <= inner) expect(inRanges(first, p)).toBe(1);
        // outside what is read, ranking measures at least the disc's miles
        if (times === 0) expect(miles).toBeGreaterThanOrEqual(outer);
      }),
      { numRuns: 2000 },
    );
  });

  it('the edge of a disc: a point ranking rounds to m miles is covered, whatever its direction', () => {
    const METRES = 1609.344;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1500 }), fc.integer({ min: 0, max: 3 }), fc.double({ min: -0.05, max: 0.05, noNaN: true }), fc.double({ min: -0.1, max: 0.1, noNaN: true }), (tenths, quarter, jitter, off) => {
        // along the axes (and near them) the disc's edge meets the edge of what is read
        const angle = (quarter * Math.PI) / 2 + jitter;
        const m = tenths / 10;
        const d = (m + off) * METRES;
        const p: Point = [origin[0] + d * Math.cos(angle), origin[1] + d * Math.sin(angle)];
        const miles = milesBetween(origin, p);
        const times = inRanges(discRanges(origin, m), p);
        if (miles <= m) expect(times, `${miles} miles`).toBe(1);
        if (times === 0) expect(miles).toBeGreaterThanOrEqual(m);
      }),
      { numRuns: 3000 },
    );
    // 40.04 miles due north of CM1 ranks as 40.0 miles: inside maxMiles 40
    const north: Point = [origin[0], origin[1] + 40.04 * METRES];
    expect(milesBetween(origin, north)).toBe(40);
    expect(inRanges(discRanges(origin, 40), north)).toBe(1);
  });

  it('strips are STRIP_METRES wide; a 40-mile disc near CM1 is 14 strips', () => {
    expect(placeAt([570_417, 208_130])).toEqual({ strip: Math.floor(570_417 / STRIP_METRES), northing: 208_130 });
    expect(new Set(discRanges(origin, 40).map((r) => r.strip)).size).toBe(14);
  });

  it('reads outward: a first disc, twice as wide while the page has room, every vacancy once distance no longer bounds the score', () => {
    expect(nextNearRead(origin, undefined, undefined, undefined)).toEqual({ kind: 'disc', miles: FIRST_RING_MILES, unlocated: false });
    expect(nextNearRead(origin, 40, undefined, undefined)).toEqual({ kind: 'disc', miles: 40, unlocated: false });
    expect(nextNearRead(origin, 40, { miles: 40, unlocated: false }, { more: true, lastScore: 0.1 })).toEqual({ kind: 'done' });
    expect(nextNearRead(origin, undefined, { miles: 20, unlocated: false }, { more: false })).toEqual({ kind: 'disc', miles: 40, unlocated: true });
    expect(nextNearRead(origin, undefined, { miles: 40, unlocated: true }, { more: false })).toEqual({ kind: 'all' });
    expect(nextNearRead(origin, undefined, { miles: 20, unlocated: false }, { more: true, lastScore: 0.74 })).toEqual({ kind: 'all' });
    expect(nextNearRead(origin, undefined, { miles: 20, unlocated: false }, { more: true, lastScore: 0.95 })).toEqual({ kind: 'done' });
    expect(nextNearRead(origin, undefined, { miles: 20, unlocated: false }, { more: true, lastScore: 0.9 })).toEqual({ kind: 'disc', miles: settlingMiles(0.9), unlocated: false });
    expect(nextNearRead(origin, 500, undefined, undefined)).toEqual({ kind: 'all' });
  });
});
