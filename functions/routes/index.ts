import { eventsHandlers, eventsRoutes } from './events.ts';
import { homesHandlers, homesRoutes } from './homes.ts';
import { placementsHandlers, placementsRoutes } from './placements.ts';
import { offerAcceptanceHandlers, offerAcceptanceRoutes } from './offer-acceptance.ts';
import { offersHandlers, offersRoutes } from './offers.ts';
import { poolHandlers, poolRoutes } from './pool.ts';
import { providersHandlers, providersRoutes } from './providers.ts';
import { poolAllocationsHandlers, poolAllocationsRoutes } from './pool-allocations.ts';
import { referenceHandlers, referenceRoutes } from './reference.ts';
import { referralsHandlers, referralsRoutes } from './referrals.ts';
import { rollupsHandlers, rollupsRoutes } from './rollups.ts';
import { spendHandlers, spendRoutes } from './spend.ts';
import { consoleHandlers } from './console.ts';
import { webhooksHandlers, webhooksRoutes } from './webhooks.ts';
import type { Grant, HandlerDef, RouteDef } from './types.ts';

export type { Access, Grant, HandlerDef, RouteDef, RouteDoc, SuccessHeader } from './types.ts';
export { CONSOLE_PATHS, consoleLambdaFor, type ConsoleLambda } from './console.ts';

/**
 * THE route table: method, path, handler, who may call it, and the zod schemas of its input and
 * output. It is composed of one part per capability (functions/routes/*.ts) so that each Lambda
 * bundles only its own part; the CDK stack (infra/stack.ts), the local gateway
 * (infra/local/gateway.ts) and the OpenAPI document are built from this whole table, and the HTTP
 * edge (functions/http/edge.ts) enforces `access` from the part a handler serves. Handlers are
 * named by their file in functions/handlers/, never imported here.
 */
export const routes = {
  ...referenceRoutes,
  ...homesRoutes,
  ...poolRoutes,
  ...poolAllocationsRoutes,
  ...referralsRoutes,
  ...spendRoutes,
  ...rollupsRoutes,
  ...placementsRoutes,
  ...offersRoutes,
  ...offerAcceptanceRoutes,
  ...eventsRoutes,
  ...providersRoutes,
  ...webhooksRoutes,
} as const;

/** Every Lambda behind the API, with its least-privilege grants. */
export const handlers = {
  ...referenceHandlers,
  ...homesHandlers,
  ...poolHandlers,
  ...poolAllocationsHandlers,
  ...referralsHandlers,
  ...spendHandlers,
  ...rollupsHandlers,
  ...placementsHandlers,
  ...offersHandlers,
  ...offerAcceptanceHandlers,
  ...eventsHandlers,
  ...providersHandlers,
  ...webhooksHandlers,
  // the web console (functions/console/): its shell and one Lambda per persona, behind the same API (infra/stack.ts)
  ...consoleHandlers,
} as const;

/**
 * How long API Gateway keeps the authorizer's answer (the stack's resultsCacheTtl): 0, no cache.
 * A REQUEST authorizer's cache key is its identity sources and API Gateway refuses (401) a call
 * missing any of them, so a cache keyed on x-api-key would refuse every Bearer call, and one keyed
 * on both headers every call (a call carries one or the other: both is 400). Uncached, a key call
 * costs one GetItem in the authorizer and a token call a signature check with keys the authorizer
 * keeps across invocations (test/bench/people.bench.ts measures both); a revoked key is refused at
 * once. The local gateway emulates it: no cache unless HUB_AUTHORIZER_CACHE_SECONDS asks for one.
 */
export const AUTHORIZER_CACHE_SECONDS = 0;

export type HandlerName = keyof typeof handlers;
export type RouteKey = keyof typeof routes;

/** Scheduled jobs (EventBridge in AWS; `hub` commands locally), files in functions/jobs/. */
export const jobs = {
  // name: { schedule: 'cron(...)', grants: [...] }
  // homes & vacancies (issue 3): vacancies not reconfirmed for 7 days lapse
  'lapse-vacancies': {
    schedule: 'rate(1 hour)',
    grants: ['table:write'],
    description: 'Marks vacancies not reconfirmed for 7 days as lapsed and takes them out of the open-vacancy index',
  },
  // spend and rollups (issue 6): nightly rollups of the recent months, their quarters and financial years
  rollup: {
    schedule: 'cron(30 2 * * ? *)',
    grants: ['table:write', 'bucket:write'], // writes rollup.published events (store/rollups.ts announce)
    description: 'Nightly spend rollups: last month and this month, with their quarters and financial years',
  },
  // events (issue 15): reminders as events — vacancy.expiring, hold.expiring, notice.due — each written once
  reminders: {
    schedule: 'rate(15 minutes)',
    grants: ['table:write'],
    description: 'Reminders as events: vacancies expiring within 24 hours, holds ending within 2 hours, reg 13(4) notices due the next working day',
  },
} as const satisfies Record<string, { schedule: string; grants: readonly Grant[]; description: string }>;

/**
 * Event delivery (issue 15): Lambdas fed by the table's stream and by the delivery queue, files in
 * functions/events/. infra/stack.ts wires their sources (stream read, queue consume) and gives the
 * stream Lambda the right to send to the queue; these are their grants on the table.
 */
export const workers = {
  // reads the recipient's webhooks for each new outbox record
  stream: { grants: ['table:read'], description: 'New outbox records on the table stream: one delivery-queue message per matching webhook' },
  // reads the webhook and referral, writes delivery records and disables a webhook on 410
  sender: { grants: ['table:write'], assets: ['sharing-agreements'], description: 'Signs and posts one event to one webhook per message; retries by the message visibility' },
} as const satisfies Record<string, HandlerDef & { description: string }>;

export function splitRouteKey(key: string): { method: string; path: string } {
  const i = key.indexOf(' ');
  return { method: key.slice(0, i), path: key.slice(i + 1) };
}

export const routeList = Object.entries(routes).map(([key, def]) => ({ key: key as RouteKey, ...splitRouteKey(key), def: def as RouteDef & { handler: HandlerName } }));
