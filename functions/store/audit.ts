import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { config, dynamo } from './config.ts';
import { keys } from './keys.ts';
import { decodeCursor, encodeCursor } from './referrals.ts';
import { ttlAfter } from './table.ts';

/**
 * The disclosure audit trail. Entries are write-once: a conditional put that never replaces an
 * entry; nothing in the hub updates or deletes one (DynamoDB's TTL expires them when the
 * agreement's audit retention ends).
 */

export interface AuditEntry {
  at: string;
  principal: string;
  action: 'read' | 'list' | 'respond';
  referralId: string;
  agreementId: string;
  agreementVersion: string;
  purpose: string;
  outcome: 'allowed' | 'denied';
  fields: string[];
  reasons: string[];
  requestId: string;
}

export class AuditEntryExists extends Error {
  override name = 'AuditEntryExists';
}

function auditItem(entry: AuditEntry, owner: string, retentionDays: number) {
  return {
    ...keys.auditEntry(entry.referralId, entry.at, entry.requestId),
    ...keys.auditByOwner(owner, entry.at, entry.referralId, entry.requestId),
    ...keys.auditOfRegion(entry.at, entry.referralId, entry.requestId),
    type: 'audit',
    ...entry,
    owner,
    ttl: ttlAfter(retentionDays * 86_400, Date.parse(entry.at)),
  };
}

/** Writes one entry, filed under the referral and its owning authority. Never overwrites. */
export async function writeAuditEntry(entry: AuditEntry, owner: string, retentionDays: number): Promise<void> {
  try {
    await dynamo().send(
      new PutCommand({ TableName: config.tableName, Item: auditItem(entry, owner, retentionDays), ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) {
      throw new AuditEntryExists(`audit entry ${entry.referralId} ${entry.at} ${entry.requestId} already exists`);
    }
    throw e;
  }
}

/**
 * Writes many entries (a provider's list page) in one transaction of conditional puts: all are
 * written or none is (and then nothing is shown). Never overwrites.
 */
export async function writeAuditEntries(entries: readonly { entry: AuditEntry; owner: string; retentionDays: number }[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    if (chunk.length === 1) {
      await writeAuditEntry(chunk[0]!.entry, chunk[0]!.owner, chunk[0]!.retentionDays);
      continue;
    }
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: chunk.map(({ entry, owner, retentionDays }) => ({
            Put: { TableName: config.tableName, Item: auditItem(entry, owner, retentionDays), ConditionExpression: 'attribute_not_exists(pk)' },
          })),
        }),
      );
    } catch (e) {
      if (e instanceof TransactionCanceledException && e.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) {
        throw new AuditEntryExists('an audit entry of this batch already exists');
      }
      throw e;
    }
  }
}

const ENTRY_FIELDS = ['at', 'principal', 'action', 'referralId', 'agreementId', 'agreementVersion', 'purpose', 'outcome', 'fields', 'reasons', 'requestId'] as const;
const toEntry = (item: Record<string, unknown>): AuditEntry =>
  Object.fromEntries(ENTRY_FIELDS.map((k) => [k, item[k]])) as unknown as AuditEntry;

export type AuditScope = { referralId: string } | { owner: string } | { region: true };

const BaseCursor = z.strictObject({ sk: z.string().min(1) });
const OwnerCursor = z.strictObject({ pk: z.string().startsWith('AUDIT#'), sk: z.string().min(1), gsi1sk: z.string().min(1) });
const RegionCursor = z.strictObject({ pk: z.string().startsWith('AUDIT#'), sk: z.string().min(1), gsi2sk: z.string().min(1) });

/**
 * A page of the trail, oldest first: of one referral (strongly consistent), of an owner's
 * referrals, or of the whole region. `cursor` null means the cursor was not one of ours.
 */
export async function listAudit(scope: AuditScope, limit: number, cursor?: string): Promise<{ items: AuditEntry[]; nextCursor?: string } | null> {
  let query: ConstructorParameters<typeof QueryCommand>[0];
  let start: Record<string, unknown> | undefined;
  if ('referralId' in scope) {
    const { pk } = keys.auditTrail(scope.referralId);
    if (cursor !== undefined) {
      const c = decodeCursor(cursor, BaseCursor);
      if (!c) return null;
      start = { pk, sk: c.sk };
    }
    query = { TableName: config.tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': pk }, ConsistentRead: true };
  } else if ('owner' in scope) {
    const { gsi1pk } = keys.auditByOwner(scope.owner);
    if (cursor !== undefined) {
      const c = decodeCursor(cursor, OwnerCursor);
      if (!c) return null;
      start = { ...c, gsi1pk };
    }
    query = { TableName: config.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': gsi1pk } };
  } else {
    const { gsi2pk } = keys.auditOfRegion();
    if (cursor !== undefined) {
      const c = decodeCursor(cursor, RegionCursor);
      if (!c) return null;
      start = { ...c, gsi2pk };
    }
    query = { TableName: config.tableName, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': gsi2pk } };
  }
  const page = await dynamo().send(new QueryCommand({ ...query, Limit: limit, ExclusiveStartKey: start, ScanIndexForward: true }));
  const items = (page.Items ?? []).map(toEntry);
  const last = page.LastEvaluatedKey;
  let nextCursor: string | undefined;
  if (last) {
    const { gsi1pk: _a, gsi2pk: _b, ...rest } = last;
    nextCursor = encodeCursor('referralId' in scope ? { sk: rest.sk } : rest);
  }
  return { items, ...(nextCursor ? { nextCursor } : {}) };
}

/** The owning authority recorded on a referral's trail (for when the referral itself has expired). */
export async function auditTrailOwner(referralId: string): Promise<string | undefined> {
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
