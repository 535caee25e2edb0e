import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand, DynamoDBStreamsClient, ExpiredIteratorException, GetRecordsCommand, GetShardIteratorCommand,
  TrimmedDataAccessException, type Shard, type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { config } from '../../functions/store/config.ts';
import { checkpoints, dueBy, enqueueDue, removeDue, rescheduleDue, saveCheckpoint, type Checkpoint, type Due } from '../../functions/store/due-deliveries.ts';
import { attemptDelivery, type DeliveryJob } from '../../functions/events/deliver.ts';
import { jobsForAll } from '../../functions/events/jobs.ts';

/**
 * Event delivery on the local hub (`npm start`): the same code as in AWS (functions/events/
 * deliver.ts), fed by a poller on DynamoDB Local's stream of the table instead of the stream
 * Lambda, with a retry queue in the table itself (functions/store/due-deliveries.ts) instead of
 * SQS. How far each shard was read is saved after each batch, so a hub stopped or killed between
 * a change and its delivery reads the outbox again from there when it starts: nothing is lost
 * (a batch read again may deliver an event twice; the `webhook-id` lets a receiver see that).
 */
/** How long a finished delivery is not started again from the due index (which may lag its removal). */
const FINISHED_MS = 10_000;
/** How often the table's stream and its shards are described again (a new shard is read within this). */
const DESCRIBE_MS = 2_000;
/** Due records written at once from one stream batch. */
const ENQUEUE_WIDTH = 16;

export interface EventDelivery {
  stop(): Promise<void>;
}

export interface EventDeliveryOptions {
  /** How often the stream and the retry queue are looked at when idle (ms). */
  idleMs?: number;
  /** Attempts in flight at once. */
  width?: number;
  say?: (line: string) => void;
}

