import * as z from 'zod/mini';
import { meta } from './meta.ts';
import { EVENT_SUBJECT_KINDS, EVENT_TYPES } from './codes.ts';
import { Cursor, IsoDateTime, MAX_PAGE } from './common.ts';

/** Events (CONTRACT.md "Events"; issue 15): the event a recipient sees — a feed item, and a webhook's body. */

export const EventType = z.enum(EVENT_TYPES);

export const HubEvent = meta(z.object({
    id: z.string().check(z.maxLength(40), z.regex(/^evt_[0-9a-z]+$/)),
    type: EventType,
    occurredAt: IsoDateTime,
    subject: meta(z.object({
      kind: z.enum(EVENT_SUBJECT_KINDS),
      id: z.string().check(z.maxLength(120), z.regex(/^[A-Za-z0-9_-]+$/)),
    }), { description: 'The record the event is about (read it through the API); never a child\'s data' }),
  }), { id: 'HubEvent', description: 'An event: what happened to which record, and when' });

export const EventList = meta(z.object({
    items: z.array(HubEvent).check(z.maxLength(MAX_PAGE)),
    nextCursor: meta(z.optional(Cursor), {
      description:
        'Where the next page starts. Every page that read anything carries one, the last page too: keep the last one you were given and poll with it for later events. A page without one read nothing new: poll again with the cursor you have.',
    }),
  }), { id: 'EventList' });
