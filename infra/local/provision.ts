import {
  CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException, UpdateTimeToLiveCommand,
  type AttributeDefinition,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { TABLE } from '../../functions/store/table.ts';
import { config } from '../../functions/store/config.ts';

/**
 * Creates on DynamoDB Local and the S3 server the same table (keys, GSIs, TTL) and bucket that
 * infra/stack.ts declares, from the same definitions (functions/store/table.ts). Idempotent.
 */
export async function provisionTable(client = new DynamoDBClient({})): Promise<void> {
  const TableName = config.tableName;
  try {
    await client.send(new DescribeTableCommand({ TableName }));
    return;
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
  }
  const names = new Set<string>([TABLE.partitionKey, TABLE.sortKey, ...TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  const AttributeDefinitions: AttributeDefinition[] = [...names].map((AttributeName) => ({ AttributeName, AttributeType: 'S' }));
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions,
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE.indexes.map((i) => ({
        IndexName: i.name,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true } }),
  );
}

export async function provisionBucket(client = new S3Client({ forcePathStyle: true })): Promise<void> {
  const Bucket = config.bucketName;
  try {
    await client.send(new HeadBucketCommand({ Bucket }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket }));
  }
}
