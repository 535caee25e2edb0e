import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from './ddb.ts';
import { notFound } from '../domain/errors.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import type { AuthoritySlug } from '../domain/reference/authorities.ts';
import { gbpOf, renderStoredLines, type PreparedBatch, type StoredRow } from '../domain/spend.ts';
import type { SpendBatchAnswer } from '../../schemas/spend.ts';
import { batchGet } from './batch-get.ts';
import { config, dynamo } from './config.ts';
import { deleteObjects, getObjectText, isNoSuchKey, openObject, putObject } from './objects.ts';
import * as keys from './keys.ts';
import { queryPage, type Page } from './paging.ts';
import { queryPrefix } from './query.ts';

/**
 * Spend batches: the accepted lines (NDJSON), what is kept of the batch as posted (its accepted
 * lines in its format) and its first answer live in S3 under `batches/<authority>/<batchId>/`;
 * DynamoDB holds the batch item and one index entry per month the batch has lines in. A batch
 * counts only once its DynamoDB items exist, and they are written — in one transaction — only
 * after every S3 object is in place; deletion removes the items first. A crash therefore leaves
 * at worst an uncounted object, never a counted batch whose lines are missing.
 *
 * Each attempt to store a batch writes objects of its own (a random name part): the same batch
 * posted many times at once never has two writers on one object, so no reader ever sees an
 * object half written — the committed item names the objects of the attempt that won, and the
 * others delete theirs.
 */

export interface BatchItem {
  authority: AuthoritySlug;
  batchId: string;
  receivedAt: string;
  format: 'csv' | 'json';
  lines: number;
  accepted: number;
  rejected: number;
  months: string[];
  monthLines: Record<string, number>;
  spendPence: number;
  linesKey: string;
  rawKey: string;
  answerKey: string;
}

export interface MonthBatchRef {
  authority: AuthoritySlug;
  batchId: string;
  linesKey: string;
  /** Lines of the batch in this month. */
  lines: number;
  receivedAt: string;
}

/** A batch as the API lists it. */
export function batchSummary(b: BatchItem) {
  return {
    batchId: b.batchId,
    authority: b.authority,
    receivedAt: b.receivedAt,
    format: b.format,
    lines: b.lines,
    accepted: b.accepted,
    rejected: b.rejected,
    months: b.months,
    spend: gbpOf(b.spendPence),
  };
}

export async function getBatch(authority: AuthoritySlug, batchId: string, consistent = true): Promise<BatchItem | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: config.tableName, Key: keys.spendBatch(authority, batchId), ConsistentRead: consistent }),
  );
  return Item as BatchItem | undefined;
}

/** The caller's own batch; 404 for none (another authority's batch is 404 too). */
export async function ownBatch(authority: AuthoritySlug, batchId: string): Promise<BatchItem> {
  const item = await getBatch(authority, batchId, false);
  if (!item) throw notFound('No such spend batch.');
  return item;
}

async function answerOf(item: BatchItem): Promise<SpendBatchAnswer> {
  const text = await getObjectText(item.answerKey);
  if (text === undefined) throw new Error(`batch ${item.batchId}: its first answer is missing from S3`);
  return JSON.parse(text) as SpendBatchAnswer;
}

const isConditionFailure = (e: unknown, index: number): boolean =>
  e instanceof TransactionCanceledException && e.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';
const isTransactionConflict = (e: unknown): boolean =>
  e instanceof TransactionCanceledException && (e.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');

async function transact(items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (e) {
      // Two batches touching the same month's change marker at once: retry with a short backoff.
      if (!isTransactionConflict(e) || attempt >= 8) throw e;
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt + Math.random() * 20));
    }
  }
}

/** Marks the months' spend as changed (rollups derive generatedAt from it). */
const monthChanged = (month: string, at: string) => ({
  Update: {
    TableName: config.tableName,
    Key: keys.spendMonthMeta(month),
    UpdateExpression: 'SET changedAt = :t, #type = :type',
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: { ':t': at, ':type': 'spendMonthMeta' },
  },
});

/**
 * Stores a batch once. Answers the first answer and whether this call created it: a batch with
 * the same accepted lines from the same authority answers the stored first answer.
 */