export function startEventDelivery(opts: EventDeliveryOptions = {}): EventDelivery {
  const idleMs = opts.idleMs ?? 100;
  const width = opts.width ?? 32;
  const ddb = new DynamoDBClient({});
  const streams = new DynamoDBStreamsClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB });
  let stopped = false;
  const inFlight = new Map<string, Promise<void>>();
  const iterators = new Map<string, string>();
  let done = new Map<string, Checkpoint>();
  let loaded = false;
  let described: { at: number; arn: string; shards: Shard[] } | undefined;

  const report = (what: string, e: unknown) => {
    if (!stopped) opts.say?.(`event delivery: ${what}: ${(e as Error).message}`);
  };

  // ------------------------------------------------------------ the stream → the retry queue
  async function shardsOf(StreamArn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let ExclusiveStartShardId: string | undefined;
    do {
      const out = await streams.send(new DescribeStreamCommand({ StreamArn, ExclusiveStartShardId }));
      shards.push(...(out.StreamDescription?.Shards ?? []));
      ExclusiveStartShardId = out.StreamDescription?.LastEvaluatedShardId;
    } while (ExclusiveStartShardId);
    return shards;
  }

  async function iteratorFor(StreamArn: string, ShardId: string): Promise<string | undefined> {
    const kept = iterators.get(ShardId);
    if (kept) return kept;
    const at = done.get(ShardId)?.sequence;
    try {
      const out = await streams.send(new GetShardIteratorCommand(at
        ? { StreamArn, ShardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: at }
        : { StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
      return out.ShardIterator;
    } catch (e) {
      if (!(e instanceof TrimmedDataAccessException)) throw e;
      const out = await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
      return out.ShardIterator;
    }
  }

  /**
   * One batch of stream records: a due delivery per matching webhook of each new outbox record,
   * first attempt now. A recipient's webhooks are read once a batch; the due records are written
   * ENQUEUE_WIDTH at a time.
   */
  async function enqueue(records: readonly _Record[]): Promise<void> {
    const items = records.flatMap((r) => (r.eventName === 'INSERT' && r.dynamodb?.NewImage ? [unmarshall(r.dynamodb.NewImage as Parameters<typeof unmarshall>[0])] : []));
    const jobs = await jobsForAll(items);
    for (let i = 0; i < jobs.length; i += ENQUEUE_WIDTH) {
      await Promise.all(jobs.slice(i, i + ENQUEUE_WIDTH).map(async (job) => {
        const dueAt = new Date();
        await enqueueDue(job.webhookId, job.event.id, job, dueAt);
        // queued (durable): its first attempt starts now when there is room, not at the next look at the queue
        start({ job, attempt: 1, dueAt: dueAt.toISOString(), webhookId: job.webhookId, eventId: job.event.id });
      }));
    }
  }

  /** Reads every open shard once; true when any records came. */
  async function readStream(): Promise<boolean> {
    if (!loaded) {
      done = await checkpoints();
      loaded = true;
    }
    // the stream and its shards are described again only now and then (or when a shard ends), not on
    // every look: on a busy DynamoDB Local those two calls cost more than the GetRecords themselves
    if (!described || Date.now() - described.at > DESCRIBE_MS) {
      const table = await ddb.send(new DescribeTableCommand({ TableName: config.tableName }));
      const arn = table.Table?.LatestStreamArn;
      if (!arn) return false;
      described = { at: Date.now(), arn, shards: await shardsOf(arn) };
    }
    const { arn: StreamArn, shards } = described;
    let any = false;
    for (const shard of shards) {
      const id = shard.ShardId!;
      if (done.get(id)?.closed) continue;
      // a child shard waits until its parent is read to its end (records in order)
      const parent = shard.ParentShardId;
      if (parent && shards.some((s) => s.ShardId === parent) && !done.get(parent)?.closed) continue;
      let iterator = await iteratorFor(StreamArn, id);
      if (!iterator) continue;
      let out;
      try {
        out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      } catch (e) {
        if (!(e instanceof ExpiredIteratorException || e instanceof TrimmedDataAccessException)) throw e;
        iterators.delete(id);
        continue;
      }
      const records = out.Records ?? [];
      await enqueue(records);
      const last = records.at(-1)?.dynamodb?.SequenceNumber ?? done.get(id)?.sequence;
      const checkpoint: Checkpoint = { shardId: id, ...(last ? { sequence: last } : {}), ...(out.NextShardIterator ? {} : { closed: true }) };
      if (records.length > 0 || checkpoint.closed) await saveCheckpoint(checkpoint);
      done.set(id, checkpoint);
      iterator = out.NextShardIterator;
      if (iterator) iterators.set(id, iterator);
      else {
        iterators.delete(id);
        described = undefined; // a shard ended: its children are new
      }
      any ||= records.length > 0;
    }
    return any;
  }

  // ------------------------------------------------------------ the retry queue → receivers
  const keyOf = (d: Due<DeliveryJob>) => `${d.webhookId}#${d.eventId}`;
  /** Deliveries just finished, by when: the due index may still show one a moment after its removal. */
  const finished = new Map<string, number>();

  async function attempt(d: Due<DeliveryJob>): Promise<void> {
    const next = await attemptDelivery(d.job, d.attempt);
    if (next.next === 'retry') await rescheduleDue(d, d.attempt + 1, new Date(Date.now() + next.inMs));
    else {
      if (next.next === 'give-up') opts.say?.(`event delivery: gave up ${d.eventId} to ${d.webhookId} after ${d.attempt} attempts`);
      await removeDue(d);
      finished.set(keyOf(d), Date.now());
    }
  }

  /** Starts the due attempts there is room for; true when any were started. */
  async function sendDue(): Promise<boolean> {
    const room = width - inFlight.size;
    if (room <= 0) return false;
    for (const [k, at] of finished) if (Date.now() - at > FINISHED_MS) finished.delete(k);
    const due = (await dueBy<DeliveryJob>(new Date(), room + inFlight.size)).filter((d) => !inFlight.has(keyOf(d))).slice(0, room);
    let started = 0;
    for (const d of due) if (start(d)) started++;
    return started > 0;
  }

  /** Starts an attempt unless one of the same delivery is in flight or there is no room; true when started. */
  function start(d: Due<DeliveryJob>): boolean {
    const k = keyOf(d);
    if (stopped || inFlight.has(k) || finished.has(k) || inFlight.size >= width) return false;
    inFlight.set(k, attempt(d).catch((e) => report(`attempt of ${d.eventId}`, e)).finally(() => inFlight.delete(k)));
    return true;
  }

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const loop = async (name: string, step: () => Promise<boolean>) => {
    while (!stopped) {
      let busy = false;
      try {
        busy = await step();
      } catch (e) {
        report(name, e);
      }
      if (!busy) await sleep(idleMs);
    }
  };
  const running = Promise.all([loop('reading the stream', readStream), loop('sending', sendDue)]);

  return {
    stop: async () => {
      stopped = true;
      await running;
      await Promise.allSettled(inFlight.values());
      ddb.destroy();
      streams.destroy();
    },
  };
}
