import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from './ddb.ts';
import type { SharingAgreement } from '../../schemas/sharing-agreement.ts';
import { namedInFile, type Accession } from '../domain/accession.ts';
import { conflict } from '../domain/errors.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import { batchGet } from './batch-get.ts';
import { config, dynamo } from './config.ts';
import * as keys from './keys.ts';
import { queryPage, type Page } from './paging.ts';

/**
 * The accession register (CONTRACT.md "Organisations and people"): one write-once item per
 * provider and agreement version, kept with the agreement (no expiry: the register is the record
 * of who joined). The decisions that ask who the parties are (domain/accession.ts `partyOf`) get
 * the entries from here; the store decides nothing about them.
 */

const FIELDS = ['agreementId', 'version', 'provider', 'providerName', 'signatory', 'signedAt', 'recordedAt', 'by'] as const;
const toAccession = (item: Record<string, unknown>): Accession =>
  Object.fromEntries(FIELDS.filter((k) => item[k] !== undefined).map((k) => [k, item[k]])) as unknown as Accession;

/** Records an accession; 409 when the provider has acceded to that version already (the first record stands). */
export async function recordAccession(a: Accession): Promise<void> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: config.tableName,
        Item: { ...keys.accession(a.agreementId, a.version, a.provider), type: 'accession', ...a },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    throw conflict(`provider:${a.provider} has acceded to ${a.agreementId} v${a.version} already.`);
  }
}

/** A page of an agreement's register, by version then provider id; the cursor is sealed to the agreement and caller. */
export function accessionsPage(agreementId: string, caller: Principal, limit: number, cursor: string | undefined): Promise<Page<Accession>> {
  const { pk, skPrefix } = keys.accessionsOf(agreementId);
  return queryPage(
    { TableName: config.tableName, KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': pk, ':s': skPrefix }, ConsistentRead: true },
    { purpose: `accessions:${agreementId}:${principalId(caller)}`, limit, cursor, map: toAccession },
  );
}

/**
 * The register's entries that can matter to decisions on these agreement versions for these
 * providers: each provider's accession to each version, strongly consistent (an accession counts
 * on the very next request). Providers an agreement file names already are not looked up, so the
 * file's parties cost no read.
 */
export async function accessionsFor(agreements: readonly (SharingAgreement | undefined)[], providerIds: readonly string[]): Promise<Accession[]> {
  const wanted = agreements.flatMap((a) => (a ? providerIds.filter((id) => !namedInFile(a, id)).map((id) => keys.accession(a.id, a.version, id)) : []));
  return wanted.length === 0 ? [] : ((await batchGet(wanted, { consistent: true })) as unknown as Accession[]); // the decisions read agreementId, version, provider, recordedAt
}

/** The caller's own accessions to these agreement versions: none for anyone but a provider (only providers accede). */
export function accessionsOfCaller(caller: { kind: string; id?: string }, agreements: readonly (SharingAgreement | undefined)[]): Promise<Accession[]> {
  return caller.kind === 'provider' && caller.id ? accessionsFor(agreements, [caller.id]) : Promise.resolve([]);
}
