import { lambda } from '../http/edge.ts';
import { idempotency } from '../store/idempotency.ts';
import { spendRoutes } from '../routes/spend.ts';
import { pageInMemory } from '../store/cursor.ts';
import { conflict, notFound } from '../domain/errors.ts';
import { rollupFor } from '../domain/rollup.ts';
import { loadMapping, MappingConflict, putHubMapping } from '../store/provider-groups.ts';
import { readRollup, runRollup } from '../store/rollups.ts';

/** Rollups of pooled spend, and the provider-group mapping they use. */

const MAPPING_CURSOR = 'provider-groups';

export const handler = lambda(spendRoutes, {
  'POST /v1/rollups': async (req) => {
    const run = await runRollup(req.body.period);
    return { status: 201, body: { period: run.period, generatedAt: run.generatedAt, objects: run.objects } };
  },

  'GET /v1/rollups/{period}': async (req) => {
    const found = await readRollup(req.params.period);
    if (!found) throw notFound(`${req.params.period} has not been rolled up.`);
    const own = req.principal.kind === 'authority' ? req.principal.id : undefined;
    return { body: rollupFor(found.rollup, found.authorityPlacements, own) };
  },

  'GET /v1/provider-groups': async (req) => {
    const { entries } = await loadMapping();
    const page = pageInMemory(MAPPING_CURSOR, entries, req.query.limit, req.query.cursor);
    const items = page.items.map((e) => ({
      group: e.group,
      aliases: e.aliases,
      companiesHouseNumbers: e.companiesHouseNumbers,
      source: e.source,
      ...(e.updatedAt ? { updatedAt: e.updatedAt } : {}),
    }));
    return { body: { ...page, items } };
  },

  'PUT /v1/provider-groups/{group}': async (req) => {
    try {
      const saved = await putHubMapping({ group: req.params.group, aliases: req.body.aliases, companiesHouseNumbers: req.body.companiesHouseNumbers });
      return { body: { ...saved, source: 'hub' } };
    } catch (e) {
      if (e instanceof MappingConflict) throw conflict(e.message);
      throw e;
    }
  },
}, { idempotency });
