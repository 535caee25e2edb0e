import { ListQuery } from '../../schemas/common.ts';
import { CreatedWebhook, DeliveryList, WebhookInput, WebhookList, WebhookParams } from '../../schemas/webhooks.ts';
import type { HandlerDef, RouteDef } from './types.ts';

/** Webhooks (issue 15, CONTRACT.md "Events"): this part of the route table (composed in functions/routes/index.ts) and its Lambda. */
export const webhooksHandlers = {
  // a principal's own webhooks and their delivery log
  webhooks: { grants: ['table:write'] },
} as const satisfies Record<string, HandlerDef>;

const everyone = ['authority', 'provider', 'programme-office'] as const;

export const webhooksRoutes = {
  'POST /v1/webhooks': {
    handler: 'webhooks',
    access: everyone,
    summary: 'Register a webhook for your events; its signing secret is shown this once. 422 for a URL not https or not resolving to public addresses',
    body: WebhookInput,
    response: CreatedWebhook,
    status: 201,
    idempotent: true,
    statuses: [422],
    doc: { example: { url: 'https://hooks.example.org/commission-east', events: ['referral.shared', 'offer.accepted'] }, headers: ['Location'] },
  },
  'GET /v1/webhooks': {
    handler: 'webhooks',
    access: everyone,
    summary: 'Your webhooks: active, or disabled after a 410',
    query: ListQuery,
    response: WebhookList,
  },
  'DELETE /v1/webhooks/{id}': {
    handler: 'webhooks',
    access: everyone,
    summary: 'Delete one of your webhooks',
    params: WebhookParams,
    status: 204,
  },
  'GET /v1/webhooks/{id}/deliveries': {
    handler: 'webhooks',
    access: everyone,
    summary: 'Each delivery attempt to one of your webhooks, newest first',
    params: WebhookParams,
    query: ListQuery,
    response: DeliveryList,
  },
} as const satisfies Record<string, RouteDef & { handler: keyof typeof webhooksHandlers }>;
