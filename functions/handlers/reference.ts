import { lambda } from '../http/edge.ts';
import { referenceRoutes } from '../../infra/routes/reference.ts';
import { AUTHORITIES } from '../domain/reference/authorities.ts';
import { loadAgreements } from '../store/agreements.ts';

export const handler = lambda(referenceRoutes, {
  'GET /v1/authorities': async () => ({
    body: { items: AUTHORITIES.map(({ id, name, onsCode, dfeCode }) => ({ id, name, onsCode, dfeCode })) },
  }),
  'GET /v1/sharing-agreements': async () => ({
    body: {
      items: loadAgreements().map((a) => ({
        id: a.id,
        version: a.version,
        title: a.title,
        status: a.status,
        parties: a.parties.map(({ principal, name, role }) => ({ principal, name, role })),
        purposes: a.purposes.map(({ id, description }) => ({ id, description })),
        validFrom: a.validFrom,
        ...(a.validTo ? { validTo: a.validTo } : {}),
      })),
    },
  }),
});
