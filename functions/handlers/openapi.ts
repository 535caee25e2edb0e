import { lambda } from '../http/edge.ts';
import { referenceRoutes } from '../routes/reference.ts';
import { openApiDocument } from '../http/openapi.ts';

let document: string | undefined;

export const handler = lambda(referenceRoutes, {
  'GET /openapi.json': async () => {
    document ??= JSON.stringify(openApiDocument());
    return { body: document, headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' } };
  },
});
