import type { Principal } from '../domain/principal.ts';
import { searchVacancies, type SearchQuery } from '../store/search.ts';
import type { Caller } from './caller.ts';

/** POST /v1/vacancies/search: one federated, ranked search of every vacancy the caller may see (`stats` for the log). */
export const search = (c: Caller<Extract<Principal, { kind: 'authority' | 'programme-office' }>>, q: SearchQuery) => searchVacancies(c.principal, q);
