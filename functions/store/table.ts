/**
 * The one table and one bucket, as data: infra/stack.ts declares them in AWS and
 * infra/local/provision.ts creates the very same ones on DynamoDB Local and the S3 server.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  /** The table's stream carries each new outbox record to delivery (functions/events/). */
  stream: 'NEW_IMAGE',
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
} as const;

export type IndexName = (typeof TABLE.indexes)[number]['name'];

/** Seconds since the epoch, as DynamoDB TTL wants it. */
export function ttlAfter(seconds: number, now = Date.now()): number {
  return Math.floor(now / 1000) + seconds;
}
