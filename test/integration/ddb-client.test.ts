import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ConditionalCheckFailedException, DynamoDBServiceException, ThrottlingException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand as SdkPutCommand, GetCommand as SdkGetCommand } from '@aws-sdk/lib-dynamodb';
import { config, dynamo } from '../../functions/store/config.ts';
import { DynamoDb, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '../../functions/store/ddb.ts';
import { useAwsIdentity } from '../../functions/store/sigv4.ts';

/**
 * The store's DynamoDB client (functions/store/ddb.ts) against DynamoDB Local: what the document
 * client answered (items as plain objects, sets, numbers, undefined removed), the SDK's own
 * exception classes with their wire-form members, commands of the SDK itself, and the retries of
 * the SDK's standard mode against a server that throttles.
 */
describe('the store DynamoDB client', () => {
  const pk = `DDBTEST#${randomUUID()}`;

  it('writes and reads items as the document client did: maps, lists, sets, numbers; undefined left out', async () => {
    const item = { pk, sk: 'A', n: 42, f: 1.5, s: 'x', b: true, nul: null, list: [1, 'two', { three: 3 }], map: { a: { b: [true] } }, set: new Set(['K1', 'K2']), gone: undefined };
    const put = await dynamo().send(new PutCommand({ TableName: config.tableName, Item: item }));
    expect(put.$metadata.httpStatusCode).toBe(200);
    const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: { pk, sk: 'A' }, ConsistentRead: true }));
    const { gone: _gone, ...stored } = item;
    expect(Item).toEqual(stored);
    expect(Item && 'gone' in Item).toBe(false);
    const { Attributes } = await dynamo().send(new UpdateCommand({
      TableName: config.tableName, Key: { pk, sk: 'A' }, UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'ALL_NEW',
    }));
    expect(Attributes?.n).toBe(43);
    const { Items, Count } = await dynamo().send(new QueryCommand({ TableName: config.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }));
    expect([Count, Items?.[0]?.set]).toEqual([1, new Set(['K1', 'K2'])]);
  });

  it("refuses with the SDK's exception classes, the item that stood in wire form as the SDK leaves it", async () => {
    const cond = { TableName: config.tableName, Item: { pk, sk: 'B', v: 1 }, ConditionExpression: 'attribute_not_exists(pk)' };
    await dynamo().send(new PutCommand(cond));
    const e = await dynamo().send(new PutCommand({ ...cond, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConditionalCheckFailedException);
    expect(e).toMatchObject({ name: 'ConditionalCheckFailedException', $fault: 'client', $metadata: { httpStatusCode: 400, attempts: 1 }, Item: { pk: { S: pk }, sk: { S: 'B' }, v: { N: '1' } } });
    const t = await dynamo().send(new TransactWriteCommand({
      TransactItems: [{ Put: { ...cond, Item: { pk, sk: 'C' } } }, { Put: { ...cond, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } }],
    })).catch((x: unknown) => x);
    expect(t).toBeInstanceOf(TransactionCanceledException);
    expect((t as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect((t as TransactionCanceledException).CancellationReasons?.[1]?.Item).toMatchObject({ v: { N: '1' } });
  });

  it("sends the SDK's own commands (tests and benches use them) the same way", async () => {
    await dynamo().send(new SdkPutCommand({ TableName: config.tableName, Item: { pk, sk: 'D', tags: new Set(['a']) } }));
    const { Item } = await dynamo().send(new SdkGetCommand({ TableName: config.tableName, Key: { pk, sk: 'D' }, ConsistentRead: true }));
    expect(Item).toEqual({ pk, sk: 'D', tags: new Set(['a']) });
  });

  it('a transactional write sent again with its ClientRequestToken (a retry after a lost answer) succeeds without writing again', async () => {
    const key = { pk, sk: 'TOKEN' };
    const write = (token: string) =>
      dynamo().send(new TransactWriteCommand({ ClientRequestToken: token, TransactItems: [{ Update: { TableName: config.tableName, Key: key, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } } }] }));
    const token = randomUUID();
    await write(token);
    await write(token);
    expect((await dynamo().send(new GetCommand({ TableName: config.tableName, Key: key, ConsistentRead: true }))).Item?.n).toBe(1);
    await write(randomUUID());
    expect((await dynamo().send(new GetCommand({ TableName: config.tableName, Key: key, ConsistentRead: true }))).Item?.n).toBe(2);
  });

  describe('retries as the SDK standard mode does', () => {
    let server: Server | undefined;
    afterAll(() => server?.close());
    /** A DynamoDB endpoint that answers `answers` in turn (then 200 `{}`), counting the calls. */
    async function endpoint(answers: { status: number; type: string }[]): Promise<{ url: string; calls: () => number }> {
      let calls = 0;
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          const a = answers[calls++];
          res.writeHead(a?.status ?? 200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `r${calls}` });
          res.end(JSON.stringify(a ? { __type: `com.amazonaws.dynamodb.v20120810#${a.type}`, message: a.type } : {}));
        });
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const { port } = server.address() as { port: number };
      return { url: `http://127.0.0.1:${port}`, calls: () => calls };
    }
    const withEndpoint = async <T>(url: string, fn: (c: DynamoDb) => Promise<T>): Promise<T> => {
      const before = process.env.AWS_ENDPOINT_URL_DYNAMODB;
      process.env.AWS_ENDPOINT_URL_DYNAMODB = url;
      try {
        return await fn(new DynamoDb({ maxAttempts: 3 }));
      } finally {
        process.env.AWS_ENDPOINT_URL_DYNAMODB = before;
        server?.close();
      }
    };

    it('throttling and 5xx are retried until an answer, within maxAttempts', async () => {
      const { url, calls } = await endpoint([{ status: 400, type: 'ThrottlingException' }, { status: 500, type: 'InternalServerError' }]);
      const out = await withEndpoint(url, (c) => c.send(new GetCommand({ TableName: 't', Key: { pk: 'x' } })));
      expect([calls(), out.$metadata.attempts, out.Item]).toEqual([3, 3, undefined]);
    });

    it('gives up after maxAttempts with the last error, and never retries a refusal', async () => {
      const throttled = await endpoint([1, 2, 3, 4].map(() => ({ status: 400, type: 'ThrottlingException' })));
      const e = await withEndpoint(throttled.url, (c) => c.send(new GetCommand({ TableName: 't', Key: { pk: 'x' } }))).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ThrottlingException);
      expect([throttled.calls(), (e as ThrottlingException).$metadata.attempts]).toEqual([3, 3]);
      const invalid = await endpoint([{ status: 400, type: 'ValidationException' }]);
      const v = await withEndpoint(invalid.url, (c) => c.send(new GetCommand({ TableName: 't', Key: { pk: 'x' } }))).catch((x: unknown) => x);
      expect(v).toBeInstanceOf(DynamoDBServiceException);
      expect([invalid.calls(), (v as Error).name, (v as DynamoDBServiceException).$metadata.httpStatusCode]).toEqual([1, 'ValidationException', 400]);
    });

    it("a transactional write carries one ClientRequestToken through its retries (made as the SDK makes it, or the caller's own)", async () => {
      const tokens: unknown[] = [];
      const answers = [500, 500];
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          tokens.push((JSON.parse(Buffer.concat(chunks).toString()) as { ClientRequestToken?: unknown }).ClientRequestToken);
          const status = answers.shift() ?? 200;
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify(status === 200 ? {} : { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'x' }));
        });
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const { port } = server.address() as { port: number };
      const put = { Put: { TableName: 't', Item: { pk: 'x' } } };
      const out = await withEndpoint(`http://127.0.0.1:${port}`, (c) => c.send(new TransactWriteCommand({ TransactItems: [put] })));
      expect(out.$metadata.attempts).toBe(3);
      expect(tokens).toHaveLength(3);
      expect(tokens[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(new Set(tokens).size).toBe(1);
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          tokens.push((JSON.parse(Buffer.concat(chunks).toString()) as { ClientRequestToken?: unknown }).ClientRequestToken);
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
          res.end('{}');
        });
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const second = (server.address() as { port: number }).port;
      await withEndpoint(`http://127.0.0.1:${second}`, async (c) => {
        await c.send(new TransactWriteCommand({ ClientRequestToken: 'mine', TransactItems: [put] }));
        await c.send(new TransactWriteCommand({ TransactItems: [put] }));
      });
      expect(tokens[3]).toBe('mine');
      expect(tokens[4]).not.toBe(tokens[0]); // a new write, a new token
    });

    it('credentials that come back within 5 minutes of expiry are fetched again once, then used (never asked for without end)', async () => {
      const { url, calls } = await endpoint([]);
      let asked = 0;
      useAwsIdentity({
        credentials: async () => {
          if (++asked > 5) throw new Error('asked for credentials without end');
          return { accessKeyId: 'NEARLYEXPIRED', secretAccessKey: 'x', expiration: new Date(Date.now() + 60_000) };
        },
      });
      try {
        await withEndpoint(url, (c) => c.send(new GetCommand({ TableName: 't', Key: { pk: 'x' } })));
      } finally {
        useAwsIdentity(undefined);
      }
      expect([asked, calls()]).toEqual([2, 1]);
    });

    it('an answer cut off mid-body is a network failure, retried; never half an answer', async () => {
      let calls = 0;
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          const body = JSON.stringify({ Item: { pk: { S: 'x' }, n: { N: String(++calls) } } });
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(Buffer.byteLength(body)) });
          if (calls < 3) {
            res.write(body.slice(0, 10));
            setTimeout(() => res.socket?.destroy(), 5);
          } else res.end(body);
        });
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const { port } = server.address() as { port: number };
      const out = await withEndpoint(`http://127.0.0.1:${port}`, (c) => c.send(new GetCommand({ TableName: 't', Key: { pk: 'x' } })));
      expect([calls, out.$metadata.attempts, out.Item]).toEqual([3, 3, { pk: 'x', n: 3 }]);
    });
  });
});
