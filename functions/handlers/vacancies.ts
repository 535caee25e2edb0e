import { lambda } from '../http/edge.ts';
import { idempotency } from '../store/idempotency.ts';
import { homesRoutes } from '../routes/homes.ts';
import * as vacancies from '../app/vacancies.ts';
import { etagOf, ifMatchOf } from '../http/conditional.ts';

/** Vacancies: post in an own home, reconfirm, withdraw/fill/change beds, read, list a home's (functions/app/vacancies.ts). */

const reply = ({ view, version }: { view: unknown; version: number }) => ({ body: view, headers: etagOf(version) });

export const handler = lambda(homesRoutes, {
  'POST /v1/homes/{urn}/vacancies': async (req) => {
    const v = await vacancies.postVacancy(req, req.params.urn, req.body);
    return { status: 201, body: v.view, headers: { ...etagOf(v.version), location: `/v1/vacancies/${v.view.id}` } };
  },
  'GET /v1/homes/{urn}/vacancies': async (req) => ({ body: await vacancies.vacanciesOf(req, req.params.urn, req.query) }),
  'GET /v1/vacancies/{id}': async (req) => reply(await vacancies.vacancy(req, req.params.id)),
  'POST /v1/vacancies/{id}/confirm': async (req) => reply(await vacancies.stillAvailable(req, req.params.id, ifMatchOf(req.headers))),
  'PATCH /v1/vacancies/{id}': async (req) => reply(await vacancies.changeVacancy(req, req.params.id, req.body, ifMatchOf(req.headers))),
}, { idempotency });
