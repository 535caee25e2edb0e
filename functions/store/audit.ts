import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, TransactWriteCommand } from './ddb.ts';
import { trailOf, type AuditEntry, type AuditRecord, type AuditScope } from '../domain/audit.ts';
import { config, dynamo } from './config.ts';
import * as keys from './keys.ts';
import { queryPage, type Page } from './paging.ts';
import { getReferral } from './referrals.ts';
import { ttlAfter } from './table.ts';

export type { AuditEntry, AuditRecord, AuditScope } from '../domain/audit.ts';

/**
 * The disclosure audit trail's storage. Entries are write-once: a conditional put that never
 * replaces an entry; nothing in the hub updates or deletes one (DynamoDB's TTL expires them when
 * the retention functions/domain/audit.ts gives them ends). What an entry says is the domain's.
 */

export class AuditEntryExists extends Error {
  override name = 'AuditEntryExists';
}

function auditItem({ entry, owner, retentionDays }: AuditRecord) {
  const trail = trailOf(entry);
  return {
    ...keys.auditEntry(trail, entry.at, entry.requestId),
    ...keys.auditByOwner(owner, entry.at, trail, entry.requestId),
    ...keys.auditOfRegion(entry.at, trail, entry.requestId),
    type: 'audit',
    ...entry,
    owner,
    ttl: ttlAfter(retentionDays * 86_400, Date.parse(entry.at)),
  };
}

const put = (record: AuditRecord) => ({ TableName: config.tableName, Item: auditItem(record), ConditionExpression: 'attribute_not_exists(pk)' });

/** An entry's write-once Put, for a transaction that records a change and its audit entry together (an accepted offer). */
export const auditPut = put;

/** Writes one entry, filed under the referral, its owning authority and the region. Never overwrites. */
export async function writeAuditEntry(record: AuditRecord): Promise<void> {
  try {
    await dynamo().send(new PutCommand(put(record)));
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) {
      throw new AuditEntryExists(`audit entry ${trailOf(record.entry)} ${record.entry.at} ${record.entry.requestId} already exists`);
    }
    throw e;
  }
}

/**
 * Writes many entries (a provider's list page) in transactions of conditional puts: all of a
 * chunk of 100 are written or none is (and then nothing is shown). Never overwrites.
 */
export async function writeAuditEntries(records: readonly AuditRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 100) {
    const chunk = records.slice(i, i + 100);
    if (chunk.length === 1) {
      await writeAuditEntry(chunk[0]!);
      continue;
    }
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: chunk.map((r) => ({ Put: put(r) })) }));
    } catch (e) {
      if (e instanceof TransactionCanceledException && e.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) {
        throw new AuditEntryExists('an audit entry of this batch already exists');
      }
      throw e;
    }
  }
}

const ENTRY_FIELDS = ['at', 'principal', 'person', 'action', 'referralId', 'placementId', 'agreementId', 'agreementVersion', 'purpose', 'outcome', 'fields', 'reasons', 'requestId'] as const;
const toEntry = (item: Record<string, unknown>): AuditEntry =>
  Object.fromEntries(ENTRY_FIELDS.filter((k) => item[k] !== undefined).map((k) => [k, item[k]])) as unknown as AuditEntry;

function trailQuery(scope: AuditScope) {
  if ('referralId' in scope) {
    const { pk } = keys.auditTrail(scope.referralId);
    return { TableName: config.tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': pk }, ConsistentRead: true };
  }
  if ('owner' in scope) {
    const { gsi1pk } = keys.auditByOwner(scope.owner);
    return { TableName: config.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': gsi1pk } };
  }
  const { gsi2pk } = keys.auditOfRegion();
  return { TableName: config.tableName, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': gsi2pk } };
}

/**
 * A page of the trail, oldest first: of one referral (strongly consistent), of an owner's
 * referrals, or of the whole region. `list` names the list and the caller (domain/audit.ts
 * `auditListName`): the cursor is sealed to it, so any other cursor is a 400 naming `cursor`.
 */
export function listAudit(scope: AuditScope, page: { list: string; limit: number; cursor?: string }): Promise<Page<AuditEntry>> {
  return queryPage({ ...trailQuery(scope), ScanIndexForward: true }, { purpose: page.list, limit: page.limit, cursor: page.cursor, map: toEntry });
}

/**
 * The owning authority of a referral's trail: the referral's owner, or — once the referral has
 * expired before its trail — the owner its entries record. Undefined when neither exists.
 */
export async function trailOwner(referralId: string): Promise<string | undefined> {
  const referral = await getReferral(referralId);
  if (referral) return referral.owner;
  const page = await dynamo().send(
    new QueryCommand({
      TableName: config.tableName,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': keys.auditTrail(referralId).pk },
      ConsistentRead: true,
      Limit: 1,
    }),
  );
  const item = page.Items?.[0];
  return item ? String(item.owner) : undefined;
}
