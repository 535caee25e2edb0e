import { AgreementList, AuthorityList, Health } from '../../schemas/reference.ts';
import { ListQuery } from '../../schemas/common.ts';
import type { HandlerDef, RouteDef } from './types.ts';

/** Reference and meta routes (issue 2): this part of the route table (composed in functions/routes/index.ts) and its Lambdas. */
export const referenceHandlers = {
  authorizer: { grants: ['table:read'] },
  health: { grants: [] },
  openapi: { grants: [] },
  reference: { grants: [], assets: ['sharing-agreements'] },
} as const satisfies Record<string, HandlerDef>;

export const referenceRoutes = {
  'GET /v1/health': { handler: 'health', access: 'public', summary: 'Liveness', response: Health },
  'GET /openapi.json': { handler: 'openapi', access: 'public', summary: 'This API as OpenAPI 3.1' },
  'GET /v1/authorities': {
    handler: 'reference',
    access: ['authority', 'provider', 'programme-office'],
    summary: 'The 11 Eastern Region authorities with ONS and DfE codes',
    query: ListQuery,
    response: AuthorityList,
  },
  'GET /v1/sharing-agreements': {
    handler: 'reference',
    access: ['authority', 'provider', 'programme-office'],
    summary: 'Information sharing protocols in force or on file',
    query: ListQuery,
    response: AgreementList,
  },
} as const satisfies Record<string, RouteDef & { handler: keyof typeof referenceHandlers }>;
