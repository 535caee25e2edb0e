import * as z from 'zod/mini';
import { meta } from './meta.ts';
import { ByView, IsoDateTime, listOf, ListQuery } from './common.ts';
import { AgreementId, AgreementVersion } from './sharing-agreement.ts';

/**
 * Providers join the region (CONTRACT.md "Organisations and people"): the provider directory,
 * accession to a sharing agreement and the accession register beside the agreement.
 */

export const ProviderIdText = meta(z.string().check(z.maxLength(80), z.regex(/^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/, 'a provider id such as harbour-care')), { examples: ['harbour-care'] });
export const ProviderParams = z.strictObject({ id: ProviderIdText });
export const AgreementParams = z.strictObject({ id: meta(AgreementId, { examples: ['commission-east-placements-isp'] }) });

export const ProviderSummary = meta(z.object({
    id: ProviderIdText,
    name: z.string().check(z.maxLength(300)),
    group: z.string().check(z.maxLength(300)),
    homes: meta(z.int32().check(z.gte(0)), { format: 'int32', description: 'How many homes the hub holds of it (the Ofsted import and homes it posted)' }),
    party: meta(z.boolean(), { description: 'Whether it is a party to the regional sharing agreement in force, in the provider role (named in the agreement file, or by accession)' }),
  }), { id: 'ProviderSummary' });
export const ProviderList = listOf(ProviderSummary);
export const ProviderQuery = ListQuery;

const Text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

export const AccessionInput = meta(z.strictObject({
    agreementId: AgreementId,
    version: meta(AgreementVersion, { description: 'The agreement version acceded to (as GET /v1/sharing-agreements lists it)' }),
    signatory: z.strictObject({
      name: meta(Text(200), { description: 'Who signed for the provider' }),
      role: meta(Text(200), { description: 'Their role, e.g. Responsible individual' }),
    }),
    signedAt: meta(IsoDateTime, { description: 'When they signed; not more than 5 minutes in the future' }),
  }), { id: 'AccessionInput' });

export const Accession = meta(z.object({
    agreementId: AgreementId,
    version: AgreementVersion,
    provider: z.object({ id: ProviderIdText, name: z.string().check(z.maxLength(300)) }),
    signatory: z.object({ name: z.string().check(z.maxLength(200)), role: z.string().check(z.maxLength(200)) }),
    signedAt: IsoDateTime,
    recordedAt: meta(IsoDateTime, { description: 'When the hub recorded it: the provider is a party to this version from then on' }),
    by: ByView,
  }), { id: 'Accession' });
export const AccessionList = listOf(Accession);
