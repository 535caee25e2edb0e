import type { Caller } from '../app/caller.ts';
import { search as searchVacancies } from '../app/search.ts';
import type { Principal } from '../domain/principal.ts';
import type { SearchQuery } from '../domain/search.ts';
import { homesRoutes } from '../routes/homes.ts';
import { as, type Who } from './hub.ts';

/**
 * The officer's search (./hub.ts for the rest of the officer's operations), apart so that only the
 * console's search Lambda carries it: the API route's access and person rule, then the
 * application operation its handler calls. Never an HTTP call to the hub.
 */

/** POST /v1/vacancies/search. */
export const search = (who: Who, q: SearchQuery) =>
  (as(who, homesRoutes['POST /v1/vacancies/search']), searchVacancies(who as Who & Caller<Extract<Principal, { kind: 'authority' | 'programme-office' }>>, q));
