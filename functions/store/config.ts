import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Configuration read once at cold start. In Lambda the stack sets TABLE_NAME and BUCKET_NAME;
 * locally infra/local points AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_S3 at DynamoDB Local
 * and the S3 server, and the same code runs unchanged. The S3 client lives in ./s3.ts so that
 * Lambdas that never touch S3 do not carry it.
 */
export const config = {
  get tableName(): string {
    return process.env.TABLE_NAME ?? 'commission-east-hub';
  },
  get bucketName(): string {
    return process.env.BUCKET_NAME ?? 'commission-east-hub';
  },
};

let ddb: DynamoDBDocumentClient | undefined;
const resetters: (() => void)[] = [];

export function dynamo(): DynamoDBDocumentClient {
  ddb ??= DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 8 }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return ddb;
}

/** Other clients (./s3.ts) register here to be rebuilt when endpoints change. */
export function onResetClients(fn: () => void): void {
  resetters.push(fn);
}

/** For tests and the local launcher, after changing endpoints. */
export function resetClients(): void {
  ddb = undefined;
  for (const fn of resetters) fn();
}
