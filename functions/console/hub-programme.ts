import type { OfficeCaller } from '../app/caller.ts';
import * as pool from '../app/pool.ts';
import * as allocationsApp from '../app/pool-allocations.ts';
import { ledger as poolLedger } from '../app/pool-ledger.ts';
import { directory } from '../app/providers.ts';
import * as rollups from '../app/rollups.ts';
import { poolAllocationsRoutes } from '../routes/pool-allocations.ts';
import { poolRoutes } from '../routes/pool.ts';
import { providersRoutes } from '../routes/providers.ts';
import { rollupsRoutes } from '../routes/rollups.ts';
import type { ReasonPlaceChange } from '../../schemas/codes.ts';
import { as, type Who } from './hub.ts';

/**
 * The programme office's operations (./hub.ts for the officer's): each is the API route's access
 * and person rule, then the application operation (functions/app/) its handler calls. Never an
 * HTTP call to the hub.
 */

export type OfficeWho = Who & OfficeCaller;

/**
 * A page of the allocation board: pending requests, most urgent first and then oldest first, each
 * with its ranked candidate beds (GET /v1/pool/requests, GET /v1/pool/requests/{id}/candidates),
 * `pool.BOARD_PAGE` a page; `cursor` is the previous page's `nextCursor`.
 */
export function board(who: OfficeWho, cursor: string | undefined, candidatesEach = 3) {
  as(who, poolRoutes['GET /v1/pool/requests']);
  as(who, poolRoutes['GET /v1/pool/requests/{id}/candidates']);
  return pool.board(who, cursor, candidatesEach);
}

/** POST /v1/pool/allocations. */
export const allocate = (who: OfficeWho, body: { requestId: string; bedId: string; startDate: string }) =>
  (as(who, poolAllocationsRoutes['POST /v1/pool/allocations']), allocationsApp.allocate(who, body));

/** GET /v1/pool/allocations. */
export const allocations = (who: OfficeWho, limit: number, cursor: string | undefined) =>
  (as(who, poolAllocationsRoutes['GET /v1/pool/allocations']), allocationsApp.allocations(who, limit, cursor));

/** POST /v1/pool/allocations/{id}/end: end, or step down into a move-on bed. */
export const end = (who: OfficeWho, id: string, body: { endDate: string; reason: ReasonPlaceChange; stepDownTo?: string | undefined }) =>
  (as(who, poolAllocationsRoutes['POST /v1/pool/allocations/{id}/end']), allocationsApp.end(who, id, body));

/** GET /v1/pool/beds. */
export const beds = (who: OfficeWho, limit: number, cursor: string | undefined) => (as(who, poolRoutes['GET /v1/pool/beds']), pool.beds(who, limit, cursor));

/** GET /v1/pool/ledger. */
export const ledger = (who: OfficeWho, from: string, to: string) => (as(who, poolRoutes['GET /v1/pool/ledger']), poolLedger(who, from, to));

/** GET /v1/providers: the directory with accession status. */
export const providers = (who: OfficeWho, limit: number, cursor: string | undefined) =>
  (as(who, providersRoutes['GET /v1/providers']), directory(who, limit, cursor));

/** GET /v1/rollups/{period}: the programme office sees the published rollup, small counts as "c". */
export const rollup = (who: OfficeWho, period: string) => (as(who, rollupsRoutes['GET /v1/rollups/{period}']), rollups.rollup(who, period));

/** The period's published provider-groups.csv, under the same rule as the rollup. */
export const rollupCsv = (who: OfficeWho, period: string) => (as(who, rollupsRoutes['GET /v1/rollups/{period}']), rollups.rollupCsv(who, period));
