import { ListQuery } from '../../schemas/common.ts';
import {
  BatchParams, PostSpendBatchBody, SPEND_CSV_DESCRIPTION, SpendBatchAnswer, SpendBatchBody, SpendBatchCsv, SpendBatchJson, SpendBatchList,
  SpendBatchSummary,
} from '../../schemas/spend.ts';
import type { HandlerDef, RouteDef } from './types.ts';

/** Pooled spend (issue 6): this part of the route table (composed in functions/routes/index.ts) and its Lambdas. */
export const spendHandlers = {
  spend: { grants: ['table:write', 'bucket:write'] },
} as const satisfies Record<string, HandlerDef>;

export const spendRoutes = {
  'POST /v1/spend/batches': {
    handler: 'spend',
    access: ['authority'],
    summary:
      'Post a batch of spend lines (text/csv with a header row, or JSON); invalid lines are listed in rejected and never fail the batch; 200 with the first answer when the same batch was posted before (422: the batch spans more months than one batch may)',
    body: PostSpendBatchBody,
    csv: true,
    response: SpendBatchAnswer,
    status: 201,
    idempotent: true,
    statuses: [200, 415, 422],
    doc: {
      body: SpendBatchBody,
      example: {
        lines: [
          {
            period: '2025-10', providerName: 'Harbour Care Ltd', providerUrn: 'SC483714', companiesHouseNumber: '01234567', providerGroup: 'Harbour Care Group',
            placementType: 'K2', placementProvider: 'PR4', childRef: 'ESX-0042', weeks: 4.3, weeklyCost: 5963.5, amount: 25643.05,
          },
          { period: '2025-10', providerName: 'Harbour Care Ltd', placementType: 'K2', placementProvider: 'PR4', childRef: 'ESX-0042', amount: -120 },
        ],
      },
      csv: {
        description: SPEND_CSV_DESCRIPTION,
        example:
          'period,providerName,providerUrn,companiesHouseNumber,providerGroup,placementType,placementProvider,childRef,weeks,weeklyCost,amount\n' +
          '2025-10,Harbour Care Ltd,SC483714,01234567,Harbour Care Group,K2,PR4,ESX-0042,4.3,"£5,963.50","£25,643.05"\n' +
          '2025-10,Harbour Care Ltd,,,,K2,PR4,ESX-0042,,,-120.00\n',
      },
    },
  },
  'GET /v1/spend/batches': {
    handler: 'spend',
    access: ['authority'],
    summary: "The calling authority's own spend batches, newest first",
    query: ListQuery,
    response: SpendBatchList,
  },
  'GET /v1/spend/batches/{batchId}': {
    handler: 'spend',
    access: ['authority'],
    summary: 'One of your own spend batches',
    params: BatchParams,
    response: SpendBatchSummary,
  },
  'GET /v1/spend/batches/{batchId}/raw': {
    handler: 'spend',
    access: ['authority'],
    summary: "What the hub kept of one of your own spend batches: its accepted lines as posted, in the batch's format (text/csv or application/json); rejected lines are never kept",
    params: BatchParams,
    doc: {
      content: { 'text/csv': SpendBatchCsv, 'application/json': SpendBatchJson },
      headers: ['Content-Disposition'],
    },
  },
  'DELETE /v1/spend/batches/{batchId}': {
    handler: 'spend',
    access: ['authority'],
    summary: 'Delete one of your own spend batches (no longer counted by rollups)',
    params: BatchParams,
    status: 204,
  },
} as const satisfies Record<string, RouteDef & { handler: keyof typeof spendHandlers }>;
