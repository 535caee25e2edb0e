import { DeleteCommand, TransactWriteCommand } from './ddb.ts';
import { addressed, EVENT_RETENTION_DAYS } from '../domain/events.ts';
import { mapBounded } from './bounded.ts';
import { config, dynamo } from './config.ts';
import { eventPuts } from './events.ts';
import { newId } from './ids.ts';
import * as keys from './keys.ts';
import { cancelled, type TransactItem } from './offer-record.ts';
import { queryAll } from './query.ts';
import { ttlAfter } from './table.ts';

/**
 * The tail of an acceptance (CONTRACT "Events": no change without its event). Accepting an offer
 * releases each open rival's hold and tells its provider `offer.superseded`; a transaction takes
 * 100 items, so with many rivals some of those writes come after it. Lest a crash in between lose
 * them, the acceptance's own transaction also writes the rest as one or more tail items (per
 * rival: its hold release, if any, and to whom its event goes), and this module writes them: at
 * once after the commit, and — for a tail some crash left behind — again from the reminders job
 * (functions/jobs/reminders.ts) once it is older than a minute. Each rival is written with a
 * write-once mark of its own (keys.supersededSent) in the same transaction (25 rivals to one; one
 * by one should any condition fail), so writing a tail twice, or two writers at once, makes each
 * event and release exactly once; the event is dated
 * when it is written, so the feed (which reads by date) never has one appear behind a reader.
 * The tail item is deleted once every rival is written.
 */

/** Rivals per tail item (an item stays far below DynamoDB's 400 KB). */
export const TAIL_GROUPS = 100;
/** A tail older than this is taken to be left behind by a crash. */
export const TAIL_STALE_MS = 60_000;

/** Test-only fault seams: a throw here stands for a process dying at that point. Never set outside tests. */
export const tailFaults: { afterCommit?: () => void; beforeBatch?: (index: number) => void } = {};

/** One rival as a tail keeps it: its hold release (no table name: the writer's own is used), and its offer.superseded. */
export interface TailRival {
  offerId: string;
  recipient: string;
  release?: Record<string, unknown>;
}

export interface Tail {
  referralId: string;
  n: number;
  rivals: TailRival[];
}

/** How many tail items `rivals` rivals need. */
export const tailsFor = (rivals: number): number => Math.ceil(rivals / TAIL_GROUPS);

/** A rival for a tail: its hold release (an Update, or none) and its event's recipient. */
export function tailRival(offerId: string, recipient: string, release: TransactItem | undefined): TailRival {
  if (!release?.Update) return { offerId, recipient };
  const { TableName: _, ...rest } = release.Update;
  return { offerId, recipient, release: rest };
}

/** The tail items of `rivals`, as Puts for the acceptance's transaction. */
export function tailPuts(referralId: string, rivals: readonly TailRival[], now: Date): { puts: TransactItem[]; tails: Tail[] } {
  const tails: Tail[] = [];
  for (let i = 0; i < rivals.length; i += TAIL_GROUPS) tails.push({ referralId, n: tails.length, rivals: rivals.slice(i, i + TAIL_GROUPS) });
  const createdAt = now.toISOString();
  const puts = tails.map((t): TransactItem => ({
    Put: {
      TableName: config.tableName,
      Item: { ...keys.supersedeTail(referralId, t.n), ...keys.supersedeTailAt(createdAt, referralId, t.n), type: 'supersede-tail', referralId, n: t.n, createdAt, rivals: t.rivals },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  }));
  return { puts, tails };
}

/** A rival's write-once mark, hold release (if any) and event, as transaction items in that order. */
function rivalItems(r: TailRival, withRelease = true): TransactItem[] {
  const mark: TransactItem = {
    Put: {
      TableName: config.tableName, Item: { ...keys.supersededSent(r.offerId), type: 'superseded-sent', ttl: ttlAfter(EVENT_RETENTION_DAYS * 86_400) },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
  const release: TransactItem[] = withRelease && r.release ? [{ Update: { ...r.release, TableName: config.tableName } as NonNullable<TransactItem['Update']> }] : [];
  return [mark, ...release, ...eventPuts(addressed('offer.superseded', r.offerId, [r.recipient], new Date(), () => newId()))];
}

/**
 * Writes one rival once, on its own. A failed mark condition: written before. A failed release
 * condition (the hold already gone: released, or the vacancy withdrawn): the mark and the event
 * are written without it.
 */
async function writeRival(r: TailRival): Promise<void> {
  for (const withRelease of r.release ? [true, false] : [false]) {
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: rivalItems(r, withRelease) }));
      return;
    } catch (e) {
      const reasons = cancelled(e);
      if (!reasons) throw e;
      if (reasons[0] === 'ConditionalCheckFailed') return; // written before
      if (!(withRelease && reasons[1] === 'ConditionalCheckFailed')) throw e; // a conflict: the tail stays, tried again
    }
  }
}

/** Rivals written in one transaction (≤ 3 items each, under the 100 of a transaction). */
const BATCH = 25;
/** Batches, and rivals written one by one, at once. */
const WIDTH = 4;

/** A batch in one transaction; should any condition fail (a rival written before, a hold gone), each rival on its own. */
async function writeBatch(rivals: readonly TailRival[]): Promise<void> {
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: rivals.flatMap((r) => rivalItems(r)) }));
    return;
  } catch (e) {
    if (!cancelled(e)) throw e;
  }
  await mapBounded(rivals, WIDTH, writeRival);
}

/** Writes every rival of a tail, then deletes it. Throws (leaving the tail for the job) when one cannot be written now. */
export async function finishTail(t: Tail): Promise<void> {
  const batches: TailRival[][] = [];
  for (let i = 0; i < t.rivals.length; i += BATCH) batches.push(t.rivals.slice(i, i + BATCH));
  await mapBounded(batches, WIDTH, async (b, i) => {
    tailFaults.beforeBatch?.(i);
    await writeBatch(b);
  });
  await dynamo().send(new DeleteCommand({ TableName: config.tableName, Key: keys.supersedeTail(t.referralId, t.n) }));
}

/** Tails older than TAIL_STALE_MS at `now` (left behind by a crash), finished: how many, and why any could not be (left for the next run). The reminders job calls it. */
export async function finishStaleTails(now = new Date()): Promise<{ finished: number; failed: string[] }> {
  const cutoff = new Date(now.getTime() - TAIL_STALE_MS).toISOString();
  const items = await queryAll({
    TableName: config.tableName,
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :p AND gsi2sk < :cutoff',
    ExpressionAttributeValues: { ':p': keys.supersedeTails.gsi2pk, ':cutoff': cutoff },
  });
  let finished = 0;
  const failed: string[] = [];
  for (const i of items) {
    try {
      await finishTail({ referralId: i.referralId as string, n: i.n as number, rivals: i.rivals as TailRival[] });
      finished++;
    } catch (e) {
      failed.push(`${i.referralId as string}: ${(e as Error).message}`);
    }
  }
  return { finished, failed };
}
