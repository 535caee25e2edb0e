import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ensureDynamoDbLocal, freePort } from '../../infra/local/dynamodb-local.ts';

/**
 * Does DynamoDB Local keep every write it acknowledged when Java is killed with SIGKILL?
 * Starts it on a temporary -dbPath, writes from several concurrent writers (TransactWriteItems
 * of a new item + a counter update, as a vacancy post does; or single PutItems), records what was
 * answered 200, SIGKILLs Java mid-write, starts it again on the same folder and reads every
 * acknowledged item back. `transact-barrier` sends one ListTables after each transaction before
 * counting it acknowledged (what functions/store/config.ts does): it waits behind the COMMIT that
 * DynamoDB Local queued but did not wait for. Run it with a CPU hog (`yes >/dev/null &` twice) to
 * widen the window as a loaded machine does. Usage: tsx test/bench/ddb-kill-durability.ts [transact|transact-barrier|put] [rounds] [extra java flags…]
 */

const mode = (process.argv[2] ?? 'transact') as 'transact' | 'transact-barrier' | 'put';
const rounds = Number(process.argv[3] ?? 3);
const extra = process.argv.slice(4);
const WRITERS = 4;

async function start(dbPath: string): Promise<{ java: ChildProcess; client: DynamoDBDocumentClient }> {
  const dir = ensureDynamoDbLocal();
  const port = await freePort();
  const java = spawn('java', [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), '-sharedDb', '-dbPath', dbPath, '-port', String(port), ...extra], {
    cwd: dir,
    stdio: 'ignore',
  });
  const raw = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'eu-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  const client = DynamoDBDocumentClient.from(raw);
  for (;;) {
    try {
      await client.send(new GetCommand({ TableName: 'kill-test', Key: { pk: 'x', sk: 'x' } }));
      break;
    } catch (e) {
      if ((e as Error).name === 'ResourceNotFoundException') {
        await raw.send(new CreateTableCommand({ TableName: 'kill-test', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }] }));
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { java, client };
}

async function round(n: number): Promise<{ acked: number; missing: string[]; counters: string[] }> {
  const dbPath = mkdtempSync(join(tmpdir(), 'ddb-kill-'));
  try {
    let { java, client } = await start(dbPath);
    const acked: { id: string; home: string }[] = [];
    const counts = new Map<string, number>();
    let stop = false;
    const writer = async (w: number) => {
      const home = `home-${w}`;
      await client.send(new PutCommand({ TableName: 'kill-test', Item: { pk: home, sk: home, version: 1, openBeds: 0 } }));
      while (!stop) {
        const id = randomUUID();
        const item = { pk: `vac-${id}`, sk: `vac-${id}`, home, note: `note ${id}` };
        try {
          if (mode !== 'put') {
            await client.send(
              new TransactWriteCommand({
                TransactItems: [
                  { Put: { TableName: 'kill-test', Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
                  { Update: { TableName: 'kill-test', Key: { pk: home, sk: home }, UpdateExpression: 'SET openBeds = openBeds + :d', ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':d': 1, ':v': 1 } } },
                ],
              }),
            );
            // a request that waits its turn on DynamoDB Local's SQLite queue, after the COMMIT
            if (mode === 'transact-barrier') await client.send(new ListTablesCommand({ Limit: 1 }));
          } else {
            await client.send(new PutCommand({ TableName: 'kill-test', Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
          }
        } catch {
          return; // killed
        }
        acked.push({ id, home });
        counts.set(home, (counts.get(home) ?? 0) + 1);
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
    await new Promise((r) => setTimeout(r, 1500 + Math.random() * 2000));
    const exited = new Promise((r) => java.once('exit', r));
    java.kill('SIGKILL');
    stop = true;
    await exited;
    await Promise.all(writers);
    ({ java, client } = await start(dbPath));
    const missing: string[] = [];
    for (const a of acked) {
      const { Item } = await client.send(new GetCommand({ TableName: 'kill-test', Key: { pk: `vac-${a.id}`, sk: `vac-${a.id}` }, ConsistentRead: true }));
      if (!Item) missing.push(a.id);
    }
    const counters: string[] = [];
    if (mode !== 'put') {
      for (const [home, c] of counts) {
        const { Item } = await client.send(new GetCommand({ TableName: 'kill-test', Key: { pk: home, sk: home }, ConsistentRead: true }));
        if (Number(Item?.openBeds) < c) counters.push(`${home}: counter ${Item?.openBeds} < ${c} acked`);
      }
    }
    const exit2 = new Promise((r) => java.once('exit', r));
    java.kill('SIGKILL');
    await exit2;
    console.log(`round ${n} (${mode}${extra.length ? ` ${extra.join(' ')}` : ''}): ${acked.length} acked, ${missing.length} missing${missing.length ? ` (${missing.slice(0, 3).join(', ')}…)` : ''}${counters.length ? `; ${counters.join('; ')}` : ''}`);
    return { acked: acked.length, missing, counters };
  } finally {
    rmSync(dbPath, { recursive: true, force: true });
  }
}

let lost = 0;
for (let i = 1; i <= rounds; i++) {
  const r = await round(i);
  lost += r.missing.length + r.counters.length;
}
console.log(lost === 0 ? 'every acknowledged write survived' : `LOST acknowledged writes in ${lost} place(s)`);
process.exit(lost === 0 ? 0 : 1);
