import * as z from 'zod';
import { AuthoritySlug, IsoDate, listOf, Principal } from './common.ts';
import {
  AGREEMENT_LIMITS, AgreementId, AgreementStatus, AgreementVersion, PartyRole, PurposeId,
} from './sharing-agreement.ts';

export const Health = z.object({ status: z.literal('ok') });

export const Authority = z
  .object({
    id: AuthoritySlug,
    name: z.string().max(100),
    onsCode: z.string().max(9).regex(/^E\d{8}$/).meta({ description: 'ONS GSS code' }),
    dfeCode: z.string().max(3).regex(/^\d{3}$/).meta({ description: 'DfE local authority number' }),
  })
  .meta({ id: 'Authority' });
export const AuthorityList = listOf(Authority);

export const AgreementSummary = z
  .object({
    id: AgreementId,
    version: AgreementVersion,
    title: z.string().max(AGREEMENT_LIMITS.title),
    status: AgreementStatus,
    parties: z.array(z.object({ principal: Principal, name: z.string().max(AGREEMENT_LIMITS.name), role: PartyRole })).max(AGREEMENT_LIMITS.parties),
    purposes: z.array(z.object({ id: PurposeId, description: z.string().max(AGREEMENT_LIMITS.description) })).max(AGREEMENT_LIMITS.purposes),
    validFrom: IsoDate,
    validTo: IsoDate.optional(),
  })
  .meta({ id: 'SharingAgreementSummary' });
export const AgreementList = listOf(AgreementSummary);
