import { randomUUID } from 'node:crypto';
import * as keys from '../keys.ts';
import { queryAll } from '../query.ts';
import { record, table, type TransactItem } from './records.ts';

/** A pooled bed's audit trail: one write-once entry per allocation, end and step-down, in the same transaction. */

export function auditPut(bedId: string, entry: Record<string, unknown>, at: string): TransactItem {
  const id = randomUUID();
  return {
    Put: {
      TableName: table(),
      Item: { ...keys.poolAudit(bedId, at, id), type: 'poolAudit', id, at, bedId, ...entry },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** A bed's audit trail, oldest first (for operators and tests). */
export async function bedAudit(bedId: string): Promise<Array<Record<string, unknown>>> {
  const { pk } = keys.poolAuditTrail(bedId);
  const items = await queryAll({ TableName: table(), KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': pk } });
  return items.map((i) => record<Record<string, unknown>>(i));
}
