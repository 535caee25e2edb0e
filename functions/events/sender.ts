import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { loadAgreements } from '../store/agreements.ts';
import { required } from '../store/env.ts';
import { attemptDelivery, type DeliveryJob } from './deliver.ts';
import { retryIn } from './sqs.ts';

/**
 * The delivery queue → receivers (AWS): one attempt per message (./deliver.ts, the same code the
 * local hub runs). The attempt's number is the message's receive count. A retry keeps the message
 * and hides it until the next attempt is due (ChangeMessageVisibility); a spent schedule lets it
 * come back at once, and SQS then moves it to the dead-letter queue (maxReceiveCount = the
 * schedule's attempts: infra/stack.ts), where an alarm watches it.
 */
const QUEUE_URL = required('DELIVERY_QUEUE_URL', /^https:\/\//);
loadAgreements(); // the consent check reads them: fail at cold start on an invalid one

export const handler = async (e: SQSEvent): Promise<SQSBatchResponse> => {
  const failures = await Promise.all(e.Records.map(async (m) => {
    try {
      const job = JSON.parse(m.body) as DeliveryJob;
      const next = await attemptDelivery(job, Number(m.attributes.ApproximateReceiveCount) || 1);
      if (next.next === 'done') return [];
      await retryIn(QUEUE_URL, m.receiptHandle, next.next === 'retry' ? next.inMs / 1000 : 0);
    } catch (err) {
      console.error(JSON.stringify({ level: 'ERROR', message: 'a delivery attempt failed', messageId: m.messageId, error: (err as Error).message }));
    }
    return [{ itemIdentifier: m.messageId }];
  }));
  return { batchItemFailures: failures.flat() };
};
