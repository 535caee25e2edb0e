import { lambda } from '../http/edge.ts';
import { providersRoutes } from '../routes/providers.ts';
import { accessionView, admitAccession } from '../domain/accession.ts';
import { notFound } from '../domain/errors.ts';
import { agreementVersions, loadAgreements } from '../store/agreements.ts';
import { accessionsPage, recordAccession } from '../store/accessions.ts';
import { idempotency } from '../store/idempotency.ts';
import { providerName, providersPage } from '../store/providers.ts';

/**
 * Providers join the region (CONTRACT.md "Organisations and people"): the directory, a
 * provider's accession to a sharing agreement (the rules: domain/accession.ts) and the register
 * beside the agreement. Accession answers 409 when the provider has acceded to that version
 * already (the register is write-once; with the same Idempotency-Key the first 201 is replayed).
 */

loadAgreements(); // fail at cold start on an invalid agreement

export const handler = lambda(providersRoutes, {
  'GET /v1/providers': async ({ principal, query }) => ({ body: await providersPage(principal, query.limit, query.cursor) }),

  'POST /v1/providers/{id}/accession': async ({ principal, params, body, by }) => {
    if (params.id !== principal.id) throw notFound(); // another provider's accession: as if it did not exist
    const accession = admitAccession(agreementVersions(body.agreementId), principal, await providerName(principal.id), body, by, new Date());
    await recordAccession(accession);
    return { status: 201, body: accessionView(accession), headers: { location: `/v1/sharing-agreements/${accession.agreementId}/accessions` } };
  },

  'GET /v1/sharing-agreements/{id}/accessions': async ({ principal, params, query }) => {
    if (agreementVersions(params.id).length === 0) throw notFound(`No sharing agreement ${params.id}.`);
    const page = await accessionsPage(params.id, principal, query.limit, query.cursor);
    return { body: { ...page, items: page.items.map(accessionView) } };
  },
}, { idempotency });
