import { lambda } from '../http/edge.ts';
import { placementsRoutes } from '../routes/placements.ts';
import * as placements from '../app/placements.ts';
import { episodesExport } from '../app/placements-export.ts';
import { loadAgreements } from '../store/agreements.ts';

/**
 * Placements once they exist (CONTRACT.md "Offers and placements"): parse (edge) →
 * functions/app/placements.ts (the transitions, and a host's audited read of its notices) → reply.
 */

loadAgreements(); // fail at cold start on an invalid agreement, naming the file and field

export const handler = lambda(placementsRoutes, {
  'GET /v1/placements': async ({ query, ...c }) => {
    const filter = { ...(query.status ? { status: query.status } : {}), noticeOverdue: query.noticeOverdue === 'true' };
    return { body: await placements.placements(c, filter, query.limit, query.cursor) };
  },
  'GET /v1/placements/ssda903': async (req) => {
    const { csv, filename } = await episodesExport(req, req.query.year);
    return { body: csv, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"`, 'x-content-type-options': 'nosniff' } };
  },
  'GET /v1/placements/{id}': async (req) => ({ body: await placements.placement(req, req.params.id) }),
  'POST /v1/placements/{id}/approval': async (req) => ({ body: await placements.approve(req, req.params.id, req.body) }),
  'POST /v1/placements/{id}/notices/{noticeId}/sent': async (req) => ({ body: await placements.noticeSent(req, req.params.id, req.params.noticeId, req.body) }),
  'POST /v1/placements/{id}/end': async (req) => ({ body: await placements.end(req, req.params.id, req.body) }),
  'GET /v1/notices': async (req) => ({ body: await placements.noticesReceived(req, req.query.limit, req.query.cursor) }),
});
