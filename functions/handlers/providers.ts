import { lambda } from '../http/edge.ts';
import { providersRoutes } from '../routes/providers.ts';
import * as providers from '../app/providers.ts';
import { loadAgreements } from '../store/agreements.ts';
import { idempotency } from '../store/idempotency.ts';

/**
 * Providers join the region (CONTRACT.md "Organisations and people"): parse (edge) →
 * functions/app/providers.ts → reply. Accession answers 409 when the provider has acceded to that
 * version already (the register is write-once; with the same Idempotency-Key the first 201 is replayed).
 */

loadAgreements(); // fail at cold start on an invalid agreement

export const handler = lambda(providersRoutes, {
  'GET /v1/providers': async (req) => ({ body: await providers.directory(req, req.query.limit, req.query.cursor) }),
  'POST /v1/providers/{id}/accession': async (req) => {
    const accession = await providers.accede(req, req.params.id, req.body);
    return { status: 201, body: accession, headers: { location: `/v1/sharing-agreements/${accession.agreementId}/accessions` } };
  },
  'GET /v1/sharing-agreements/{id}/accessions': async (req) => ({ body: await providers.accessions(req, req.params.id, req.query.limit, req.query.cursor) }),
}, { idempotency });
