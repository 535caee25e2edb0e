import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  displayScore, fit, hardRuleFailures, meetsOfstedMinimum, rank, toCandidate, type Candidate, type Child, type HomeFacts,
  type RankQuery,
} from '../../functions/domain/matching.ts';
import { milesBetween, outcodeCentroid, type Point } from '../../functions/domain/geo.ts';
import { NEEDS_CODES, OFSTED_RATINGS, type NeedCode } from '../../schemas/codes.ts';
import { AUTHORITY_SLUGS } from '../../functions/domain/reference/authorities.ts';

/** The hard rules, filters and ordering of the one matching module, as properties. */

const NOW = Date.parse('2026-03-10T12:00:00Z');
const OUTCODES = ['CM1', 'CM2', 'NR1', 'IP1', 'PE1', 'LU1', 'MK40', 'SG17', 'SS1', 'RM17', 'AL1', 'CB1', 'M1', 'B1'];

const needs = fc.uniqueArray(fc.constantFrom(...NEEDS_CODES), { maxLength: 5 });
const childArb: fc.Arbitrary<Child> = fc.record(
  {
    age: fc.integer({ min: 0, max: 20 }),
    sex: fc.constantFrom('female' as const, 'male' as const),
    needs,
    careAlongside: fc.constantFrom('solo' as const, 'group' as const),
  },
  { requiredKeys: ['age', 'sex', 'needs'] },
);

interface H extends HomeFacts {
  weeklyPrice?: number;
}
const homeArb: fc.Arbitrary<H> = fc
  .record(
    {
      lo: fc.integer({ min: 0, max: 17 }),
      span: fc.integer({ min: 0, max: 10 }),
      sexes: fc.subarray(['female', 'male'] as const, { minLength: 1 }),
      supports: needs,
      excludes: needs,
      careAlongside: fc.constantFrom('solo' as const, 'group' as const),
      ofstedRating: fc.constantFrom(...OFSTED_RATINGS),
      outcode: fc.constantFrom(...OUTCODES),
      authority: fc.constantFrom(...AUTHORITY_SLUGS),
      weeklyPrice: fc.integer({ min: 250_000, max: 1_200_000 }).map((p) => p / 100),
    },
    { requiredKeys: ['lo', 'span', 'sexes', 'supports', 'excludes', 'ofstedRating'] },
  )
  .map(({ lo, span, excludes, supports, ...rest }) => ({
    ...rest,
    ageRange: { min: lo, max: Math.min(25, lo + span) },
    sexes: [...rest.sexes],
    supports,
    excludes: excludes.filter((n) => !supports.includes(n)),
  }));

const vacancyArb = fc.record({
  availableFrom: fc.constantFrom('2026-03-01', '2026-03-10', '2026-03-20', '2026-04-15'),
  ageHours: fc.integer({ min: 0, max: 24 * 7 - 1 }),
  weeklyPrice: fc.option(fc.integer({ min: 250_000, max: 1_200_000 }).map((p) => p / 100), { nil: undefined }),
});

const queryArb = fc.record(
  {
    near: fc.constantFrom(...OUTCODES),
    maxMiles: fc.integer({ min: 1, max: 120 }),
    availableBy: fc.constantFrom('2026-03-05', '2026-03-10', '2026-04-01'),
    maxWeeklyPrice: fc.integer({ min: 300_000, max: 1_000_000 }).map((p) => p / 100),
    minOfstedRating: fc.constantFrom(...OFSTED_RATINGS),
  },
  { requiredKeys: [] },
);

interface Case {
  child: Child;
  homes: H[];
  vacancies: { availableFrom: string; ageHours: number; weeklyPrice?: number }[];
  q: { near?: string; maxMiles?: number; availableBy?: string; maxWeeklyPrice?: number; minOfstedRating?: (typeof OFSTED_RATINGS)[number] };
}
const caseArb: fc.Arbitrary<Case> = fc
  .tuple(childArb, fc.array(fc.tuple(homeArb, vacancyArb), { maxLength: 40 }), queryArb)
  .map(([child, hv, q]) => ({ child, homes: hv.map((x) => x[0]), vacancies: hv.map((x) => x[1]), q }));

