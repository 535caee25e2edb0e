import * as z from 'zod/mini';
import { meta } from './meta.ts';
import { AuthoritySlug, IsoDate, listOf, Principal } from './common.ts';
import {
  AGREEMENT_LIMITS, AgreementId, AgreementStatus, AgreementVersion, PartyRole, PurposeId,
} from './sharing-agreement.ts';

export const Health = z.object({ status: z.literal('ok') });

export const Authority = meta(z.object({
    id: AuthoritySlug,
    name: z.string().check(z.maxLength(100)),
    onsCode: meta(z.string().check(z.maxLength(9), z.regex(/^E\d{8}$/)), { description: 'ONS GSS code' }),
    dfeCode: meta(z.string().check(z.maxLength(3), z.regex(/^\d{3}$/)), { description: 'DfE local authority number' }),
  }), { id: 'Authority' });
export const AuthorityList = listOf(Authority);

export const AgreementSummary = meta(z.object({
    id: AgreementId,
    version: AgreementVersion,
    title: z.string().check(z.maxLength(AGREEMENT_LIMITS.title)),
    status: AgreementStatus,
    parties: z.array(z.object({ principal: Principal, name: z.string().check(z.maxLength(AGREEMENT_LIMITS.name)), role: PartyRole })).check(z.maxLength(AGREEMENT_LIMITS.parties)),
    purposes: z.array(z.object({ id: PurposeId, description: z.string().check(z.maxLength(AGREEMENT_LIMITS.description)) })).check(z.maxLength(AGREEMENT_LIMITS.purposes)),
    validFrom: IsoDate,
    validTo: z.optional(IsoDate),
  }), { id: 'SharingAgreementSummary' });
export const AgreementList = listOf(AgreementSummary);
