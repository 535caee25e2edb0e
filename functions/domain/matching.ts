import type { CareAlongside, NeedCode, OfstedRating, Sex } from '../../schemas/codes.ts';
import { NEEDS_CODES, OFSTED_RATINGS } from '../../schemas/codes.ts';
import { locateHome, milesBetween, milesBetweenXY, type Point } from './geo.ts';
import { AUTHORITIES, type AuthoritySlug } from './reference/authorities.ts';

/**
 * The one matching module: the hard rules that keep a child out of a home that cannot care for
 * them, and the fit score with its reasons. Used by the vacancy search and by pooled-bed
 * candidates alike. Pure: no I/O.
 */

const authorityName = (slug: AuthoritySlug) => AUTHORITIES.find((a) => a.id === slug)?.name ?? slug;

export interface Child {
  age: number;
  sex: Sex;
  needs: readonly NeedCode[];
  careAlongside?: CareAlongside;
}

export interface HomeFacts {
  ageRange: { min: number; max: number };
  sexes: readonly Sex[];
  supports: readonly NeedCode[];
  excludes: readonly NeedCode[];
  careAlongside?: CareAlongside;
  ofstedRating: OfstedRating;
  /** Ofsted redacts many children's homes' postcodes: then the home's authority stands in. */
  outcode?: string;
  authority?: AuthoritySlug;
}

/** Why the home can never take this child; empty when it may. */
export function hardRuleFailures(child: Child, home: HomeFacts): string[] {
  const failures: string[] = [];
  const excluded = child.needs.filter((n) => home.excludes.includes(n));
  if (excluded.length) failures.push(`excludes ${excluded.join(', ')}`);
  if (child.age < home.ageRange.min || child.age > home.ageRange.max) {
    failures.push(`takes ages ${home.ageRange.min}-${home.ageRange.max}, child is ${child.age}`);
  }
  if (!home.sexes.includes(child.sex)) failures.push(`does not take ${child.sex} children`);
  return failures;
}

/** `minOfstedRating: good` keeps good and outstanding; not-yet-inspected meets no minimum. */
export function meetsOfstedMinimum(rating: OfstedRating, minimum: OfstedRating | undefined): boolean {
  if (minimum === undefined) return true;
  if (rating === 'not-yet-inspected') return minimum === 'not-yet-inspected';
  return OFSTED_RATINGS.indexOf(rating) <= OFSTED_RATINGS.indexOf(minimum);
}

export { locateHome, type Located } from './geo.ts';

export interface Fit {
  score: number;
  reasons: string[];
  distanceMiles: number | null;
  over20Miles: boolean | null;
}

export interface FitOptions {
  near?: Point;
  /** Price the home would charge, and the most the authority will pay (or a regional reference). */
  weeklyPrice?: number;
  maxWeeklyPrice?: number;
  /** When the vacancy was last confirmed, and now, for freshness. */
  confirmedAt?: Date;
  now?: Date;
}

const WEIGHTS = { needs: 0.4, distance: 0.25, ofsted: 0.2, price: 0.1, freshness: 0.05 } as const;
const OFSTED_POINTS: Record<OfstedRating, number> = {
  outstanding: 1,
  good: 0.8,
  'requires-improvement': 0.35,
  inadequate: 0,
  'not-yet-inspected': 0.5,
};
/** The same points by index of OFSTED_RATINGS, for the ranking loop. */
const OFSTED_POINTS_BY_INDEX = OFSTED_RATINGS.map((r) => OFSTED_POINTS[r]);
/** Prices are judged against this when the search sets no maximum (the region's typical weekly residential fee). */
export const REFERENCE_WEEKLY_PRICE = 6000;
/** Distance at which the distance part of the score reaches 0. */
const DISTANCE_ZERO_MILES = 60;
const DAY_MS = 86_400_000;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

