import { principalId, type Principal } from '../domain/principal.ts';
import { positionOf, searchOrigin, searchPage, type SearchItem, type SearchPosition, type SearchQuery } from '../domain/search.ts';
import { openCursor, sealCursor } from './cursor.ts';
import { readOpenVacancies } from './vacancies.ts';

/**
 * The federated vacancy search: reads every open, unexpired vacancy of the asked placement
 * types with a bounded number of Queries (one per type × shard, plus pages) and hands them to the
 * pure assembly (domain/search.ts: visibility, hard rules, filters, ranking, reasons). The cursor
 * carries where the page ended and the clock the ranking used, sealed for this list and caller.
 */

export type { SearchItem, SearchQuery } from '../domain/search.ts';

export interface SearchOutcome {
  items: SearchItem[];
  nextCursor?: string;
  /** For logs and the benchmark: how the answer was made. */
  stats: { queries: number; candidates: number; eligible: number };
}

export async function searchVacancies(p: Principal, q: SearchQuery, clock = new Date()): Promise<SearchOutcome> {
  searchOrigin(q); // a bad outcode is a 400 before anything is read
  const purpose = `vacancy-search:${principalId(p)}`;
  const position = q.cursor === undefined ? undefined : positionOf(openCursor(purpose, q.cursor), q);
  const read = await readOpenVacancies({ placementTypes: q.placementTypes, now: clock });
  const page = searchPage(p, q, read.items, { now: clock.getTime(), position });
  return {
    items: page.items,
    ...(page.next ? { nextCursor: sealCursor(purpose, page.next satisfies SearchPosition) } : {}),
    stats: { queries: read.queries + 1, candidates: page.candidates, eligible: page.eligible },
  };
}
