import type { z } from 'zod/mini';
import { accessionView, admitAccession } from '../domain/accession.ts';
import { notFound } from '../domain/errors.ts';
import { agreementVersions } from '../store/agreements.ts';
import { accessionsPage, recordAccession } from '../store/accessions.ts';
import { providerName, providersPage } from '../store/providers.ts';
import type { AccessionInput } from '../../schemas/providers.ts';
import type { Caller, ProviderCaller } from './caller.ts';

/**
 * Providers join the region (CONTRACT.md "Organisations and people"), as the API and the console
 * both do it: the directory, a provider's accession to a sharing agreement (the rules:
 * domain/accession.ts) and the register beside the agreement.
 */

/** GET /v1/providers: the directory, with each provider's party status. */
export const directory = (c: Caller, limit: number, cursor: string | undefined) => providersPage(c.principal, limit, cursor);

/** POST /v1/providers/{id}/accession: only the provider itself (another's id is 404); the register is write-once (409). */
export async function accede(c: ProviderCaller, providerId: string, body: z.output<typeof AccessionInput>) {
  if (providerId !== c.principal.id) throw notFound(); // another provider's accession: as if it did not exist
  const accession = admitAccession(agreementVersions(body.agreementId), c.principal, await providerName(c.principal.id), body, c.by, new Date());
  await recordAccession(accession);
  return accessionView(accession);
}

/** GET /v1/sharing-agreements/{id}/accessions: the register, by version then provider id. */
export async function accessions(c: Caller, agreementId: string, limit: number, cursor: string | undefined) {
  if (agreementVersions(agreementId).length === 0) throw notFound(`No sharing agreement ${agreementId}.`);
  const page = await accessionsPage(agreementId, c.principal, limit, cursor);
  return { ...page, items: page.items.map(accessionView) };
}
