import {
  CreateTableCommand, DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, ResourceInUseException,
  ResourceNotFoundException, UpdateTableCommand, UpdateTimeToLiveCommand, type AttributeDefinition,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { TABLE } from '../../functions/store/table.ts';
import { config } from '../../functions/store/config.ts';

/**
 * Creates on DynamoDB Local and the S3 server the same table (keys, GSIs, TTL, stream) and bucket that
 * infra/stack.ts declares, from the same definitions (functions/store/table.ts). Idempotent, and
 * whole whatever step a previous run was killed in: each step is checked, not only the first.
 */
export async function provisionTable(client = new DynamoDBClient({})): Promise<void> {
  const TableName = config.tableName;
  if (!(await tableExists(client, TableName))) {
    try {
      await createTable(client, TableName);
    } catch (e) {
      if (!(e instanceof ResourceInUseException)) throw e; // made meanwhile (a `hub` command starting the same store)
    }
  }
  await addMissingIndexes(client, TableName);
  // the stream event delivery reads (infra/local/event-poller.ts), on a table made before it too
  const { Table } = await client.send(new DescribeTableCommand({ TableName }));
  if (!Table?.StreamSpecification?.StreamEnabled) {
    await client.send(new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.stream } }));
  }
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName }));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (status !== 'ENABLED' && status !== 'ENABLING') {
    await client.send(
      new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true } }),
    );
  }
}

/** A store made before an index was declared (e.g. gsi3, issue 16) gets it, one index per UpdateTable. */
async function addMissingIndexes(client: DynamoDBClient, TableName: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  for (const i of TABLE.indexes) {
    if (present.has(i.name)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName,
        AttributeDefinitions: [i.partitionKey, i.sortKey].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: i.name, KeySchema: [{ AttributeName: i.partitionKey, KeyType: 'HASH' }, { AttributeName: i.sortKey, KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } } }],
      }),
    );
  }
}

async function tableExists(client: DynamoDBClient, TableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName }));
    return true;
  } catch (e) {
    if (e instanceof ResourceNotFoundException) return false;
    throw e;
  }
}

async function createTable(client: DynamoDBClient, TableName: string): Promise<void> {
  const names = new Set<string>([TABLE.partitionKey, TABLE.sortKey, ...TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  const AttributeDefinitions: AttributeDefinition[] = [...names].map((AttributeName) => ({ AttributeName, AttributeType: 'S' }));
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.stream },
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
}

/**
 * Creates the bucket unless it is there. Not HeadBucket first: the S3 server answers it by
 * listing the bucket, so any unreadable object made it fail and the create that followed stop
 * on BucketAlreadyExists.
 */
export async function provisionBucket(client = new S3Client({ forcePathStyle: true })): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: config.bucketName }));
  } catch (e) {
    if (e instanceof S3ServiceException && (e.name === 'BucketAlreadyExists' || e.name === 'BucketAlreadyOwnedByYou')) return;
    throw e;
  }
}
