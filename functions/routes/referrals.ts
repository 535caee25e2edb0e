import {
  AuditList, AuditQuery, ConsentChange, CreateReferral, ProviderResponse, ProviderResponseBody, ReferralCreated, ReferralId,
  ReferralList, ReferralView,
} from '../../schemas/referrals.ts';
import { ListQuery } from '../../schemas/common.ts';
import { CASEWORK, type HandlerDef, type RouteDef } from './types.ts';

/** Referrals, consent and audit (issue 5): this part of the route table (composed in functions/routes/index.ts) and its Lambdas. */
export const referralsHandlers = {
  referrals: { grants: ['table:write'], assets: ['sharing-agreements'] },
  audit: { grants: ['table:read'] },
} as const satisfies Record<string, HandlerDef>;

export const referralsRoutes = {
  'POST /v1/referrals': {
    handler: 'referrals',
    access: ['authority'],
    personRoles: CASEWORK,
    summary: 'Refer a child for placement matching under a sharing agreement, naming the purpose, lawful basis and the providers it is shared with',
    body: CreateReferral,
    response: ReferralCreated,
    status: 201,
    idempotent: true,
    statuses: [422],
    doc: {
      example: {
        agreementId: 'commission-east-placements-isp',
        purpose: 'placement-matching',
        child: { childRef: 'ESX-0042', age: 14, sex: 'female', needs: ['self-harm', 'going-missing'], homeOutcode: 'CM2', urgency: 'within-5-days', careAlongside: 'group' },
        lawfulBasis: {
          article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18',
          consent: { status: 'not-sought', recordedAt: '2026-05-01T09:30:00Z', by: 'allocated social worker' },
        },
        shareWith: ['harbour-care'],
      },
      headers: ['Location'],
    },
  },
  'GET /v1/referrals': {
    handler: 'referrals',
    access: ['authority', 'provider'],
    summary: "An authority's own referrals; a provider's referrals shared with it and readable now (each shown one is audited)",
    query: ListQuery,
    response: ReferralList,
  },
  'GET /v1/referrals/{id}': {
    handler: 'referrals',
    access: ['authority', 'provider', 'programme-office'],
    summary: 'A referral: every field for the owner; for a named provider only the fields the agreement allows it, while it allows them (audited); otherwise 404',
    params: ReferralId,
    response: ReferralView,
  },
  'POST /v1/referrals/{id}/consent': {
    handler: 'referrals',
    access: ['authority'],
    personRoles: CASEWORK,
    summary: 'Record consent given or withdrawn (owner); the latest change, whatever its recordedAt, takes effect on the very next read',
    params: ReferralId,
    body: ConsentChange,
    response: ReferralView,
    statuses: [422],
    doc: { example: { status: 'withdrawn', recordedAt: '2026-05-02T10:00:00Z', by: 'allocated social worker' } },
  },
  'POST /v1/referrals/{id}/responses': {
    handler: 'referrals',
    access: ['provider'],
    summary: 'A provider that may read the referral answers it: interested, or declined with a coded reason (201 first, 200 when replacing its answer)',
    params: ReferralId,
    body: ProviderResponseBody,
    response: ProviderResponse,
    status: 201,
    idempotent: true,
    statuses: [200, 422],
    doc: { example: { response: 'interested', homeUrn: 'SC483714' } },
  },
  'GET /v1/audit': {
    handler: 'audit',
    access: ['authority', 'programme-office'],
    summary: "The write-once disclosure audit trail: an authority's own referrals' (one referral with referralId), the programme office's the whole region's",
    query: AuditQuery,
    response: AuditList,
    statuses: [404],
  },
} as const satisfies Record<string, RouteDef & { handler: keyof typeof referralsHandlers }>;