function setUp(c: Case) {
  const candidates: Candidate[] = c.homes.map((h, i) =>
    toCandidate(`v${String(i).padStart(3, '0')}`, h, { ...c.vacancies[i]!, confirmedAt: new Date(NOW - c.vacancies[i]!.ageHours * 3_600_000) }),
  );
  const near: Point | undefined = c.q.near ? outcodeCentroid(c.q.near) : undefined;
  const query: RankQuery = {
    child: c.child, near, maxMiles: near ? c.q.maxMiles : undefined, availableBy: c.q.availableBy,
    maxWeeklyPrice: c.q.maxWeeklyPrice, minOfstedRating: c.q.minOfstedRating, now: NOW,
  };
  return { candidates, query, near };
}

/** The rules as the contract words them, one home at a time, with the slow path (`fit`). */
function reference(c: Case) {
  const { query, near } = setUp(c);
  const out: { key: string; score: number }[] = [];
  c.homes.forEach((h, i) => {
    const v = c.vacancies[i]!;
    if (hardRuleFailures(c.child, h).length > 0) return;
    if (!meetsOfstedMinimum(h.ofstedRating, c.q.minOfstedRating)) return;
    if (c.q.availableBy && v.availableFrom > c.q.availableBy) return;
    const price = v.weeklyPrice ?? h.weeklyPrice;
    if (c.q.maxWeeklyPrice !== undefined && (price === undefined || price > c.q.maxWeeklyPrice)) return;
    const f = fit(c.child, h, { near, weeklyPrice: price, maxWeeklyPrice: c.q.maxWeeklyPrice, confirmedAt: new Date(NOW - v.ageHours * 3_600_000), now: new Date(NOW) });
    if (query.maxMiles !== undefined && (f.distanceMiles === null || f.distanceMiles > query.maxMiles)) return;
    out.push({ key: `v${String(i).padStart(3, '0')}`, score: f.score });
  });
  return out;
}

describe('rank: hard rules, filters, order', () => {
  it('returns exactly the homes the rules allow, each scored as fit scores it, best first', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { candidates, query } = setUp(c);
        const expected = reference(c);
        const r = rank(query, candidates, { limit: 100 });
        expect(r.eligible).toBe(expected.length);
        const got = r.page.map((e) => ({ key: candidates[e.index]!.key, score: displayScore(e.score) }));
        expect(new Set(got.map((g) => g.key))).toEqual(new Set(expected.map((e) => e.key)));
        const byKey = new Map(expected.map((e) => [e.key, e.score]));
        for (const g of got) expect(g.score).toBe(byKey.get(g.key));
        for (let i = 1; i < r.page.length; i++) {
          const [a, b] = [r.page[i - 1]!, r.page[i]!];
          expect(a.score > b.score || (a.score === b.score && candidates[a.index]!.key < candidates[b.index]!.key)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never returns a home that excludes one of the child\'s needs, or whose ages or sexes do not fit', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { candidates, query } = setUp(c);
        for (const e of rank(query, candidates, { limit: 100 }).page) {
          const h = c.homes[e.index]!;
          expect(c.child.needs.some((n) => h.excludes.includes(n))).toBe(false);
          expect(c.child.age >= h.ageRange.min && c.child.age <= h.ageRange.max).toBe(true);
          expect(h.sexes).toContain(c.child.sex);
        }
      }),
    );
  });

  it('pages through every eligible home exactly once, in order, whatever the page size', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 7 }), (c, limit) => {
        const { candidates, query } = setUp(c);
        const whole = rank(query, candidates, { limit: 1000 }).page.map((e) => e.index);
        const paged: number[] = [];
        let after: { score: number; key: string } | undefined;
        for (;;) {
          const r = rank(query, candidates, { limit, after });
          paged.push(...r.page.map((e) => e.index));
          if (!r.more) break;
          const last = r.page[r.page.length - 1]!;
          after = { score: last.score, key: candidates[last.index]!.key };
        }
        expect(paged).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('ranks a home that supports a need above an otherwise equal home that neither supports nor excludes it', () => {
    fc.assert(
      fc.property(childArb.filter((c) => c.needs.length > 0), homeArb, fc.nat(), fc.option(fc.constantFrom(...OUTCODES), { nil: undefined }), (child, home, pick, nearCode) => {
        const need = child.needs[pick % child.needs.length]! as NeedCode;
        const base: H = { ...home, supports: home.supports.filter((n) => n !== need), excludes: home.excludes.filter((n) => !child.needs.includes(n)), ageRange: { min: 0, max: 25 }, sexes: ['female', 'male'] };
        const better: H = { ...base, supports: [...base.supports, need] };
        const vac = { availableFrom: '2026-03-01', confirmedAt: new Date(NOW - 3_600_000) };
        // the supporting home's key sorts last, so only a higher score can put it first
        const candidates = [toCandidate('b-neither', base, vac), toCandidate('z-supports', better, vac)];
        const near = nearCode ? outcodeCentroid(nearCode) : undefined;
        const r = rank({ child, near, now: NOW }, candidates, { limit: 10 });
        expect(r.page.map((e) => candidates[e.index]!.key)).toEqual(['z-supports', 'b-neither']);
        expect(r.page[0]!.score).toBeGreaterThan(r.page[1]!.score);
      }),
    );
  });

  it('keeps price and Ofsted filters inclusive', () => {
    const home: H = { ageRange: { min: 0, max: 17 }, sexes: ['female', 'male'], supports: [], excludes: [], ofstedRating: 'good', weeklyPrice: 5963.5 };
    const c = [toCandidate('x', home, { availableFrom: '2026-03-10', confirmedAt: new Date(NOW) })];
    const child: Child = { age: 12, sex: 'male', needs: [] };
    expect(rank({ child, now: NOW, maxWeeklyPrice: 5963.5 }, c, { limit: 5 }).page).toHaveLength(1);
    expect(rank({ child, now: NOW, maxWeeklyPrice: 5963.49 }, c, { limit: 5 }).page).toHaveLength(0);
    expect(rank({ child, now: NOW, minOfstedRating: 'good' }, c, { limit: 5 }).page).toHaveLength(1);
    expect(rank({ child, now: NOW, minOfstedRating: 'outstanding' }, c, { limit: 5 }).page).toHaveLength(0);
    expect(rank({ child, now: NOW, availableBy: '2026-03-10' }, c, { limit: 5 }).page).toHaveLength(1);
    expect(rank({ child, now: NOW, availableBy: '2026-03-09' }, c, { limit: 5 }).page).toHaveLength(0);
  });
});

