import type { z } from 'zod/mini';
import type { Principal } from '../domain/principal.ts';
import { viewOf, type VacancyItem } from '../domain/vacancy.ts';
import { confirmVacancy, createVacancy, listHomeVacancies, patchVacancy, readVacancy } from '../store/vacancies.ts';
import type { VacancyInput, VacancyPatch } from '../../schemas/homes.ts';
import { pageOf, type Caller } from './caller.ts';

/**
 * Vacancies (CONTRACT.md), as the API and the console both do them: post in an own home,
 * reconfirm ("still available"), withdraw/fill/change beds, read, list a home's. Each answer
 * carries the vacancy's `version`, the API's ETag; `ifMatch` is the version the caller saw.
 */

type Owner = Caller<Extract<Principal, { kind: 'provider' | 'authority' }>>;
const versioned = (v: VacancyItem) => ({ view: viewOf(v), version: v.version });

/** POST /v1/homes/{urn}/vacancies. */
export const postVacancy = async (c: Owner, urn: string, body: z.output<typeof VacancyInput>) => versioned(await createVacancy(c.principal, urn, body));

/** GET /v1/homes/{urn}/vacancies. */
export async function vacanciesOf(c: Caller, urn: string, query: { limit: number; cursor?: string | undefined }) {
  const page = await listHomeVacancies(c.principal, urn, query);
  const now = new Date();
  return pageOf(page, (v) => viewOf(v, now));
}

/** GET /v1/vacancies/{id}. */
export const vacancy = async (c: Caller, id: string) => versioned(await readVacancy(c.principal, id));

/** POST /v1/vacancies/{id}/confirm: "still available". */
export const stillAvailable = async (c: Owner, id: string, ifMatch?: number | '*') => versioned(await confirmVacancy(c.principal, id, { ifMatch }));

/** PATCH /v1/vacancies/{id}: withdraw, filled, or change beds. */
export const changeVacancy = async (c: Owner, id: string, body: z.output<typeof VacancyPatch>, ifMatch?: number | '*') =>
  versioned(await patchVacancy(c.principal, id, body, { ifMatch }));
