import { lambda } from '../http/edge.ts';
import { eventsRoutes } from '../routes/events.ts';
import { loadAgreements } from '../store/agreements.ts';
import { deliverableEvents } from '../store/event-access.ts';
import { eventsPage } from '../store/event-feed.ts';

/**
 * The events feed (CONTRACT.md "Events"): the caller's own events, oldest first (store/event-feed.ts),
 * less those about a referral it may no longer read (store/event-access.ts, the same decision
 * the audited read makes). An event discloses no child's data, so showing one is not audited.
 */

loadAgreements(); // fail at cold start on an invalid agreement

export const handler = lambda(eventsRoutes, {
  'GET /v1/events': async ({ principal, query }) => {
    const now = new Date();
    const page = await eventsPage(principal, query.limit, query.cursor, now);
    const items = await deliverableEvents(principal, page.items, now);
    return { body: { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  },
});
