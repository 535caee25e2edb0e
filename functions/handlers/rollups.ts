import { lambda } from '../http/edge.ts';
import { idempotency } from '../store/idempotency.ts';
import { rollupsRoutes } from '../routes/rollups.ts';
import { rollup } from '../app/rollups.ts';
import { mappingPage, putHubMapping } from '../store/provider-groups.ts';
import { runRollup } from '../store/rollups.ts';

/** Rollups of pooled spend, and the provider-group mapping they use. */
export const handler = lambda(rollupsRoutes, {
  'POST /v1/rollups': async (req) => {
    const run = await runRollup(req.body.period);
    return { status: 201, body: { period: run.period, generatedAt: run.generatedAt, objects: run.objects } };
  },

  'GET /v1/rollups/{period}': async (req) => ({ body: await rollup(req, req.params.period) }),

  'GET /v1/provider-groups': async (req) => ({ body: await mappingPage(req.principal, req.query) }),

  'PUT /v1/provider-groups/{group}': async (req) => {
    const saved = await putHubMapping({ group: req.params.group, aliases: req.body.aliases, companiesHouseNumbers: req.body.companiesHouseNumbers });
    return { body: { ...saved, source: 'hub' } };
  },
}, { idempotency });
