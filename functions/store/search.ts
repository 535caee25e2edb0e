import { createHash } from 'node:crypto';
import { outcodeCentroid, requireKnownOutcode, type Point } from '../domain/geo.ts';
import { badRequest } from '../domain/errors.ts';
import { displayScore, fit, rank, toCandidate, type Candidate, type Child, type RankAfter } from '../domain/matching.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import { AUTHORITIES } from '../domain/reference/authorities.ts';
import type { CareAlongside, NeedCode, OfstedRating, PlacementType, Sex } from '../../schemas/codes.ts';
import { openCursor, sealCursor } from './cursor.ts';
import type { HomeSnapshot } from './homes.ts';
import { readOpenVacancies } from './vacancies.ts';
import type { SearchFacts } from './vacancy-record.ts';

/**
 * The federated vacancy search: reads every open, unexpired vacancy of the asked placement
 * types with a bounded number of Queries (one per type × shard, plus pages), keeps those the
 * caller may see, and ranks them with the one matching module. The page is explained with
 * reasons; the cursor carries where it ended and the clock the ranking used, sealed.
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

interface SearchCursor {
  /** Hash of the search (everything but limit and cursor). */
  h: string;
  /** The principal it was issued to. */
  p: string;
  /** The clock the ranking used (epoch ms), so every page ranks alike. */
  n: number;
  /** Where the last page ended. */
  s: number;
  k: string;
}

const CURSOR_PURPOSE = 'vacancy-search/v1';

function searchHash(q: SearchQuery): string {
  const canonical = JSON.stringify([
    q.child.age, q.child.sex, [...q.child.needs].sort(), q.child.careAlongside ?? null,
    q.placementTypes ? [...q.placementTypes].sort() : null, q.near?.outcode ?? null, q.maxMiles ?? null,
    q.availableBy ?? null, q.maxWeeklyPrice ?? null, q.minOfstedRating ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

/** In-house vacancies: the owning authority always sees them; others only when shared with the region. */
export function visibleInSearch(p: Principal, home: Pick<HomeSnapshot, 'owner' | 'shareWithRegion'>): boolean {
  if (!home.owner.startsWith('authority:')) return true;
  return home.owner === principalId(p) || home.shareWithRegion === true;
}

const authorityName = (slug: string) => AUTHORITIES.find((a) => a.id === slug)?.name ?? slug;

export interface SearchOutcome {
  items: SearchItem[];
  nextCursor?: string;
  /** For logs and the benchmark: how the answer was made. */
  stats: { queries: number; candidates: number; eligible: number };
}

export async function searchVacancies(p: Principal, q: SearchQuery, clock = new Date()): Promise<SearchOutcome> {
  let near: Point | undefined;
  if (q.near) {
    near = outcodeCentroid(q.near.outcode);
    if (!near) requireKnownOutcode(q.near.outcode, 'near.outcode');
  }
  if (q.maxMiles !== undefined && !near) {
    throw badRequest('maxMiles needs near: the distance is measured from the child\'s home outcode.', [{ path: 'maxMiles', message: 'needs near.outcode' }]);
  }

  const hash = searchHash(q);
  const caller = principalId(p);
  let after: RankAfter | undefined;
  let now = clock.getTime();
  if (q.cursor) {
    const c = openCursor<SearchCursor>(CURSOR_PURPOSE, q.cursor);
    if (!c || typeof c !== 'object' || c.h !== hash || c.p !== caller || typeof c.n !== 'number' || typeof c.s !== 'number' || typeof c.k !== 'string') {
      throw badRequest('This cursor belongs to a different search.', [{ path: 'cursor', message: 'cursor does not match this search' }]);
    }
    after = { score: c.s, key: c.k };
    now = c.n;
  }

  const read = await readOpenVacancies({ placementTypes: q.placementTypes, now: clock });
  const vacancies: SearchFacts[] = [];
  const candidates: Candidate[] = [];
  for (const v of read.items) {
    if (!visibleInSearch(p, v.home)) continue;
    vacancies.push(v);
    candidates.push(toCandidate(v.id, v.home, v));
  }

  const child: Child = { age: q.child.age, sex: q.child.sex, needs: q.child.needs, careAlongside: q.child.careAlongside };
  const ranked = rank(
    { child, near, maxMiles: q.maxMiles, availableBy: q.availableBy, maxWeeklyPrice: q.maxWeeklyPrice, minOfstedRating: q.minOfstedRating, now },
    candidates,
    { limit: q.limit, after },
  );

  const nowDate = new Date(now);
  const items = ranked.page.map(({ index, score }): SearchItem => {
    const v = vacancies[index]!;
    const home = v.home;
    const price = v.weeklyPrice ?? home.weeklyPrice;
    const f = fit(child, home, { near, weeklyPrice: price, maxWeeklyPrice: q.maxWeeklyPrice, confirmedAt: new Date(v.confirmedAt), now: nowDate });
    const outOfArea = p.kind === 'authority' ? home.authority !== p.id : null;
    const reasons = [...f.reasons];
    if (home.owner.startsWith('authority:')) {
      const slug = home.owner.slice('authority:'.length);
      reasons.push(home.owner === caller ? 'your own in-house home' : `${authorityName(slug)}'s in-house home, shared with the region`);
    }
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

  let nextCursor: string | undefined;
  if (ranked.more) {
    const last = ranked.page[ranked.page.length - 1]!;
    nextCursor = sealCursor(CURSOR_PURPOSE, { h: hash, p: caller, n: now, s: last.score, k: vacancies[last.index]!.id } satisfies SearchCursor);
  }
  return { items, nextCursor, stats: { queries: read.queries + 1, candidates: candidates.length, eligible: ranked.eligible } };
}