describe('fit', () => {
  it('scores in [0, 1] with at least one reason, and ranks fresher, nearer, better-rated homes no lower', () => {
    fc.assert(
      fc.property(childArb, homeArb, fc.constantFrom(...OUTCODES), (child, home, near) => {
        const f = fit(child, home, { near: outcodeCentroid(near), weeklyPrice: home.weeklyPrice, confirmedAt: new Date(NOW - 86_400_000), now: new Date(NOW) });
        expect(f.score).toBeGreaterThanOrEqual(0);
        expect(f.score).toBeLessThanOrEqual(1);
        expect(f.reasons.length).toBeGreaterThan(0);
        const fresher = fit(child, home, { near: outcodeCentroid(near), weeklyPrice: home.weeklyPrice, confirmedAt: new Date(NOW), now: new Date(NOW) });
        expect(fresher.score).toBeGreaterThanOrEqual(f.score);
      }),
    );
  });

  it('measures from the authority\'s centre when the postcode is withheld, and says so', () => {
    const home: H = { ageRange: { min: 0, max: 17 }, sexes: ['male'], supports: [], excludes: [], ofstedRating: 'good', authority: 'suffolk' };
    const f = fit({ age: 10, sex: 'male', needs: [] }, home, { near: outcodeCentroid('IP1') });
    expect(f.distanceMiles).not.toBeNull();
    expect(f.reasons.some((r) => r.includes('measured from the centre of Suffolk'))).toBe(true);
    const nowhere = fit({ age: 10, sex: 'male', needs: [] }, { ...home, authority: undefined }, { near: outcodeCentroid('IP1') });
    expect(nowhere.distanceMiles).toBeNull();
    expect(nowhere.over20Miles).toBeNull();
  });

  it('measures distance between outcode centroids in miles (Chelmsford to Norwich ≈ 71 in a straight line)', () => {
    const d = milesBetween(outcodeCentroid('CM1')!, outcodeCentroid('NR1')!);
    expect(d).toBeGreaterThan(66);
    expect(d).toBeLessThan(76);
  });
});
