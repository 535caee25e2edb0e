import { lambda } from '../http/edge.ts';
import { idempotency } from '../store/idempotency.ts';
import { homesRoutes } from '../routes/homes.ts';
import { viewOf, type VacancyItem } from '../domain/vacancy.ts';
import { confirmVacancy, createVacancy, listHomeVacancies, patchVacancy, readVacancy } from '../store/vacancies.ts';
import { etagOf, ifMatchOf } from '../http/conditional.ts';

/** Vacancies: post in an own home, reconfirm, withdraw/fill/change beds, read, list a home's. */

const etag = (v: VacancyItem) => etagOf(v.version);

export const handler = lambda(homesRoutes, {
  'POST /v1/homes/{urn}/vacancies': async (req) => {
    const v = await createVacancy(req.principal, req.params.urn, req.body);
    return { status: 201, body: viewOf(v), headers: { ...etag(v), location: `/v1/vacancies/${v.id}` } };
  },
  'GET /v1/homes/{urn}/vacancies': async (req) => {
    const { items, nextCursor } = await listHomeVacancies(req.principal, req.params.urn, req.query);
    const now = new Date();
    return { body: { items: items.map((v) => viewOf(v, now)), ...(nextCursor ? { nextCursor } : {}) } };
  },
  'GET /v1/vacancies/{id}': async (req) => {
    const v = await readVacancy(req.principal, req.params.id);
    return { body: viewOf(v), headers: etag(v) };
  },
  'POST /v1/vacancies/{id}/confirm': async (req) => {
    const v = await confirmVacancy(req.principal, req.params.id, { ifMatch: ifMatchOf(req.headers) });
    return { body: viewOf(v), headers: etag(v) };
  },
  'PATCH /v1/vacancies/{id}': async (req) => {
    const v = await patchVacancy(req.principal, req.params.id, req.body, { ifMatch: ifMatchOf(req.headers) });
    return { body: viewOf(v), headers: etag(v) };
  },
}, { idempotency });
