import { lambda } from '../http/edge.ts';
import { pageInMemory } from '../store/cursor.ts';
import { referenceRoutes } from '../routes/reference.ts';
import { AUTHORITIES } from '../domain/reference/authorities.ts';
import { loadAgreements } from '../store/agreements.ts';

/** Both lists are small and fixed at deploy time: paged in memory with sealed offset cursors. */
export const handler = lambda(referenceRoutes, {
  'GET /v1/authorities': async ({ query }) => ({
    body: pageInMemory('authorities', AUTHORITIES.map(({ id, name, onsCode, dfeCode }) => ({ id, name, onsCode, dfeCode })), query.limit, query.cursor),
  }),
  'GET /v1/sharing-agreements': async ({ query }) => ({
    body: pageInMemory(
      'sharing-agreements',
      loadAgreements().map((a) => ({
        id: a.id,
        version: a.version,
        title: a.title,
        status: a.status,
        parties: a.parties.map(({ principal, name, role }) => ({ principal, name, role })),
        purposes: a.purposes.map(({ id, description }) => ({ id, description })),
        validFrom: a.validFrom,
        ...(a.validTo ? { validTo: a.validTo } : {}),
      })),
      query.limit,
      query.cursor,
    ),
  }),
});
