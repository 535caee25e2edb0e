import type { z } from 'zod/mini';
import { badRequest } from '../domain/errors.ts';
import { requireKnownOutcode } from '../domain/geo.ts';
import { homeView } from '../domain/homes.ts';
import type { Principal } from '../domain/principal.ts';
import { listOwnHomes, putHome, readHome } from '../store/homes.ts';
import type { HomeInput } from '../../schemas/homes.ts';
import { pageOf, type Caller } from './caller.ts';

/**
 * Homes (CONTRACT.md), as the API and the console both do them: an owner writes its home
 * (versioned: `ifMatch` the version the caller saw, 412 when stale), anyone who may see it reads it.
 * Each answer carries the home's `version`, the API's ETag.
 */

type Owner = Caller<Extract<Principal, { kind: 'provider' | 'authority' }>>;

/** PUT /v1/homes/{urn}: create or update an own home; `created` when it is new. */
export async function saveHome(c: Owner, urn: string, body: z.output<typeof HomeInput>, ifMatch?: number | '*') {
  requireKnownOutcode(body.outcode, 'outcode');
  if (body.shareWithRegion !== undefined && c.principal.kind !== 'authority') {
    throw badRequest('shareWithRegion applies only to an authority\'s in-house homes.', [{ path: 'shareWithRegion', message: 'only for in-house homes' }]);
  }
  const { home, created } = await putHome(c.principal, urn, body, { ifMatch });
  return { view: homeView(home, c.principal), version: home.version, created };
}

/** GET /v1/homes/{urn}. */
export async function home(c: Caller, urn: string) {
  const h = await readHome(c.principal, urn);
  return { view: homeView(h, c.principal), version: h.version };
}

/** GET /v1/homes: the caller's own. */
export async function ownHomes(c: Owner, query: { limit: number; cursor?: string | undefined }) {
  return pageOf(await listOwnHomes(c.principal, query), (h) => homeView(h, c.principal));
}
