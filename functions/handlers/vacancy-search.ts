import { lambda } from '../http/edge.ts';
import { homesRoutes } from '../routes/homes.ts';
import { searchVacancies } from '../store/search.ts';

/** `POST /v1/vacancies/search`: one federated, ranked search of every vacancy the caller may see. */
export const handler = lambda(homesRoutes, {
  'POST /v1/vacancies/search': async (req) => {
    const { items, nextCursor, stats } = await searchVacancies(req.principal, req.body);
    req.log.info('vacancy search', stats);
    return { body: { items, ...(nextCursor ? { nextCursor } : {}) } };
  },
});
