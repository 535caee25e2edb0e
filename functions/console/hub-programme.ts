import { londonToday } from '../domain/calendar-days.ts';
import { forbidden } from '../domain/errors.ts';
import { ledgerFor, requireLedgerPeriod } from '../domain/ledger.ts';
import { allocationView, bedView, requestView } from '../domain/pool.ts';
import type { Principal } from '../domain/principal.ts';
import { personMayCall } from '../http/edge.ts';
import { poolAllocationsRoutes } from '../routes/pool-allocations.ts';
import { poolRoutes } from '../routes/pool.ts';
import { providersRoutes } from '../routes/providers.ts';
import type { RouteDef } from '../routes/types.ts';
import { allocate as allocateBed } from '../store/pool/allocate.ts';
import { listAllocations } from '../store/pool/allocations.ts';
import { listBeds } from '../store/pool/beds.ts';
import { candidatesFor } from '../store/pool/candidates.ts';
import { endAllocation } from '../store/pool/end.ts';
import { listRequests } from '../store/pool/requests.ts';
import { loadLedger } from '../store/pool.ts';
import { providersPage } from '../store/providers.ts';
import { getObjectText } from '../store/objects.ts';
import { publishedRollup, readManifest, ROLLUP_FILES } from '../store/rollups.ts';
import { rollupsRoutes } from '../routes/rollups.ts';
import { notFound } from '../domain/errors.ts';
import type { ReasonPlaceChange } from '../../schemas/codes.ts';
import type { Who } from './hub.ts';

/**
 * The programme office's operations, as the API does them (./hub.ts for the officer's): the same
 * store calls and views as handlers/pool.ts, pool-allocations.ts, pool-ledger.ts and providers.ts,
 * under each route's access rule. Never an HTTP call to the hub.
 */

export type OfficeWho = Who & { principal: Principal & { kind: 'programme-office' } };

const as = (who: Who, route: RouteDef): void => {
  if (!route.access.includes(who.principal.kind)) throw forbidden('This is not for your organisation.');
  personMayCall(route, who.roles);
};

const URGENCY_ORDER: Record<string, number> = { today: 0, 'within-5-days': 1, planned: 2 };

/**
 * The allocation board: pending requests, most urgent first and then oldest first, each with its
 * ranked candidate beds (GET /v1/pool/requests, GET /v1/pool/requests/{id}/candidates).
 */
export async function board(who: OfficeWho, candidatesEach = 3) {
  as(who, poolRoutes['GET /v1/pool/requests']);
  as(who, poolRoutes['GET /v1/pool/requests/{id}/candidates']);
  const all: Awaited<ReturnType<typeof listRequests>>['items'] = [];
  let cursor: string | undefined;
  do {
    const page = await listRequests(who.principal, 100, cursor);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const pending = all.filter((r) => r.status === 'pending')
    .sort((a, b) => (URGENCY_ORDER[a.urgency] ?? 9) - (URGENCY_ORDER[b.urgency] ?? 9) || a.createdAt.localeCompare(b.createdAt));
  const today = londonToday();
  return Promise.all(pending.map(async (r) => ({ request: requestView(r), candidates: (await candidatesFor(who.principal, r.id, today)).slice(0, candidatesEach) })));
}

/** POST /v1/pool/allocations (handlers/pool-allocations.ts). */
export const allocate = (who: OfficeWho, body: { requestId: string; bedId: string; startDate: string }) =>
  (as(who, poolAllocationsRoutes['POST /v1/pool/allocations']), allocateBed({ ...body, who: who.principal, by: who.by, httpRequestId: who.requestId }).then(allocationView));

/** GET /v1/pool/allocations (handlers/pool-allocations.ts). */
export async function allocations(who: OfficeWho, limit: number, cursor: string | undefined) {
  as(who, poolAllocationsRoutes['GET /v1/pool/allocations']);
  const { items, nextCursor } = await listAllocations(who.principal, limit, cursor);
  return { items: items.map(allocationView), ...(nextCursor ? { nextCursor } : {}) };
}

/** POST /v1/pool/allocations/{id}/end (handlers/pool-allocations.ts): end, or step down into a move-on bed. */
export async function end(who: OfficeWho, id: string, body: { endDate: string; reason: ReasonPlaceChange; stepDownTo?: string | undefined }) {
  as(who, poolAllocationsRoutes['POST /v1/pool/allocations/{id}/end']);
  const { endDate, reason, stepDownTo } = body;
  const { ended, stepDown } = await endAllocation({ who: who.principal, by: who.by, id, endDate, reason, ...(stepDownTo ? { stepDownTo } : {}), httpRequestId: who.requestId });
  return { ended: allocationView(ended), ...(stepDown ? { stepDown: allocationView(stepDown) } : {}) };
}

/** GET /v1/pool/beds (handlers/pool.ts). */
export async function beds(who: OfficeWho, limit: number, cursor: string | undefined) {
  as(who, poolRoutes['GET /v1/pool/beds']);
  const { items, nextCursor } = await listBeds(who.principal, limit, cursor);
  return { items: items.map((b) => bedView(b, who.principal)), ...(nextCursor ? { nextCursor } : {}) };
}

/** GET /v1/pool/ledger (handlers/pool-ledger.ts). */
export async function ledger(who: OfficeWho, from: string, to: string) {
  as(who, poolRoutes['GET /v1/pool/ledger']);
  requireLedgerPeriod(to, londonToday());
  return ledgerFor(await loadLedger(from, to), who.principal);
}

/** GET /v1/providers (handlers/providers.ts): the directory with accession status. */
export const providers = (who: OfficeWho, limit: number, cursor: string | undefined) =>
  (as(who, providersRoutes['GET /v1/providers']), providersPage(who.principal, limit, cursor));

/** GET /v1/rollups/{period} (handlers/rollups.ts): the programme office sees the published rollup, small counts as "c". */
export const rollup = async (who: OfficeWho, period: string) => (as(who, rollupsRoutes['GET /v1/rollups/{period}']), (await publishedRollup(period)).rollup);

/** The period's published provider-groups.csv (the run's immutable copy the manifest names), under the same rule as the rollup. */
export async function rollupCsv(who: OfficeWho, period: string): Promise<string> {
  as(who, rollupsRoutes['GET /v1/rollups/{period}']);
  const o = (await readManifest(period))?.objects.find((x) => x.name === ROLLUP_FILES.csv);
  const text = o ? await getObjectText(o.runKey) : undefined;
  if (text === undefined) throw notFound(`${period} has not been rolled up.`);
  return text;
}
