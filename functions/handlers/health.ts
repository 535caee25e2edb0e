import { lambda } from '../http/edge.ts';
import { referenceRoutes } from '../routes/reference.ts';

export const handler = lambda(referenceRoutes, {
  'GET /v1/health': async () => ({ body: { status: 'ok' } }),
});
