import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { required } from '../store/env.ts';
import { jobsFor } from './jobs.ts';
import { sendAll } from './sqs.ts';

/**
 * The table's stream → the delivery queue (AWS). The event source mapping passes only new outbox
 * records (INSERT, pk beginning `EVENTS#`: infra/stack.ts); each becomes one SQS message per
 * webhook of its recipient that takes its type (./deliver.ts jobsFor). A record that fails is
 * reported, so the stream retries from it (the queue may then hold a message twice: the receiver
 * sees the same webhook-id).
 */
const QUEUE_URL = required('DELIVERY_QUEUE_URL', /^https:\/\//);

export const handler = async (e: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  for (const record of e.Records) {
    try {
      const image = record.dynamodb?.NewImage;
      const jobs = await jobsFor(image ? unmarshall(image as Parameters<typeof unmarshall>[0]) : undefined);
      await sendAll(QUEUE_URL, jobs.map((j) => JSON.stringify(j)));
    } catch (err) {
      console.error(JSON.stringify({ level: 'ERROR', message: 'enqueueing an event failed', sequence: record.dynamodb?.SequenceNumber, error: (err as Error).message }));
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber! }] };
    }
  }
  return { batchItemFailures: [] };
};
