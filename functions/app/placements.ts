import type { z } from 'zod/mini';
import { noticeReadRecord } from '../domain/audit.ts';
import { londonToday } from '../domain/calendar-days.ts';
import { decideNoticeDisclosure, HOST_NOTIFICATION_PURPOSE, REGIONAL_AGREEMENT_ID } from '../domain/disclosure.ts';
import { forbidden } from '../domain/errors.ts';
import {
  approvedPlacement, endedPlacement, hostNoticeView, mayEnd, NOTICE_CHILD_FIELDS, noticeSentPlacement, placementView,
  providerPlacementView, type Placement,
} from '../domain/placement-record.ts';
import type { Principal } from '../domain/principal.ts';
import { agreementInForce } from '../store/agreements.ts';
import { writeAuditEntries } from '../store/audit.ts';
import { changePlacement, endPlacement, listDeliveredNotices, listPlacements, readPlacement, type PlacementFilter } from '../store/placements.ts';
import type { ApprovalBody, EndBody, NoticeSentBody } from '../../schemas/placements.ts';
import { pageOf, type AuthorityCaller, type Caller } from './caller.ts';

/**
 * Placements once they exist (CONTRACT.md "Offers and placements"), as the API and the console
 * both do them. The transitions are pure (domain/placement-record.ts); the store writes them only
 * if nobody changed the placement meanwhile. A host's read of a delivered notice is a disclosure
 * under the regional agreement's `host-authority-notification`: decided, then audited, then shown.
 */

type ViewOf<P extends Principal> = P extends { kind: 'provider' } ? ReturnType<typeof providerPlacementView> : ReturnType<typeof placementView>;
/** A provider sees the placements in its homes without the placing authority's case details. */
const view = <P extends Principal>(who: P, p: Placement) => (who.kind === 'provider' ? providerPlacementView(p) : placementView(p)) as ViewOf<P>;

/** GET /v1/placements: the caller's (an authority's own, a provider's in its homes, the region's). */
export async function placements<P extends Principal>(c: Caller<P>, filter: Omit<PlacementFilter, 'today'>, limit: number, cursor: string | undefined) {
  return pageOf(await listPlacements(c.principal, { ...filter, today: londonToday() }, limit, cursor), (p) => view(c.principal, p));
}

/** GET /v1/placements/{id}. */
export const placement = async <P extends Principal>(c: Caller<P>, id: string) => view(c.principal, await readPlacement(c.principal, id));

/**
 * POST /v1/placements/{id}/approval: a signed-in person approves only in a role they hold
 * (CONTRACT "Organisations and people": 403 otherwise), and is recorded as who approved.
 */
export async function approve(c: AuthorityCaller, id: string, body: z.output<typeof ApprovalBody>) {
  const now = new Date();
  return placementView(await changePlacement(c.principal, id, (p) => approvedPlacement(p, body, c.by, now, c.roles)));
}

/** POST /v1/placements/{id}/notices/{noticeId}/sent: a host outside the 11 was sent its reg 13(4) notice. */
export async function noticeSent(c: AuthorityCaller, id: string, noticeId: string, body: z.output<typeof NoticeSentBody>) {
  const now = new Date();
  return placementView(await changePlacement(c.principal, id, (p) => noticeSentPlacement(p, noticeId, body.sentAt, c.by, now)));
}

/** POST /v1/placements/{id}/end: a pool placement's allocation ends with it, in the same transaction (its bed free again). */
export async function end(c: Caller<Extract<Principal, { kind: 'authority' | 'programme-office' }>>, id: string, body: z.output<typeof EndBody>) {
  const ended = await endPlacement(c.principal, id, (p) => {
    if (!mayEnd(p, c.principal)) throw forbidden('The programme office ends only placements in pooled beds; the placing authority ends this one.');
    return endedPlacement(p, body, c.by);
  }, c.requestId);
  return placementView(ended);
}

/** GET /v1/notices: the reg 13(4) notices this authority received as a host — each read decided, audited, then shown. */
export async function noticesReceived(c: AuthorityCaller, limit: number, cursor: string | undefined) {
  const now = new Date();
  const page = await listDeliveredNotices(c.principal, limit, cursor);
  const agreement = agreementInForce(REGIONAL_AGREEMENT_ID);
  const reads = page.items.map((notice) => ({ notice, decision: decideNoticeDisclosure(agreement, REGIONAL_AGREEMENT_ID, c.principal, NOTICE_CHILD_FIELDS, notice.sentAt, now) }));
  const read = { agreementId: REGIONAL_AGREEMENT_ID, agreement, purpose: HOST_NOTIFICATION_PURPOSE, principal: c.principal, person: c.person, requestId: c.requestId, now };
  await writeAuditEntries(reads.map((r) => noticeReadRecord({ ...read, ...r })));
  const items = reads.filter((r) => r.decision.allowed).map((r) => hostNoticeView(r.notice, r.decision.fields));
  return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
