import { lambda } from '../http/edge.ts';
import { homesRoutes } from '../routes/homes.ts';
import { search } from '../app/search.ts';

/** `POST /v1/vacancies/search`: one federated, ranked search of every vacancy the caller may see (functions/app/search.ts). */
export const handler = lambda(homesRoutes, {
  'POST /v1/vacancies/search': async (req) => {
    const { items, nextCursor, stats } = await search(req, req.body);
    req.log.info('vacancy search', stats);
    return { body: { items, ...(nextCursor ? { nextCursor } : {}) } };
  },
});
