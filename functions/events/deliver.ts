import { Webhook } from 'standardwebhooks';
import { nextRetryIn, outcomeOf, RETRY_BASE_MS } from '../domain/webhooks.ts';
import { inLambda } from '../store/env.ts';
import { disableWebhook, getWebhook, recordDelivery } from '../store/webhooks.ts';
import type { DeliveryJob } from './jobs.ts';

export type { DeliveryJob } from './jobs.ts';
import { resolveWebhookUrl } from './address.ts';
import { postTo } from './post.ts';
import { mayStillRead } from './readable.ts';

/**
 * Delivery (CONTRACT.md "Events"; Standard Webhooks), the same code in AWS and locally: ./jobs.ts
 * turns one outbox record into one job per matching webhook (the stream Lambda enqueues them to
 * SQS, infra/local's poller into the table), and `attemptDelivery` makes one attempt of one job
 * and says what comes next (the sender Lambda maps that onto the message's visibility, the local
 * poller onto the job's due time). Every attempt is recorded in the webhook's delivery log.
 */

/** Why an attempt was withheld, in the delivery log (names no consent state: the recipient may not know it). */
export const WITHHELD = 'not sent: the recipient may no longer read the referral this event is about';

/** What comes after an attempt. */
export type Next = { next: 'done' } | { next: 'retry'; inMs: number } | { next: 'give-up' };

/**
 * The backoff base: the contract's (30 s) in AWS; elsewhere HUB_WEBHOOK_RETRY_BASE_MS may shrink
 * the whole schedule so that tests and the benchmark see retries in seconds.
 */
export function retryBase(): number {
  const given = Number(process.env.HUB_WEBHOOK_RETRY_BASE_MS);
  return !inLambda() && Number.isFinite(given) && given > 0 ? given : RETRY_BASE_MS;
}

/**
 * Attempt number `attempt` (1 = the first) of a job, now. Nothing is sent, and nothing is tried
 * again, for a webhook deleted or disabled meanwhile, or an event whose recipient may no longer
 * read its subject (recorded `withheld`). The URL is resolved and checked again, and the post goes
 * to exactly the addresses checked. 2xx is done; 410 disables the webhook; anything else is tried
 * again on the schedule (domain/webhooks.ts), and given up once it is spent.
 */
export async function attemptDelivery(job: DeliveryJob, attempt: number, now = new Date(), base = retryBase()): Promise<Next> {
  const found = await getWebhook(job.owner, job.webhookId);
  if (!found || found.webhook.status !== 'active') return { next: 'done' };
  const at = now.toISOString();
  if (!(await mayStillRead(job.owner, job.event, now))) {
    await recordDelivery(job.webhookId, job.event, { attempt, at, result: 'withheld', error: WITHHELD });
    return { next: 'done' };
  }
  const body = JSON.stringify(job.event);
  let answer: { status?: number; error?: string };
  try {
    const target = await resolveWebhookUrl(found.webhook.url);
    const signature = new Webhook(found.secret()).sign(job.event.id, now, body);
    const headers = { 'webhook-id': job.event.id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signature };
    answer = await postTo(target, headers, body);
  } catch (e) {
    answer = { error: `refused before sending: ${(e as { errors?: { message: string }[] }).errors?.[0]?.message ?? (e as Error).message}`.slice(0, 300) };
  }
  const outcome = outcomeOf(answer.status);
  const logged = { attempt, at, ...(answer.status !== undefined ? { status: answer.status } : {}), ...(answer.error ? { error: answer.error } : {}) };
  if (outcome === 'delivered') {
    await recordDelivery(job.webhookId, job.event, { ...logged, result: 'delivered' });
    return { next: 'done' };
  }
  if (outcome === 'disable') {
    await disableWebhook(job.owner, job.webhookId, now);
    await recordDelivery(job.webhookId, job.event, { ...logged, result: 'disabled' });
    return { next: 'done' };
  }
  const wait = nextRetryIn(attempt, base);
  if (wait === undefined) {
    await recordDelivery(job.webhookId, job.event, { ...logged, result: 'given-up' });
    return { next: 'give-up' };
  }
  await recordDelivery(job.webhookId, job.event, { ...logged, result: 'failed', nextRetryAt: new Date(now.getTime() + wait).toISOString() });
  return { next: 'retry', inMs: wait };
}
