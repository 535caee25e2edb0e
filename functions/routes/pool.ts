import * as pool from '../../schemas/pool.ts';
import { CASEWORK, type HandlerDef, type RouteDef } from './types.ts';

/** Pooled emergency and move-on beds (issue 4): this part of the route table (composed in functions/routes/index.ts) and its Lambdas. */
export const poolHandlers = {
  pool: { grants: ['table:read', 'table:write'] },
  'pool-ledger': { grants: ['table:read'] },
} as const satisfies Record<string, HandlerDef>;

export const poolRoutes = {
  'POST /v1/pool/beds': {
    handler: 'pool',
    access: ['programme-office'],
    summary: 'Register a block-contracted emergency or move-on bed shared by the region (422: home unknown)',
    body: pool.CreateBedBody,
    response: pool.BedCreated,
    status: 201,
    idempotent: true,
    statuses: [422],
    doc: {
      example: { homeUrn: 'SC483714', kind: 'emergency', weeklyCost: 6300, contractRef: 'CE-BLOCK-2026-01', from: '2026-04-01', to: '2027-03-31' },
      headers: ['Location'],
    },
  },
  'GET /v1/pool/beds': {
    handler: 'pool',
    access: ['authority', 'programme-office'],
    summary: 'Pooled beds with their status; the allocation is shown to the programme office, and to an authority when it is its own',
    query: pool.ListQuery,
    response: pool.PoolBedList,
  },
  'GET /v1/pool/beds/{id}': {
    handler: 'pool',
    access: ['authority', 'programme-office'],
    summary: 'One pooled bed',
    params: pool.BedParams,
    response: pool.PoolBed,
  },
  'PATCH /v1/pool/beds/{id}': {
    handler: 'pool',
    access: ['programme-office'],
    summary: 'Take a free bed out of service, or back into service (409 while occupied)',
    params: pool.BedParams,
    body: pool.UpdateBedBody,
    response: pool.PoolBed,
    statuses: [409],
    doc: { example: { status: 'out-of-service' } },
  },
  'POST /v1/pool/requests': {
    handler: 'pool',
    access: ['authority'],
    personRoles: CASEWORK,
    summary: 'Ask for a pooled bed for a child',
    body: pool.CreateRequestBody,
    response: pool.RequestCreated,
    status: 201,
    idempotent: true,
    doc: {
      example: {
        kind: 'emergency', urgency: 'today', neededFrom: '2026-06-01', child: { childRef: 'ESX-0042', age: 14, sex: 'female', needs: ['self-harm'] }, homeOutcode: 'CM2',
      },
      headers: ['Location'],
    },
  },
  'GET /v1/pool/requests': {
    handler: 'pool',
    access: ['authority', 'programme-office'],
    summary: "Pool requests, newest first: an authority's own, every one for the programme office",
    query: pool.ListQuery,
    response: pool.PoolRequestList,
  },
  'GET /v1/pool/requests/{id}': {
    handler: 'pool',
    access: ['authority', 'programme-office'],
    summary: 'One pool request (its owner, or the programme office)',
    params: pool.RequestParams,
    response: pool.PoolRequest,
  },
  'POST /v1/pool/requests/{id}/cancel': {
    handler: 'pool',
    access: ['authority'],
    personRoles: CASEWORK,
    summary: 'Cancel an own pending request (409 once allocated or cancelled)',
    params: pool.RequestParams,
    response: pool.PoolRequest,
    statuses: [409],
  },
  'GET /v1/pool/requests/{id}/candidates': {
    handler: 'pool',
    access: ['programme-office'],
    summary: 'Pooled beds that could take the child, best fit first',
    params: pool.RequestParams,
    query: pool.ListQuery,
    response: pool.CandidateList,
  },
  'GET /v1/pool/ledger': {
    handler: 'pool-ledger',
    access: ['authority', 'programme-office'],
    summary: "Occupied and void nights per bed and each authority's use against its funded share, for from..to inclusive (to at most today)",
    query: pool.LedgerQuery,
    response: pool.Ledger,
  },
} as const satisfies Record<string, RouteDef & { handler: keyof typeof poolHandlers }>;
