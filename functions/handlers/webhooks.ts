import { lambda } from '../http/edge.ts';
import { webhooksRoutes } from '../routes/webhooks.ts';
import { principalId } from '../domain/principal.ts';
import { resolveWebhookUrl } from '../events/address.ts';
import * as store from '../store/webhooks.ts'; // sealedIdempotency: a replayed registration's secret is not kept in plaintext either

/**
 * Webhooks (CONTRACT.md "Events"): a principal registers, lists and deletes its own, and reads
 * each one's delivery log; another principal's is 404. The URL rules are domain/webhooks.ts, the
 * resolution ./events/address.ts (checked again at every send); delivery is functions/events/.
 */

const view = ({ id, url, events, status, createdAt, disabledAt }: store.WebhookRecord) => ({ id, url, events, status, createdAt, ...(disabledAt ? { disabledAt } : {}) });

export const handler = lambda(webhooksRoutes, {
  'POST /v1/webhooks': async ({ principal, body }) => {
    const { url } = await resolveWebhookUrl(body.url);
    const w = await store.createWebhook(principalId(principal), url.href, body.events, new Date());
    return { status: 201, body: { id: w.id, url: w.url, events: w.events, secret: w.secret }, headers: { location: `/v1/webhooks/${w.id}` } };
  },

  'GET /v1/webhooks': async ({ principal, query }) => {
    const page = await store.webhooksPage(principalId(principal), query);
    return { body: { ...page, items: page.items.map(view) } };
  },

  'DELETE /v1/webhooks/{id}': async ({ principal, params }) => {
    await store.deleteWebhook(principalId(principal), params.id);
    return { status: 204 };
  },

  'GET /v1/webhooks/{id}/deliveries': async ({ principal, params, query }) => {
    const owner = principalId(principal);
    await store.requireWebhook(owner, params.id);
    return { body: await store.deliveriesPage(owner, params.id, query) };
  },
}, { idempotency: store.sealedIdempotency });
