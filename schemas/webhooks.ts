import * as z from 'zod/mini';
import { meta } from './meta.ts';
import { EVENT_TYPES } from './codes.ts';
import { IsoDateTime, listOf } from './common.ts';

/** Webhooks (CONTRACT.md "Events"; issue 15): registration, list, delete and the delivery log. */

export const WebhookId = meta(z.string().check(z.maxLength(40), z.regex(/^wh_[0-9a-z]{9,30}$/, 'a webhook id (wh_…)')), { examples: ['wh_0mbx2k1q0a1b2c3d4e5f6'] });
export const WebhookParams = z.strictObject({ id: WebhookId });

const EventType = z.enum(EVENT_TYPES);
const Url = meta(z.string().check(z.maxLength(2048)), { description: 'https, public addresses only' });

export const WebhookInput = meta(z.strictObject({
    url: Url,
    events: z.array(EventType).check(z.minLength(1), z.maxLength(EVENT_TYPES.length), z.refine((a) => new Set(a).size === a.length, 'each event type once')),
  }), { id: 'WebhookInput' });
export type WebhookInput = z.output<typeof WebhookInput>;

export const Webhook = meta(z.object({
    id: WebhookId,
    url: z.string().check(z.maxLength(2048)),
    events: z.array(EventType).check(z.maxLength(EVENT_TYPES.length)),
    status: meta(z.enum(['active', 'disabled']), { description: 'disabled: the receiver answered 410' }),
    createdAt: IsoDateTime,
    disabledAt: z.optional(IsoDateTime),
  }), { id: 'Webhook' });

export const CreatedWebhook = meta(z.object({
    id: WebhookId,
    url: z.string().check(z.maxLength(2048)),
    events: z.array(EventType).check(z.maxLength(EVENT_TYPES.length)),
    secret: meta(z.string().check(z.maxLength(100), z.regex(/^whsec_[A-Za-z0-9+/]+=*$/)), { description: 'The signing secret, shown once' }),
  }), { id: 'CreatedWebhook' });

export const WebhookList = meta(listOf(Webhook), { id: 'WebhookList' });

export const Delivery = meta(z.object({
    eventId: z.string().check(z.maxLength(60)),
    eventType: EventType,
    attempt: z.number().check(z.int(), z.gte(1)),
    at: IsoDateTime,
    status: meta(z.optional(z.number().check(z.int())), { description: 'The HTTP status answered, if any' }),
    result: meta(z.enum(['delivered', 'failed', 'disabled', 'given-up', 'withheld']), { description: 'failed: tried again at nextRetryAt; given-up: after 3 days; withheld: not sent, the subject is no longer yours to read' }),
    error: z.optional(z.string().check(z.maxLength(300))),
    nextRetryAt: z.optional(IsoDateTime),
  }), { id: 'Delivery' });
export const DeliveryList = meta(listOf(Delivery), { id: 'DeliveryList' });