// The parts of the score, each in [0, 1]. `fit` (one home, with reasons) and `rank` (many
// homes, numbers only) both use these, so a ranked list and its explanations always agree.
const distancePartOf = (miles: number) => Math.max(0, 1 - miles / DISTANCE_ZERO_MILES);
const pricePartOf = (price: number, maxWeeklyPrice: number | undefined) => {
  const reference = maxWeeklyPrice ?? REFERENCE_WEEKLY_PRICE;
  return Math.max(0, Math.min(1, 1 - (price - reference * 0.5) / reference));
};
const freshPartOf = (ageMs: number) => Math.max(0, Math.min(1, 1 - ageMs / DAY_MS / 7));
const combine = (needs: number, careAlongside: number, distance: number, ofsted: number, price: number, fresh: number) =>
  Math.max(
    0,
    Math.min(
      1,
      WEIGHTS.needs * needs * careAlongside + WEIGHTS.distance * distance + WEIGHTS.ofsted * ofsted + WEIGHTS.price * price + WEIGHTS.freshness * fresh,
    ),
  );

/**
 * The highest score `rank` can give a home measured at `miles` or further from the child (with
 * every other part at its best: all needs supported, care alongside as needed, outstanding, the
 * cheapest price, confirmed now); `undefined`: a home with no location, whose distance part is a
 * half. Never rises with distance. Exact, not approximate: each part of a real score is at most
 * the part used here and floating-point sums and products never fall when an operand rises, so
 * no score exceeds it (the geographic index, ./near.ts, stops reading on it).
 */
export function bestScoreBeyond(miles: number | undefined): number {
  return combine(1, 1, miles === undefined ? 0.5 : distancePartOf(miles), 1, 1, 1);
}

/**
 * How well a home that passes the hard rules fits the child, in [0, 1], with the reasons a
 * placement officer would give. Needs supported count most, then distance, Ofsted, price and
 * how recently the vacancy was confirmed.
 */
export function fit(child: Child, home: HomeFacts, opts: FitOptions = {}): Fit {
  const reasons: string[] = [];
  const supported = child.needs.filter((n) => home.supports.includes(n));
  const unaddressed = child.needs.filter((n) => !home.supports.includes(n));
  const needsPart = child.needs.length === 0 ? 1 : supported.length / child.needs.length;
  if (child.needs.length === 0) reasons.push('no specific needs to match');
  else {
    if (supported.length) reasons.push(`supports ${supported.length} of ${child.needs.length} needs: ${supported.join(', ')}`);
    if (unaddressed.length) reasons.push(`does not state support for: ${unaddressed.join(', ')}`);
  }

  let careAlongsidePart = 1;
  if (child.careAlongside && home.careAlongside && child.careAlongside !== home.careAlongside) {
    careAlongsidePart = 0.5;
    reasons.push(`child needs ${child.careAlongside} care, home offers ${home.careAlongside}`);
  } else if (child.careAlongside && home.careAlongside) reasons.push(`${home.careAlongside} care as the child needs`);

  let distanceMiles: number | null = null;
  let over20Miles: boolean | null = null;
  let distancePart = 0.5;
  if (opts.near) {
    const at = locateHome(home);
    if (at) {
      distanceMiles = milesBetween(opts.near, at.point);
      over20Miles = distanceMiles > 20;
      distancePart = distancePartOf(distanceMiles);
      reasons.push(
        `${distanceMiles} miles from home${over20Miles ? ' (over 20 miles)' : ''}` +
          (at.approximate ? `; home postcode withheld, measured from the centre of ${authorityName(home.authority!)}` : ''),
      );
    } else reasons.push('distance unknown: home has no location');
  }

  const ofstedPart = OFSTED_POINTS[home.ofstedRating];
  reasons.push(`Ofsted: ${home.ofstedRating}`);

  let pricePart = 0.5;
  if (opts.weeklyPrice !== undefined) {
    pricePart = pricePartOf(opts.weeklyPrice, opts.maxWeeklyPrice);
    reasons.push(`£${opts.weeklyPrice.toLocaleString('en-GB')} a week`);
  }

  let freshPart = 0.5;
  if (opts.confirmedAt) {
    const ageMs = (opts.now ?? new Date()).getTime() - opts.confirmedAt.getTime();
    freshPart = freshPartOf(ageMs);
    const days = ageMs / DAY_MS;
    reasons.push(days < 1 ? 'confirmed in the last day' : `confirmed ${Math.floor(days)} days ago`);
  }

  const score = combine(needsPart, careAlongsidePart, distancePart, ofstedPart, pricePart, freshPart);
  return { score: round3(score), reasons, distanceMiles, over20Miles };
}

// ---------------------------------------------------------------- ranking many homes

/**
 * Needs, sexes and care alongside as bits, so the hard rules over thousands of candidates are
 * integer tests rather than array searches.
 */
