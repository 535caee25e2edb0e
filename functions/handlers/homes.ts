import { lambda } from '../http/edge.ts';
import { homesRoutes } from '../routes/homes.ts';
import * as homes from '../app/homes.ts';
import { etagOf, ifMatchOf } from '../http/conditional.ts';

/** Homes: `PUT /v1/homes/{urn}` (owner writes, versioned), `GET /v1/homes/{urn}`, `GET /v1/homes` (own): functions/app/homes.ts. */
export const handler = lambda(homesRoutes, {
  'PUT /v1/homes/{urn}': async (req) => {
    const { view, version, created } = await homes.saveHome(req, req.params.urn, req.body, ifMatchOf(req.headers));
    return { status: created ? 201 : 200, body: view, headers: etagOf(version) };
  },
  'GET /v1/homes/{urn}': async (req) => {
    const { view, version } = await homes.home(req, req.params.urn);
    return { body: view, headers: etagOf(version) };
  },
  'GET /v1/homes': async (req) => ({ body: await homes.ownHomes(req, req.query) }),
});
