import { placementEvents } from '../domain/events.ts';
import type { Placement } from '../domain/placement-record.ts';
import { eventRecord } from './events.ts';
import { newId } from './ids.ts';
import * as keys from './keys.ts';

/** The stored attribute holding the earliest `dueBy` of a placement's notices not yet sent. */
export const UNSENT_NOTICE_DUE = 'unsentNoticeDueBy';

/**
 * The items a new placement is stored as, for a transaction (an accepted offer, a pool
 * allocation): the placement under its authority (with its provider's and the region's index
 * entries), and one delivered-notice item per notice the hub delivered to a host of the 11 —
 * what the host reads at GET /v1/notices (the child's age, sex and needs, never childRef) —
 * and the events a new placement makes (placement.created to the home's owner, notice.delivered
 * to each host: domain/events.ts placementEvents), dated `eventsAt`. The one builder: every
 * writer of a placement uses it, so no placement is written without its events. The placement
 * record is always first (a change to an existing placement writes that one alone).
 */
export function placementRecords(p: Placement, eventsAt = new Date()): Record<string, unknown>[] {
  const unsent = p.notices.filter((n) => n.sentAt === undefined).map((n) => n.dueBy).sort();
  const record = {
    ...keys.placement(p.authority, p.id),
    ...keys.placementByHomeOwner(p.homeOwner, p.startDate, p.id),
    ...keys.placementOfRegion(p.createdAt, p.id),
    type: 'placement',
    ...p,
    // the earliest due date of a notice not yet sent (absent when none): what ?noticeOverdue=true filters on
    ...(unsent.length ? { [UNSENT_NOTICE_DUE]: unsent[0] } : {}),
  };
  const delivered = p.notices.flatMap((n) =>
    n.deliveredTo && n.sentAt
      ? [{
        ...keys.deliveredNotice(n.deliveredTo, n.sentAt, n.id),
        type: 'notice',
        id: n.id,
        regulation: n.regulation,
        from: p.authority,
        placementId: p.id,
        ...(p.referralId !== undefined ? { referralId: p.referralId } : {}),
        homeUrn: p.homeUrn,
        homeName: p.homeName,
        startDate: p.startDate,
        child: p.child,
        sentAt: n.sentAt,
      }]
      : [],
  );
  return [record, ...delivered, ...placementEvents(p, eventsAt, () => newId()).map(eventRecord)];
}
