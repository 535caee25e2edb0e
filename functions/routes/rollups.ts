import { ListQuery } from '../../schemas/common.ts';
import {
  ProviderGroupMapping, ProviderGroupMappingBody, ProviderGroupMappingList, ProviderGroupParams, Rollup, RollupBody, RollupCreated, RollupParams,
} from '../../schemas/spend.ts';
import type { HandlerDef, RouteDef } from './types.ts';

/**
 * Rollups of pooled spend and the provider-group mapping (issue 6): this part of the route table
 * (composed in functions/routes/index.ts) and its Lambda, apart from the spend batches' part so the
 * rollups Lambda does not bundle the batch routes.
 */
export const rollupsHandlers = {
  rollups: { grants: ['table:write', 'bucket:write'], memoryMb: 1024 },
} as const satisfies Record<string, HandlerDef>;

export const rollupsRoutes = {
  'POST /v1/rollups': {
    handler: 'rollups',
    access: ['programme-office'],
    summary: 'Roll up a month (YYYY-MM), quarter (YYYY-Qn) or financial year (FYYYYY-YY) into S3 (a period with no spend rolls up empty; 422: the period has not started yet)',
    body: RollupBody,
    response: RollupCreated,
    status: 201,
    idempotent: true,
    statuses: [422],
    doc: { example: { period: 'FY2025-26' } },
  },
  'GET /v1/rollups/{period}': {
    handler: 'rollups',
    access: ['authority', 'programme-office'],
    summary: "A period's rollup: spend by provider group, placement type and authority, small counts suppressed",
    params: RollupParams,
    response: Rollup,
  },
  'GET /v1/provider-groups': {
    handler: 'rollups',
    access: ['authority', 'programme-office'],
    summary: 'The provider-group mapping in force: brands, subsidiaries and company numbers merged into groups',
    query: ListQuery,
    response: ProviderGroupMappingList,
  },
  'PUT /v1/provider-groups/{group}': {
    handler: 'rollups',
    access: ['programme-office'],
    summary: "Set the programme office's mapping for a group (its aliases and company numbers; 409: claimed by another group)",
    params: ProviderGroupParams,
    body: ProviderGroupMappingBody,
    response: ProviderGroupMapping,
    statuses: [409],
    doc: { example: { aliases: ['Harbour Care', 'Harbour Homes (East)'], companiesHouseNumbers: ['01234567'] } },
  },
} as const satisfies Record<string, RouteDef & { handler: keyof typeof rollupsHandlers }>;
