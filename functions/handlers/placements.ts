import { lambda } from '../http/edge.ts';
import { placementsRoutes } from '../routes/placements.ts';
import { noticeReadRecord } from '../domain/audit.ts';
import { londonToday } from '../domain/calendar-days.ts';
import { decideNoticeDisclosure, HOST_NOTIFICATION_PURPOSE, REGIONAL_AGREEMENT_ID } from '../domain/disclosure.ts';
import { forbidden } from '../domain/errors.ts';
import {
  approvedPlacement, endedPlacement, episodeSourceOf, hostNoticeView, mayEnd, NOTICE_CHILD_FIELDS, noticeSentPlacement, placementView,
  providerPlacementView, type Placement,
} from '../domain/placement-record.ts';
import type { Principal } from '../domain/principal.ts';
import { episodeRows, episodesCsv, requireExportYear } from '../domain/ssda903.ts';
import { agreementInForce, loadAgreements } from '../store/agreements.ts';
import { writeAuditEntries } from '../store/audit.ts';
import { allPlacements, changePlacement, endPlacement, listDeliveredNotices, listPlacements, readPlacement } from '../store/placements.ts';

/**
 * Placements once they exist (CONTRACT.md "Offers and placements"): parse (edge) → domain/store →
 * reply. The transitions are pure (domain/placement-record.ts); the store writes them only if
 * nobody changed the placement meanwhile. A host's read of a delivered notice is a disclosure
 * under the regional agreement's `host-authority-notification`: decided, then audited, then shown.
 */

loadAgreements(); // fail at cold start on an invalid agreement, naming the file and field

const view = (who: Principal, p: Placement) => (who.kind === 'provider' ? providerPlacementView(p) : placementView(p));

export const handler = lambda(placementsRoutes, {
  'GET /v1/placements': async ({ principal, query }) => {
    const filter = { ...(query.status ? { status: query.status } : {}), noticeOverdue: query.noticeOverdue === 'true', today: londonToday() };
    const { items, nextCursor } = await listPlacements(principal, filter, query.limit, query.cursor);
    return { body: { items: items.map((p) => view(principal, p)), ...(nextCursor ? { nextCursor } : {}) } };
  },
  'GET /v1/placements/ssda903': async ({ principal, query }) => {
    const year = requireExportYear(query.year);
    const placements = await allPlacements(principal.id, { today: londonToday() });
    return {
      body: episodesCsv(episodeRows(placements.map(episodeSourceOf), year)),
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="ssda903-episodes-${principal.id}-${year}.csv"`, 'x-content-type-options': 'nosniff' },
    };
  },
  'GET /v1/placements/{id}': async ({ principal, params }) => ({ body: view(principal, await readPlacement(principal, params.id)) }),

  'POST /v1/placements/{id}/approval': async ({ principal, params, body, by, roles }) => {
    const now = new Date();
    return { body: placementView(await changePlacement(principal, params.id, (p) => approvedPlacement(p, body, by, now, roles))) };
  },
  'POST /v1/placements/{id}/notices/{noticeId}/sent': async ({ principal, params, body, by }) => {
    const now = new Date();
    return { body: placementView(await changePlacement(principal, params.id, (p) => noticeSentPlacement(p, params.noticeId, body.sentAt, by, now))) };
  },
  'POST /v1/placements/{id}/end': async ({ principal, params, body, requestId, by }) => {
    // a pool placement's allocation ends with it, in the same transaction (its bed free again)
    const ended = await endPlacement(principal, params.id, (p) => {
      if (!mayEnd(p, principal)) throw forbidden('The programme office ends only placements in pooled beds; the placing authority ends this one.');
      return endedPlacement(p, body, by);
    }, requestId);
    return { body: placementView(ended) };
  },

  'GET /v1/notices': async ({ principal, person, query, requestId }) => {
    const now = new Date();
    const page = await listDeliveredNotices(principal, query.limit, query.cursor);
    const agreement = agreementInForce(REGIONAL_AGREEMENT_ID);
    const reads = page.items.map((notice) => ({ notice, decision: decideNoticeDisclosure(agreement, REGIONAL_AGREEMENT_ID, principal, NOTICE_CHILD_FIELDS, notice.sentAt, now) }));
    const read = { agreementId: REGIONAL_AGREEMENT_ID, agreement, purpose: HOST_NOTIFICATION_PURPOSE, principal, person, requestId, now };
    await writeAuditEntries(reads.map((r) => noticeReadRecord({ ...read, ...r })));
    const items = reads.filter((r) => r.decision.allowed).map((r) => hostNoticeView(r.notice, r.decision.fields));
    return { body: { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  },
});
