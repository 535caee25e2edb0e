import { lambda } from '../http/edge.ts';
import { homesRoutes } from '../routes/homes.ts';
import { openCursor, sealCursor } from '../store/cursor.ts';
import { badRequest } from '../domain/errors.ts';
import { principalId } from '../domain/principal.ts';
import { requireKnownOutcode } from '../domain/geo.ts';
import { listOwnHomes, putHome, readHome, type HomeItem } from '../store/homes.ts';
import { etagOf, ifMatchOf } from '../http/conditional.ts';

/** Homes: `PUT /v1/homes/{urn}` (owner writes, versioned), `GET /v1/homes/{urn}`, `GET /v1/homes` (own). */

function homeView(h: HomeItem) {
  return {
    urn: h.urn,
    name: h.name,
    owner: h.owner,
    ...(h.provider ? { provider: h.provider } : {}),
    placementType: h.placementType,
    ...(h.outcode ? { outcode: h.outcode } : {}),
    ...(h.authority ? { authority: h.authority } : {}),
    registeredPlaces: h.registeredPlaces,
    ofstedRating: h.ofstedRating,
    ageRange: h.ageRange,
    sexes: h.sexes,
    supports: h.supports,
    excludes: h.excludes,
    ...(h.careAlongside ? { careAlongside: h.careAlongside } : {}),
    ...(h.weeklyPrice !== undefined ? { weeklyPrice: h.weeklyPrice } : {}),
    ...(h.owner.startsWith('authority:') ? { shareWithRegion: h.shareWithRegion === true } : {}),
    version: h.version,
    updatedAt: h.updatedAt,
  };
}

const etag = (h: HomeItem) => etagOf(h.version);

export const handler = lambda(homesRoutes, {
  'PUT /v1/homes/{urn}': async (req) => {
    const body = req.body;
    requireKnownOutcode(body.outcode, 'outcode');
    if (body.shareWithRegion !== undefined && req.principal.kind !== 'authority') {
      throw badRequest('shareWithRegion applies only to an authority\'s in-house homes.', [{ path: 'shareWithRegion', message: 'only for in-house homes' }]);
    }
    const { home, created } = await putHome(req.principal, req.params.urn, body, { ifMatch: ifMatchOf(req.headers) });
    return { status: created ? 201 : 200, body: homeView(home), headers: etag(home) };
  },
  'GET /v1/homes/{urn}': async (req) => {
    const home = await readHome(req.principal, req.params.urn);
    return { body: homeView(home), headers: etag(home) };
  },
  'GET /v1/homes': async (req) => {
    const purpose = `homes/v1/${principalId(req.principal)}`;
    const startKey = req.query.cursor ? openCursor<Record<string, unknown>>(purpose, req.query.cursor) : undefined;
    const { items, lastKey } = await listOwnHomes(req.principal, { limit: req.query.limit, startKey });
    return { body: { items: items.map(homeView), ...(lastKey ? { nextCursor: sealCursor(purpose, lastKey) } : {}) } };
  },
});
