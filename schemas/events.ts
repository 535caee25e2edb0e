import * as z from 'zod';
import { EVENT_SUBJECT_KINDS, EVENT_TYPES } from './codes.ts';
import { Cursor, IsoDateTime, MAX_PAGE } from './common.ts';

/** Events (CONTRACT.md "Events"; issue 15): the event a recipient sees — a feed item, and a webhook's body. */

export const EventType = z.enum(EVENT_TYPES);

export const HubEvent = z
  .object({
    id: z.string().max(40).regex(/^evt_[0-9a-z]+$/),
    type: EventType,
    occurredAt: IsoDateTime,
    subject: z.object({
      kind: z.enum(EVENT_SUBJECT_KINDS),
      id: z.string().max(120).regex(/^[A-Za-z0-9_-]+$/),
    }).meta({ description: 'The record the event is about (read it through the API); never a child\'s data' }),
  })
  .meta({ id: 'HubEvent', description: 'An event: what happened to which record, and when' });

export const EventList = z
  .object({
    items: z.array(HubEvent).max(MAX_PAGE),
    nextCursor: Cursor.optional().meta({
      description:
        'Where the next page starts. Every page that read anything carries one, the last page too: keep the last one you were given and poll with it for later events. A page without one read nothing new: poll again with the cursor you have.',
    }),
  })
  .meta({ id: 'EventList' });
