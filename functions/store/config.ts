import { DynamoDb, ListTablesCommand } from './ddb.ts';
import { inLambda, required, resetCursorSecret, resetWebhookKey } from './env.ts';

/**
 * Configuration, read once and checked at once. In Lambda the stack sets TABLE_NAME and
 * BUCKET_NAME, and a missing one fails the cold start (this module is loaded at init), not the
 * hundredth request. Locally infra/local sets them, with AWS_ENDPOINT_URL_DYNAMODB /
 * AWS_ENDPOINT_URL_S3 pointing at DynamoDB Local and the S3 server; the same code runs
 * unchanged. The S3 client lives in ./s3.ts so that Lambdas that never touch S3 do not carry it;
 * the cursor secret in ./env.ts (no SDK) so that Lambdas that never touch the table do not either.
 */
export interface HubConfig {
  tableName: string;
  bucketName: string;
}

let loaded: HubConfig | undefined;

/** The configuration, read from the environment the first time and checked whole. */
export function loadConfig(): HubConfig {
  loaded ??= {
    tableName: required('TABLE_NAME', /^[\w.-]{3,255}$/),
    bucketName: required('BUCKET_NAME', /^[a-z0-9.-]{3,63}$/),
  };
  return loaded;
}

export const config: Readonly<HubConfig> = {
  get tableName(): string {
    return loadConfig().tableName;
  },
  get bucketName(): string {
    return loadConfig().bucketName;
  },
};

// In Lambda: checked now, at cold start.
if (inLambda()) loadConfig();

let ddb: DynamoDb | undefined;
const resetters: (() => void)[] = [];

/** The one DynamoDB client (./ddb.ts), made on first use. */
export function dynamo(): DynamoDb {
  if (!ddb) {
    ddb = new DynamoDb({ maxAttempts: 8, marshallOptions: { removeUndefinedValues: true } });
    if (process.env.AWS_ENDPOINT_URL_DYNAMODB) awaitLocalCommits(ddb);
  }
  return ddb;
}

/** The calls DynamoDB Local answers before their SQLite COMMIT has run. */
const COMMITTED_LATER = new Set(['TransactWriteItemsCommand', 'ExecuteTransactionCommand']);

/**
 * DynamoDB Local (1.25) answers a TransactWriteItems (and an ExecuteTransaction) as soon as it
 * has queued the transaction's COMMIT on its one SQLite connection, without waiting for it: a
 * kill -9 in between loses a write the hub had acknowledged (test/bench/ddb-kill-durability.ts,
 * test/integration/dynamodb-local-commit.test.ts). Every other call waits for its turn on that
 * same queue, so one ListTables after the transaction returns only once the COMMIT has run:
 * a transactional write resolves when it is on disk, and fails if DynamoDB Local dies first.
 * Only for an endpoint other than AWS's (DynamoDB Local: npm start, the tests, the CLI).
 */
function awaitLocalCommits(client: DynamoDb): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (COMMITTED_LATER.has(context.commandName ?? '')) await client.send(new ListTablesCommand({ Limit: 1 }));
      return out;
    },
    { step: 'initialize', name: 'awaitDynamoDbLocalCommit' },
  );
}

/** Other clients (./s3.ts) register here to be rebuilt when endpoints change. */
export function onResetClients(fn: () => void): void {
  resetters.push(fn);
}

/** For tests and the local launcher, after changing endpoints, table, bucket or cursor secret: all read again. */
export function resetClients(): void {
  ddb = undefined;
  loaded = undefined;
  resetCursorSecret();
  resetWebhookKey();
  for (const fn of resetters) fn();
}
