import * as z from 'zod';
import { EVENT_TYPES } from './codes.ts';
import { IsoDateTime, listOf } from './common.ts';

/** Webhooks (CONTRACT.md "Events"; issue 15): registration, list, delete and the delivery log. */

export const WebhookId = z
  .string()
  .max(40)
  .regex(/^wh_[0-9a-z]{9,30}$/, 'a webhook id (wh_…)')
  .meta({ examples: ['wh_0mbx2k1q0a1b2c3d4e5f6'] });
export const WebhookParams = z.strictObject({ id: WebhookId });

const EventType = z.enum(EVENT_TYPES);
const Url = z.string().max(2048).meta({ description: 'https, public addresses only' });

export const WebhookInput = z
  .strictObject({
    url: Url,
    events: z.array(EventType).min(1).max(EVENT_TYPES.length).refine((a) => new Set(a).size === a.length, 'each event type once'),
  })
  .meta({ id: 'WebhookInput' });
export type WebhookInput = z.output<typeof WebhookInput>;

export const Webhook = z
  .object({
    id: WebhookId,
    url: z.string().max(2048),
    events: z.array(EventType),
    status: z.enum(['active', 'disabled']).meta({ description: 'disabled: the receiver answered 410' }),
    createdAt: IsoDateTime,
    disabledAt: IsoDateTime.optional(),
  })
  .meta({ id: 'Webhook' });

export const CreatedWebhook = z
  .object({
    id: WebhookId,
    url: z.string().max(2048),
    events: z.array(EventType),
    secret: z.string().regex(/^whsec_[A-Za-z0-9+/]+=*$/).meta({ description: 'The signing secret, shown once' }),
  })
  .meta({ id: 'CreatedWebhook' });

export const WebhookList = listOf(Webhook).meta({ id: 'WebhookList' });

export const Delivery = z
  .object({
    eventId: z.string().max(60),
    eventType: EventType,
    attempt: z.number().int().min(1),
    at: IsoDateTime,
    status: z.number().int().optional().meta({ description: 'The HTTP status answered, if any' }),
    result: z.enum(['delivered', 'failed', 'disabled', 'given-up', 'withheld'])
      .meta({ description: 'failed: tried again at nextRetryAt; given-up: after 3 days; withheld: not sent, the subject is no longer yours to read' }),
    error: z.string().max(300).optional(),
    nextRetryAt: IsoDateTime.optional(),
  })
  .meta({ id: 'Delivery' });
export const DeliveryList = listOf(Delivery).meta({ id: 'DeliveryList' });
