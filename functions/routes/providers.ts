import { Accession, AccessionInput, AccessionList, AgreementParams, ProviderList, ProviderParams, ProviderQuery } from '../../schemas/providers.ts';
import { ListQuery } from '../../schemas/common.ts';
import type { HandlerDef, RouteDef } from './types.ts';

/** Organisations (issue 13): the provider directory and accession to a sharing agreement; this part of the route table and its Lambda. */
export const providersHandlers = {
  providers: { grants: ['table:write'], assets: ['sharing-agreements'] },
} as const satisfies Record<string, HandlerDef>;

export const providersRoutes = {
  'GET /v1/providers': {
    handler: 'providers',
    access: ['authority', 'programme-office'],
    summary: 'Every provider organisation the hub knows (Ofsted import or homes posted), in id order, with its homes and whether it is a party to the regional sharing agreement',
    query: ProviderQuery,
    response: ProviderList,
  },
  'POST /v1/providers/{id}/accession': {
    handler: 'providers',
    access: ['provider'],
    summary: 'The provider itself accedes to a version of a sharing agreement and is a party to it in the provider role from then on (409 when it has already, or the agreement file names it)',
    params: ProviderParams,
    body: AccessionInput,
    response: Accession,
    status: 201,
    idempotent: true,
    statuses: [409, 422],
    doc: {
      example: {
        agreementId: 'commission-east-placements-isp',
        version: '1.0',
        signatory: { name: 'A. Example', role: 'Responsible individual' },
        signedAt: '2026-05-01T09:30:00Z',
      },
    },
  },
  'GET /v1/sharing-agreements/{id}/accessions': {
    handler: 'providers',
    access: ['authority', 'provider', 'programme-office'],
    summary: "The agreement's accession register: the providers party to a version of it by accession, by version then provider id",
    params: AgreementParams,
    query: ListQuery,
    response: AccessionList,
  },
} as const satisfies Record<string, RouteDef & { handler: keyof typeof providersHandlers }>;
