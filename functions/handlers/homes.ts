import { lambda } from '../http/edge.ts';
import { homesRoutes } from '../routes/homes.ts';
import { badRequest } from '../domain/errors.ts';
import { requireKnownOutcode } from '../domain/geo.ts';
import { homeView, type HomeItem } from '../domain/homes.ts';
import { listOwnHomes, putHome, readHome } from '../store/homes.ts';
import { etagOf, ifMatchOf } from '../http/conditional.ts';

/** Homes: `PUT /v1/homes/{urn}` (owner writes, versioned), `GET /v1/homes/{urn}`, `GET /v1/homes` (own). */

const etag = (h: HomeItem) => etagOf(h.version);

export const handler = lambda(homesRoutes, {
  'PUT /v1/homes/{urn}': async (req) => {
    const body = req.body;
    requireKnownOutcode(body.outcode, 'outcode');
    if (body.shareWithRegion !== undefined && req.principal.kind !== 'authority') {
      throw badRequest('shareWithRegion applies only to an authority\'s in-house homes.', [{ path: 'shareWithRegion', message: 'only for in-house homes' }]);
    }
    const { home, created } = await putHome(req.principal, req.params.urn, body, { ifMatch: ifMatchOf(req.headers) });
    return { status: created ? 201 : 200, body: homeView(home, req.principal), headers: etag(home) };
  },
  'GET /v1/homes/{urn}': async (req) => {
    const home = await readHome(req.principal, req.params.urn);
    return { body: homeView(home, req.principal), headers: etag(home) };
  },
  'GET /v1/homes': async (req) => {
    const { items, nextCursor } = await listOwnHomes(req.principal, req.query);
    return { body: { items: items.map((h) => homeView(h, req.principal)), ...(nextCursor ? { nextCursor } : {}) } };
  },
});
