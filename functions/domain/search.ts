import { createHash } from 'node:crypto';
import type { CareAlongside, NeedCode, OfstedRating, PlacementType, Sex } from '../../schemas/codes.ts';
import { badRequest } from './errors.ts';
import { outcodeCentroid, requireKnownOutcode, type Point } from './geo.ts';
import { inHouseAuthority, type HomeSnapshot } from './homes.ts';
import { displayScore, fit, rank, toCandidate, type Candidate, type Child, type RankAfter } from './matching.ts';
import { discRanges, nextNearRead, type NearRead, type StripRange } from './near.ts';
import { principalId, type Principal } from './principal.ts';
import { AUTHORITIES } from './reference/authorities.ts';
import { unheldBeds, type Holds } from './vacancy.ts';
import { canSeeHome } from './visibility.ts';

/**
 * The federated vacancy search, as a pure assembly: from the open vacancies the store read
 * (their packed search facts) to one ranked, explained page. Visibility is the one rule of
 * ./visibility.ts; hard rules, filters and score are ./matching.ts. Every page of one search
 * ranks with the same clock (`now`, carried in the cursor), so paging reaches the end with no
 * item twice or missed.
 */

export interface SearchQuery {
  child: { age: number; sex: Sex; needs: NeedCode[]; careAlongside?: CareAlongside };
  placementTypes?: PlacementType[];
  near?: { outcode: string };
  maxMiles?: number;
  availableBy?: string;
  maxWeeklyPrice?: number;
  minOfstedRating?: OfstedRating;
  limit: number;
  cursor?: string;
}

/** What the search reads of each open vacancy (the store packs it in one attribute). */
export interface SearchFacts {
  id: string;
  homeUrn: string;
  beds: number;
  availableFrom: string;
  weeklyPrice?: number;
  confirmedAt: string;
  home: HomeSnapshot;
  /** The beds open offers hold, by slot (read beside the packed facts): search shows `beds` less the live ones. */
  holds?: Holds;
}

export interface SearchItem {
  vacancyId: string;
  homeUrn: string;
  homeName: string;
  provider: { id: string; name: string; group: string };
  placementType: PlacementType;
  ofstedRating: OfstedRating;
  beds: number;
  availableFrom: string;
  weeklyPrice: number | null;
  distanceMiles: number | null;
  over20Miles: boolean | null;
  outOfArea: boolean | null;
  score: number;
  reasons: string[];
  confirmedAt: string;
}

/** Where a page ended and the clock its ranking used: what a search cursor carries (sealed by the store). */
export interface SearchPosition {
  /** Hash of the search (everything but limit and cursor): a cursor serves only its own search. */
  h: string;
  /** The clock the ranking used (epoch ms), so every page ranks alike. */
  n: number;
  /** Score and key of the last item shown. */
  s: number;
  k: string;
}

