import { required, signedHeaders } from '../store/env.ts';

/**
 * The two SQS calls delivery makes (SendMessageBatch, ChangeMessageVisibility), in SQS's JSON
 * protocol, SigV4-signed with the signer the DynamoDB client carries anyway (store/env.ts):
 * @aws-sdk/client-sqs would add its weight to Lambdas kept under their bundle budget for two calls.
 * AWS_ENDPOINT_URL_SQS points it elsewhere, as it does the SDK.
 */
async function call(action: 'SendMessageBatch' | 'ChangeMessageVisibility', input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const url = new URL(process.env.AWS_ENDPOINT_URL_SQS ?? `https://sqs.${required('AWS_REGION')}.amazonaws.com/`);
  const body = JSON.stringify(input);
  const headers = await signedHeaders('sqs', url, 'application/x-amz-json-1.0', `AmazonSQS.${action}`, body);
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`SQS ${action}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Sends messages, 10 to a call; throws naming any SQS did not take. */
export async function sendAll(QueueUrl: string, bodies: readonly string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const Entries = bodies.slice(i, i + 10).map((MessageBody, n) => ({ Id: String(n), MessageBody }));
    const out = await call('SendMessageBatch', { QueueUrl, Entries });
    const failed = (out.Failed as { Id: string; Message?: string }[] | undefined) ?? [];
    if (failed.length > 0) throw new Error(`SQS took ${Entries.length - failed.length} of ${Entries.length} messages: ${failed[0]!.Message ?? ''}`);
  }
}

/** The message comes back after `seconds` (0–43200): the next attempt's time. */
export async function retryIn(QueueUrl: string, ReceiptHandle: string, seconds: number): Promise<void> {
  await call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle, VisibilityTimeout: Math.max(0, Math.min(43_200, Math.ceil(seconds))) });
}