export const NEED_BITS: Readonly<Record<NeedCode, number>> = Object.fromEntries(
  NEEDS_CODES.map((n, i) => [n, 1 << i]),
) as Record<NeedCode, number>;
export const needsMask = (needs: readonly NeedCode[]): number => needs.reduce((m, n) => m | NEED_BITS[n], 0);
const SEX_BITS: Readonly<Record<Sex, number>> = { female: 1, male: 2 };
const sexMask = (sexes: readonly Sex[]): number => sexes.reduce((m, s) => m | SEX_BITS[s], 0);
const CARE_CODE: Readonly<Record<CareAlongside, number>> = { solo: 1, group: 2 };

function popcount(x: number): number {
  let n = x - ((x >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * One vacancy in a home, prepared for ranking: everything the hard rules, filters and score
 * need, as numbers. Build with `toCandidate`.
 */
export interface Candidate {
  /** Breaks ties in score, ascending (the vacancy id). */
  readonly key: string;
  readonly ageMin: number;
  readonly ageMax: number;
  readonly sexes: number;
  readonly supports: number;
  readonly excludes: number;
  /** 0 unstated, 1 solo, 2 group. */
  readonly careAlongside: number;
  /** Index in OFSTED_RATINGS. */
  readonly ofsted: number;
  /** British National Grid metres; NaN when the home has no location. */
  readonly x: number;
  readonly y: number;
  /** GBP a week; NaN when neither the vacancy nor the home states a price. */
  readonly weeklyPrice: number;
  /** `YYYY-MM-DD`. */
  readonly availableFrom: string;
  readonly confirmedAtMs: number;
}

export interface VacancyFacts {
  availableFrom: string;
  confirmedAt: Date | string;
  /** The vacancy's own price, over the home's. */
  weeklyPrice?: number;
}

export function toCandidate(key: string, home: HomeFacts & { weeklyPrice?: number }, vacancy: VacancyFacts): Candidate {
  const at = locateHome(home);
  const price = vacancy.weeklyPrice ?? home.weeklyPrice;
  return {
    key,
    ageMin: home.ageRange.min,
    ageMax: home.ageRange.max,
    sexes: sexMask(home.sexes),
    supports: needsMask(home.supports),
    excludes: needsMask(home.excludes),
    careAlongside: home.careAlongside ? CARE_CODE[home.careAlongside] : 0,
    ofsted: OFSTED_RATINGS.indexOf(home.ofstedRating),
    x: at ? at.point[0] : Number.NaN,
    y: at ? at.point[1] : Number.NaN,
    weeklyPrice: price ?? Number.NaN,
    availableFrom: vacancy.availableFrom,
    confirmedAtMs: new Date(vacancy.confirmedAt).getTime(),
  };
}

/** What a search asks for: the child, and the filters every result must meet. */
export interface RankQuery {
  child: Child;
  near?: Point;
  /** Only with `near`: homes further away, or with no location, are left out. */
  maxMiles?: number;
  /** `YYYY-MM-DD`: the vacancy must be available on or before this day. */
  availableBy?: string;
  /** Inclusive; a vacancy without a price cannot be shown to meet it and is left out. */
  maxWeeklyPrice?: number;
  minOfstedRating?: OfstedRating;
  /** Epoch ms that freshness is measured from (fixed across the pages of one search). */
  now: number;
}

/** Where the previous page ended, in ranking order (score descending, then key ascending). */
export interface RankAfter {
  score: number;
  key: string;
}

export interface RankedEntry {
  /** Index into the candidates array. */
  index: number;
  /** Unrounded score: the order key (the API shows it rounded to 3 places). */
  score: number;
}

export interface RankResult {
  page: RankedEntry[];
  /** Whether eligible candidates remain after this page. */
  more: boolean;
  /** How many candidates passed the hard rules and filters. */
  eligible: number;
}

/** True when entry a ranks before entry b. */
const before = (sa: number, ka: string, sb: number, kb: string) => sa > sb || (sa === sb && ka < kb);

/**
 * Ranks candidates for a child: drops every one that fails a hard rule (excluded need, age,
 * sex) or a filter (Ofsted minimum, price, distance, availability), scores the rest exactly as
 * `fit` would, and returns the `limit` best that come after `after`. One pass, a bounded heap
 * of `limit + 1` entries, no per-candidate allocation.
 */
export function rank(query: RankQuery, candidates: readonly Candidate[], opts: { limit: number; after?: RankAfter }): RankResult {
  const { child, near, maxMiles, availableBy, maxWeeklyPrice, now } = query;
  const need = needsMask(child.needs);
  const needCount = child.needs.length;
  const sex = SEX_BITS[child.sex];
  const care = child.careAlongside ? CARE_CODE[child.careAlongside] : 0;
  const minOfsted = query.minOfstedRating === undefined ? OFSTED_RATINGS.length : OFSTED_RATINGS.indexOf(query.minOfstedRating);
  const hasNear = near !== undefined;
  const nx = hasNear ? near[0] : 0;
  const ny = hasNear ? near[1] : 0;
  const hasMaxMiles = hasNear && maxMiles !== undefined;
  const hasPrice = maxWeeklyPrice !== undefined;
  const after = opts.after;
  const cap = opts.limit + 1;

  // a heap of the best `cap` so far, worst at the root
  const heapIdx = new Int32Array(cap);
  const heapScore = new Float64Array(cap);
  let size = 0;
  let eligible = 0;

  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    if ((c.excludes & need) !== 0) continue;
    if (child.age < c.ageMin || child.age > c.ageMax) continue;
    if ((c.sexes & sex) === 0) continue;
    if (c.ofsted > minOfsted) continue;
    if (availableBy !== undefined && c.availableFrom > availableBy) continue;
    const price = c.weeklyPrice;
    const priced = price === price; // not NaN
    if (hasPrice && (!priced || price > maxWeeklyPrice)) continue;

    let distancePart = 0.5;
    if (hasNear) {
      if (c.x === c.x) {
        const miles = milesBetweenXY(nx, ny, c.x, c.y);
        if (hasMaxMiles && miles > maxMiles) continue;
        distancePart = distancePartOf(miles);
      } else if (hasMaxMiles) continue;
    }
    eligible++;

    const needsPart = needCount === 0 ? 1 : popcount(c.supports & need) / needCount;
    const carePart = care !== 0 && c.careAlongside !== 0 && care !== c.careAlongside ? 0.5 : 1;
    const pricePart = priced ? pricePartOf(price, maxWeeklyPrice) : 0.5;
    const freshPart = freshPartOf(now - c.confirmedAtMs);
    const score = combine(needsPart, carePart, distancePart, OFSTED_POINTS_BY_INDEX[c.ofsted]!, pricePart, freshPart);

    if (after && !before(after.score, after.key, score, c.key)) continue;

    if (size < cap) {
      // sift up
      let j = size++;
      while (j > 0) {
        const p = (j - 1) >> 1;
        if (!before(heapScore[p]!, candidates[heapIdx[p]!]!.key, score, c.key)) break;
        heapIdx[j] = heapIdx[p]!;
        heapScore[j] = heapScore[p]!;
        j = p;
      }
      heapIdx[j] = i;
      heapScore[j] = score;
    } else if (before(score, c.key, heapScore[0]!, candidates[heapIdx[0]!]!.key)) {
      // replace the worst and sift down
      let j = 0;
      for (;;) {
        const l = 2 * j + 1;
        if (l >= size) break;
        const r = l + 1;
        let w = l;
        if (r < size && before(heapScore[l]!, candidates[heapIdx[l]!]!.key, heapScore[r]!, candidates[heapIdx[r]!]!.key)) w = r;
        if (!before(score, c.key, heapScore[w]!, candidates[heapIdx[w]!]!.key)) break;
        heapIdx[j] = heapIdx[w]!;
        heapScore[j] = heapScore[w]!;
        j = w;
      }
      heapIdx[j] = i;
      heapScore[j] = score;
    }
  }

  const entries: RankedEntry[] = [];
  for (let j = 0; j < size; j++) entries.push({ index: heapIdx[j]!, score: heapScore[j]! });
  entries.sort((a, b) => (before(a.score, candidates[a.index]!.key, b.score, candidates[b.index]!.key) ? -1 : 1));
  const more = entries.length > opts.limit;
  if (more) entries.length = opts.limit;
  return { page: entries, more, eligible };
}

/** The score as the API shows it: in [0, 1], three decimal places. */
export const displayScore = round3;