/** A stable hash of what the search asks (limit and cursor aside). */
export function searchHash(q: SearchQuery): string {
  const canonical = JSON.stringify([
    q.child.age, q.child.sex, [...q.child.needs].sort(), q.child.careAlongside ?? null,
    q.placementTypes ? [...q.placementTypes].sort() : null, q.near?.outcode ?? null, q.maxMiles ?? null,
    q.availableBy ?? null, q.maxWeeklyPrice ?? null, q.minOfstedRating ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

/** The point distances are measured from; 400 naming the field for an unknown outcode or a maxMiles without near. */
export function searchOrigin(q: Pick<SearchQuery, 'near' | 'maxMiles'>): Point | undefined {
  let near: Point | undefined;
  if (q.near) {
    near = outcodeCentroid(q.near.outcode);
    if (!near) requireKnownOutcode(q.near.outcode, 'near.outcode');
  }
  if (q.maxMiles !== undefined && !near) {
    throw badRequest('maxMiles needs near: the distance is measured from the child\'s home outcode.', [{ path: 'maxMiles', message: 'needs near.outcode' }]);
  }
  return near;
}

/** The position an opened cursor payload names, checked against this search; 400 naming `cursor` otherwise. */
export function positionOf(payload: unknown, q: SearchQuery): SearchPosition {
  const c = payload as Partial<SearchPosition> | null;
  if (!c || typeof c !== 'object' || c.h !== searchHash(q) || typeof c.n !== 'number' || typeof c.s !== 'number' || typeof c.k !== 'string') {
    throw badRequest('This cursor belongs to a different search.', [{ path: 'cursor', message: 'cursor does not match this search' }]);
  }
  return { h: c.h, n: c.n, s: c.s, k: c.k };
}

const authorityName = (slug: string) => AUTHORITIES.find((a) => a.id === slug)?.name ?? slug;

export interface SearchPage {
  items: SearchItem[];
  /** Where the next page starts, when there is one. */
  next?: SearchPosition;
  /** Vacancies the caller may see, and how many of those passed the hard rules and filters. */
  candidates: number;
  eligible: number;
}

/**
 * One page of the search over `vacancies` (every open, unexpired vacancy read): those the caller
 * may see, failing no hard rule or filter, ranked by score (descending, vacancy id breaking ties),
 * after `position` when paging on. `now` is the clock of a new search (a cursor's is used instead).
 */
export function searchPage(p: Principal, q: SearchQuery, vacancies: readonly SearchFacts[], opts: { now: number; position?: SearchPosition }): SearchPage {
  const near = searchOrigin(q);
  const now = opts.position?.n ?? opts.now;
  const visible: SearchFacts[] = [];
  const candidates: Candidate[] = [];
  const clock = new Date(now);
  for (const v of vacancies) {
    if (!canSeeHome(p, v.home, 'search')) continue;
    // beds less those live holds take; a vacancy every bed of which is held is not found
    const beds = unheldBeds(v, clock);
    if (beds === 0) continue;
    visible.push({ ...v, beds });
    candidates.push(toCandidate(v.id, v.home, v));
  }

  const child: Child = { age: q.child.age, sex: q.child.sex, needs: q.child.needs, careAlongside: q.child.careAlongside };
  const after: RankAfter | undefined = opts.position ? { score: opts.position.s, key: opts.position.k } : undefined;
  const ranked = rank(
    { child, near, maxMiles: q.maxMiles, availableBy: q.availableBy, maxWeeklyPrice: q.maxWeeklyPrice, minOfstedRating: q.minOfstedRating, now },
    candidates,
    { limit: q.limit, after },
  );

  const nowDate = new Date(now);
  const caller = principalId(p);
  const items = ranked.page.map(({ index, score }): SearchItem => {
    const v = visible[index]!;
    const home = v.home;
    const price = v.weeklyPrice ?? home.weeklyPrice;
    const f = fit(child, home, { near, weeklyPrice: price, maxWeeklyPrice: q.maxWeeklyPrice, confirmedAt: new Date(v.confirmedAt), now: nowDate });
    const outOfArea = p.kind === 'authority' ? home.authority !== p.id : null;
    const reasons = [...f.reasons];
    const inHouse = inHouseAuthority(home.owner);
    if (inHouse) reasons.push(home.owner === caller ? 'your own in-house home' : `${authorityName(inHouse)}'s in-house home, shared with the region`);
    if (outOfArea) reasons.push(home.authority ? `outside your area (in ${authorityName(home.authority)})` : 'outside the Eastern Region');
    reasons.push(`available from ${v.availableFrom}`);
    return {
      vacancyId: v.id,
      homeUrn: v.homeUrn,
      homeName: home.name,
      provider: home.provider ?? { id: home.owner, name: home.owner, group: home.owner },
      placementType: home.placementType,
      ofstedRating: home.ofstedRating,
      beds: v.beds,
      availableFrom: v.availableFrom,
      weeklyPrice: price ?? null,
      distanceMiles: f.distanceMiles,
      over20Miles: f.over20Miles,
      outOfArea,
      score: displayScore(score),
      reasons,
      confirmedAt: v.confirmedAt,
    };
  });

  const last = ranked.more ? ranked.page[ranked.page.length - 1] : undefined;
  return {
    items,
    ...(last ? { next: { h: searchHash(q), n: now, s: last.score, k: visible[last.index]!.id } } : {}),
    candidates: candidates.length,
    eligible: ranked.eligible,
  };
}

/** How a search near an outcode reads the index by place (the store answers; ./near.ts says what to ask). */
export interface NearReader {
  /** The open vacancies in these ranges of the index, and with `unlocated` those whose homes have no location. */
  near(ranges: readonly StripRange[], unlocated: boolean): Promise<readonly SearchFacts[]>;
  /** Every open vacancy (what a search without `near` reads). */
  all(): Promise<readonly SearchFacts[]>;
}

/**
 * The same page as `searchPage` over every open vacancy, for a search with `near`, reading only
 * what can change it: with `maxMiles` the disc of `maxMiles`; without, disc after wider disc
 * until no unread vacancy could rank before the page's last item (./near.ts `nextNearRead`).
 */
export async function searchNearPage(
  p: Principal, q: SearchQuery, origin: Point, reader: NearReader, opts: { now: number; position?: SearchPosition },
): Promise<SearchPage> {
  const facts: SearchFacts[] = [];
  const seen = new Set<string>(); // a vacancy whose home moved may show in two places while the index catches up
  let read: NearRead | undefined;
  let page: SearchPage | undefined;
  for (;;) {
    const next = nextNearRead(origin, q.maxMiles, read, page && { more: page.next !== undefined, lastScore: page.next?.s });
    if (next.kind === 'done') return page!;
    if (next.kind === 'all') return searchPage(p, q, await reader.all(), opts);
    for (const v of await reader.near(discRanges(origin, next.miles, read?.miles), next.unlocated && !read?.unlocated)) {
      if (!seen.has(v.id)) facts.push(v);
      seen.add(v.id);
    }
    read = { miles: next.miles, unlocated: next.unlocated };
    page = searchPage(p, q, facts, opts);
  }
}
