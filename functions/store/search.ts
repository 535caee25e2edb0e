import { principalId, type Principal } from '../domain/principal.ts';
import {
  positionOf, searchNearPage, searchOrigin, searchPage, type SearchItem, type SearchPosition, type SearchQuery,
} from '../domain/search.ts';
import { openCursor, sealCursor } from './cursor.ts';
import { vacancyRegistry } from './homes.ts';
import type { QueryCounts } from './query.ts';
import { readOpenVacancies, readOpenVacanciesNear, typesAsked } from './vacancies.ts';

/**
 * The federated vacancy search. Without `near` it reads every open, unexpired vacancy of the
 * asked placement types (one Query per type × shard, plus pages); with `near` it reads only the
 * parts of the index by place that can change the page (domain/near.ts), once that index holds
 * every open vacancy (the registry says so). Either way the pure assembly (domain/search.ts:
 * visibility, hard rules, filters, ranking, reasons) makes the same page. The cursor carries
 * where the page ended and the clock the ranking used, sealed for this list and caller.
 */

export type { SearchItem, SearchQuery } from '../domain/search.ts';

export interface SearchOutcome {
  items: SearchItem[];
  nextCursor?: string;
  /** For logs and the benchmark: how the answer was made (requests include the registry read; `read`: items DynamoDB read). */
  stats: { queries: number; read: number; candidates: number; eligible: number };
}

export async function searchVacancies(p: Principal, q: SearchQuery, clock = new Date()): Promise<SearchOutcome> {
  const origin = searchOrigin(q); // a bad outcode is a 400 before anything is read
  const purpose = `vacancy-search:${principalId(p)}`;
  const position = q.cursor === undefined ? undefined : positionOf(openCursor(purpose, q.cursor), q);
  const registry = await vacancyRegistry();
  const counts: QueryCounts = { queries: 0, read: 0 };
  const all = async () => (await readOpenVacancies({ placementTypes: q.placementTypes, now: clock, inUse: registry.types, counts })).items;
  const opts = { now: clock.getTime(), position };
  const page = origin && registry.byPlace
    ? await searchNearPage(p, q, origin, { near: (ranges, unlocated) => readOpenVacanciesNear(typesAsked(registry.types, q.placementTypes), ranges, unlocated, clock, counts), all }, opts)
    : searchPage(p, q, await all(), opts);
  return {
    items: page.items,
    ...(page.next ? { nextCursor: sealCursor(purpose, page.next satisfies SearchPosition) } : {}),
    stats: { queries: counts.queries + 1, read: counts.read, candidates: page.candidates, eligible: page.eligible },
  };
}
