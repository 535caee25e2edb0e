import * as z from 'zod';
import { ByView, IsoDateTime, listOf, ListQuery } from './common.ts';
import { AgreementId, AgreementVersion } from './sharing-agreement.ts';

/**
 * Providers join the region (CONTRACT.md "Organisations and people"): the provider directory,
 * accession to a sharing agreement and the accession register beside the agreement.
 */

export const ProviderIdText = z
  .string()
  .max(80)
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/, 'a provider id such as harbour-care')
  .meta({ examples: ['harbour-care'] });
export const ProviderParams = z.strictObject({ id: ProviderIdText });
export const AgreementParams = z.strictObject({ id: AgreementId.meta({ examples: ['commission-east-placements-isp'] }) });

export const ProviderSummary = z
  .object({
    id: ProviderIdText,
    name: z.string().max(300),
    group: z.string().max(300),
    homes: z.int32().min(0).meta({ format: 'int32', description: 'How many homes the hub holds of it (the Ofsted import and homes it posted)' }),
    party: z.boolean().meta({ description: 'Whether it is a party to the regional sharing agreement in force, in the provider role (named in the agreement file, or by accession)' }),
  })
  .meta({ id: 'ProviderSummary' });
export const ProviderList = listOf(ProviderSummary);
export const ProviderQuery = ListQuery;

const Text = (max: number) => z.string().trim().min(1).max(max);

export const AccessionInput = z
  .strictObject({
    agreementId: AgreementId,
    version: AgreementVersion.meta({ description: 'The agreement version acceded to (as GET /v1/sharing-agreements lists it)' }),
    signatory: z.strictObject({
      name: Text(200).meta({ description: 'Who signed for the provider' }),
      role: Text(200).meta({ description: 'Their role, e.g. Responsible individual' }),
    }),
    signedAt: IsoDateTime.meta({ description: 'When they signed; not more than 5 minutes in the future' }),
  })
  .meta({ id: 'AccessionInput' });

export const Accession = z
  .object({
    agreementId: AgreementId,
    version: AgreementVersion,
    provider: z.object({ id: ProviderIdText, name: z.string().max(300) }),
    signatory: z.object({ name: z.string().max(200), role: z.string().max(200) }),
    signedAt: IsoDateTime,
    recordedAt: IsoDateTime.meta({ description: 'When the hub recorded it: the provider is a party to this version from then on' }),
    by: ByView,
  })
  .meta({ id: 'Accession' });
export const AccessionList = listOf(Accession);
