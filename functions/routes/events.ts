import { ListQuery } from '../../schemas/common.ts';
import { EventList } from '../../schemas/events.ts';
import type { HandlerDef, RouteDef } from './types.ts';

/** The events feed (issue 15, CONTRACT.md "Events"): this part of the route table (composed in functions/routes/index.ts) and its Lambda. */
export const eventsHandlers = {
  // reads the caller's events, and the referrals they are about (consent decides what is shown); the agreements are bundled files
  events: { grants: ['table:read'], assets: ['sharing-agreements'] },
} as const satisfies Record<string, HandlerDef>;

export const eventsRoutes = {
  'GET /v1/events': {
    handler: 'events',
    access: ['authority', 'provider', 'programme-office'],
    summary:
      "The caller's own events, oldest first, kept at least 30 days: each names its subject, never a child's data; an event about a referral the caller may no longer read is not shown. Every page that read anything carries nextCursor, the last one too: poll it for later events",
    query: ListQuery,
    response: EventList,
  },
} as const satisfies Record<string, RouteDef & { handler: keyof typeof eventsHandlers }>;