export async function commitBatch(batch: PreparedBatch, now = new Date()): Promise<{ created: boolean; answer: SpendBatchAnswer }> {
  const authority = batch.authority as AuthoritySlug;
  const existing = await getBatch(authority, batch.batchId);
  if (existing) return { created: false, answer: await answerOf(existing) };

  const answer: SpendBatchAnswer = { batchId: batch.batchId, accepted: batch.rows.length, rejected: batch.rejected };
  const attempt = randomBytes(8).toString('hex');
  const linesKey = keys.spendObject(authority, batch.batchId, `lines-${attempt}.ndjson`);
  const rawKey = keys.spendObject(authority, batch.batchId, `kept-${attempt}.${batch.format}`);
  const answerKey = keys.spendObject(authority, batch.batchId, `answer-${attempt}.json`);
  // Lines in canonical order: the object for a batch id has one content, whoever writes it.
  const canonical: PreparedBatch = { ...batch, rows: [...batch.rows].sort((a, b) => cmpRows(a, b)) };
  await Promise.all([
    putObject(linesKey, renderStoredLines(canonical), 'application/x-ndjson'),
    putObject(rawKey, batch.kept, batch.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json'),
    putObject(answerKey, `${JSON.stringify(answer)}\n`, 'application/json'),
  ]);

  const receivedAt = now.toISOString();
  const months = Object.keys(batch.months);
  const item: BatchItem & Record<string, unknown> = {
    ...keys.spendBatch(authority, batch.batchId),
    ...keys.spendBatchByTime(authority, receivedAt, batch.batchId),
    type: 'spendBatch',
    authority,
    batchId: batch.batchId,
    receivedAt,
    format: batch.format,
    lines: batch.lineCount,
    accepted: batch.rows.length,
    rejected: batch.rejected.length,
    months,
    monthLines: batch.months,
    spendPence: batch.spendPence,
    linesKey,
    rawKey,
    answerKey,
  };
  try {
    await transact([
      { Put: { TableName: config.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      ...months.map((month) => ({
        Put: {
          TableName: config.tableName,
          Item: {
            ...keys.spendMonthBatch(month, authority, batch.batchId),
            type: 'spendMonthBatch',
            authority,
            batchId: batch.batchId,
            linesKey,
            lines: batch.months[month]!,
            receivedAt,
          },
        },
      })),
      ...months.map((month) => monthChanged(month, receivedAt)),
    ]);
  } catch (e) {
    if (!isConditionFailure(e, 0)) {
      await deleteObjects([linesKey, rawKey, answerKey]).catch(() => undefined);
      throw e;
    }
    // The same batch was committed meanwhile: its first answer stands; this attempt's objects are surplus.
    await deleteObjects([linesKey, rawKey, answerKey]);
    const winner = (await getBatch(authority, batch.batchId))!;
    return { created: false, answer: await answerOf(winner) };
  }
  return { created: true, answer };
}

function cmpRows(a: StoredRow, b: StoredRow): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Deletes an authority's own batch: uncounted first (DynamoDB), then its objects. 404 when there is none. */
export async function deleteBatch(authority: AuthoritySlug, batchId: string, now = new Date()): Promise<void> {
  const item = await getBatch(authority, batchId);
  if (!item) throw notFound('No such spend batch.');
  const changedAt = now.toISOString();
  try {
    await transact([
      { Delete: { TableName: config.tableName, Key: keys.spendBatch(authority, batchId), ConditionExpression: 'attribute_exists(pk)' } },
      ...item.months.map((month) => ({ Delete: { TableName: config.tableName, Key: keys.spendMonthBatch(month, authority, batchId) } })),
      ...item.months.map((month) => monthChanged(month, changedAt)),
    ]);
  } catch (e) {
    if (isConditionFailure(e, 0)) throw notFound('No such spend batch.');
    throw e;
  }
  await deleteObjects([item.linesKey, item.rawKey, item.answerKey]);
}

/** What the hub kept of the caller's own batch as posted, with its format; 404 for none. */
export async function keptBatch(authority: AuthoritySlug, batchId: string): Promise<{ format: 'csv' | 'json'; text: string }> {
  const item = await ownBatch(authority, batchId);
  const text = await getObjectText(item.rawKey);
  if (text === undefined) throw notFound('No such spend batch.');
  return { format: item.format, text };
}

// ---------------------------------------------------------------- listing

/** An authority's own batches, newest first, a page at a time (the cursor is sealed for this list and caller). */
export function listBatches(
  caller: Extract<Principal, { kind: 'authority' }>,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<ReturnType<typeof batchSummary>>> {
  const { gsi1pk } = keys.spendBatchByTime(caller.id);
  return queryPage(
    {
      TableName: config.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': gsi1pk },
      ScanIndexForward: false,
    },
    { purpose: `spend-batches:${principalId(caller)}`, limit: page.limit, cursor: page.cursor, map: (i) => batchSummary(i as unknown as BatchItem) },
  );
}

// ---------------------------------------------------------------- reading a period

/** The batches with lines in a month (every authority's). */
export async function monthBatches(month: string): Promise<MonthBatchRef[]> {
  const items = await queryPrefix(keys.spendMonthBatchPrefix(month));
  return items.map((i) => ({
    authority: i.authority as AuthoritySlug,
    batchId: String(i.batchId),
    linesKey: String(i.linesKey),
    lines: Number(i.lines),
    receivedAt: String(i.receivedAt),
  }));
}

/** When each month's spend last changed (absent for a month that never had any). */
export async function monthsChangedAt(months: string[]): Promise<Map<string, string>> {
  const items = await batchGet(months.map((m) => keys.spendMonthMeta(m)), { consistent: true });
  return new Map(items.map((item) => [keys.spendMonthOf(item), String(item.changedAt)]));
}

export class BatchVanished extends Error {}

/**
 * Streams one batch's stored rows: the object is read chunk by chunk and each line parsed as it
 * completes, so memory holds one chunk and one line at a time.
 */
export async function streamBatchRows(linesKey: string, onRow: (row: StoredRow) => void, prefetched?: Promise<Readable>): Promise<void> {
  let body: Readable;
  try {
    body = await (prefetched ?? openObject(linesKey));
  } catch (e) {
    if (isNoSuchKey(e)) throw new BatchVanished(linesKey);
    throw e;
  }
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let header = true;
  // Each chunk's complete lines are parsed in one JSON.parse, as one array: far fewer calls and
  // slices than a parse per line. The header line (the first) is skipped.
  const take = (text: string): string => {
    let from = 0;
    if (header) {
      const nl = text.indexOf('\n');
      if (nl === -1) return text;
      header = false;
      from = nl + 1;
    }
    const last = text.lastIndexOf('\n');
    if (last < from) return text.slice(from);
    const rows = JSON.parse(`[${text.slice(from, last).replaceAll('\n', ',')}]`) as StoredRow[];
    for (let i = 0; i < rows.length; i++) onRow(rows[i]!);
    return text.slice(last + 1);
  };
  for await (const chunk of body) carry = take(carry + decoder.write(chunk as Buffer));
  carry = take(`${carry}${decoder.end()}\n`);
  if (carry.length) throw new Error(`${linesKey}: unterminated last line`);
}
