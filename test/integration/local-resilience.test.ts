import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from '../support/hub.ts';
import { homeBody, newUrn } from './homes-fixtures.ts';

/**
 * `npm start` (infra/local/start.ts) is the hub's embedded default: it must survive being killed
 * at any moment — SIGKILL of its whole process group or of its node process alone, while
 * DynamoDB Local starts, while the table and bucket are provisioned, while demo data is seeded,
 * in the middle of writes — and start again with every acknowledged write there, no manual
 * repair, and no DynamoDB Local left behind.
 */

const dirs: string[] = [];
const running = new Set<ChildProcess>();
afterAll(() => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, 'SIGKILL');
  // whatever a failed assertion left running on these temporary folders (this test started it)
  for (const d of dirs) for (const p of processesOf(d)) process.kill(Number(p.split(':')[0]), 'SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hub-resilience-'));
  dirs.push(d);
  return d;
}

/** The environment of a shell that never ran a hub: none of this test run's endpoints or names. */
function cleanEnv(dir: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|TABLE_NAME|BUCKET_NAME|CURSOR_SECRET)/.test(k)));
  return { ...env, HUB_DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'SILENT' };
}

interface Hub {
  child: ChildProcess;
  output(): string;
  exit: Promise<number | null>;
  /** Resolves when the output matches; rejects if the hub exits first. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
}

function startHub(dir: string): Hub {
  // its own process group, as a terminal gives `npm start`, so the test can kill the group
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], { env: cleanEnv(dir), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exit,
    output: () => out,
    waitFor: (pattern, ms = 180_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no ${pattern} in ${ms} ms:\n${out}`)), ms);
        const check = () => {
          const m = pattern.exec(out);
          if (m) done(undefined, m);
        };
        const exited = () => done(new Error(`the hub exited (${child.exitCode ?? child.signalCode}) before ${pattern}:\n${out}`));
        function done(err?: Error, m?: RegExpExecArray) {
          clearTimeout(timer);
          child.stdout!.off('data', check);
          child.stderr!.off('data', check);
          child.off('exit', exited);
          if (err) reject(err);
          else resolve(m!);
        }
        child.stdout!.on('data', check);
        child.stderr!.on('data', check);
        child.once('exit', exited);
        check();
      }),
  };
}

async function ready(hub: Hub): Promise<string> {
  const m = await hub.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  return m[1]!;
}

/** kill -9 of the process group (everything `npm start` runs) or of the hub's node process alone. */
async function kill9(hub: Hub, what: 'group' | 'node'): Promise<void> {
  process.kill(what === 'group' ? -hub.child.pid! : hub.child.pid!, 'SIGKILL');
  await hub.exit;
  running.delete(hub.child);
}

/** Live processes whose command line names this data dir (DynamoDB Local runs with -dbPath <dir>/dynamodb). */
function processesOf(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(dir) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')) found.push(`${pid}: ${cmd.slice(0, 120)}`);
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

async function expectNoProcessesOf(dir: string): Promise<void> {
  const until = Date.now() + 5_000;
  while (processesOf(dir).length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  expect(processesOf(dir)).toEqual([]);
}

/** Ctrl-C's way: SIGTERM, exit 0, nothing left running. */
async function stopCleanly(hub: Hub, dir: string): Promise<void> {
  hub.child.kill('SIGTERM');
  expect(await hub.exit).toBe(0);
  running.delete(hub.child);
  await expectNoProcessesOf(dir);
}

const demoKeys = (dir: string): Record<string, string> => JSON.parse(readFileSync(join(dir, 'demo-keys.json'), 'utf8'));

interface Acked {
  what: string;
  path: string;
  key: string;
  /** Something the answer to GET path must contain. */
  expect: string;
}

/**
 * Writes over HTTP until told to stop (or the hub dies): provider homes, a vacancy in each, and
 * authority spend batches (DynamoDB and S3). Only what was answered 2xx is recorded.
 */
function writeContinuously(base: string, keys: Record<string, string>) {
  const acked: Acked[] = [];
  let stopped = false;
  const provider = keys['provider:harbour-care']!;
  const authority = keys['authority:essex']!;
  const send = (key: string, method: string, path: string, body: unknown) =>
    call(null, method, path, { baseUrl: base, headers: { 'x-api-key': key }, body });
  const homes = async () => {
    while (!stopped) {
      const urn = newUrn();
      const home = await send(provider, 'PUT', `/v1/homes/${urn}`, homeBody({ name: `Kill ${urn}` }));
      if (home.status !== 201) throw new Error(`PUT home: ${home.status} ${home.text}`);
      acked.push({ what: 'home', path: `/v1/homes/${urn}`, key: provider, expect: `Kill ${urn}` });
      const vacancy = await send(provider, 'POST', `/v1/homes/${urn}/vacancies`, { beds: 1, availableFrom: '2025-01-01', note: `kill ${urn}` });
      if (vacancy.status !== 201) throw new Error(`POST vacancy: ${vacancy.status} ${vacancy.text}`);
      acked.push({ what: 'vacancy', path: `/v1/vacancies/${vacancy.json.id}`, key: provider, expect: `kill ${urn}` });
    }
  };
  let n = 0;
  const spend = async () => {
    while (!stopped) {
      const ref = `KILL-${Date.now().toString(36)}-${n++}`;
      const r = await send(authority, 'POST', '/v1/spend/batches', {
        lines: [{ period: '2024-05', providerName: 'Kill Test Care', placementType: 'K2', placementProvider: 'PR4', childRef: ref, amount: 100 + n }],
      });
      if (r.status !== 201) throw new Error(`POST spend batch: ${r.status} ${r.text}`);
      acked.push({ what: 'spend batch', path: `/v1/spend/batches/${r.json.batchId}/raw`, key: authority, expect: ref });
    }
  };
  const workers = [homes(), homes(), spend(), spend()].map((w) => w.catch((e: Error) => (stopped ? undefined : e)));
  return {
    acked,
    /** Resolves once at least n writes are acknowledged. */
    async atLeast(count: number): Promise<void> {
      while (acked.length < count) {
        const failed = await Promise.race([...workers, new Promise((r) => setTimeout(() => r(undefined), 50))]);
        if (failed instanceof Error) throw failed;
      }
    },
    async end(): Promise<void> {
      stopped = true;
      await Promise.all(workers);
    },
  };
}

async function expectAllReadBack(base: string, acked: readonly Acked[]): Promise<void> {
  const missing: string[] = [];
  for (const a of acked) {
    const r = await call(null, 'GET', a.path, { baseUrl: base, headers: { 'x-api-key': a.key } });
    if (r.status !== 200 || !r.text.includes(a.expect)) missing.push(`${a.what} ${a.path}: ${r.status} ${r.text.slice(0, 200)}`);
  }
  expect(missing).toEqual([]);
}

describe('the embedded local hub under kill -9', () => {
  it('starts again after kills while provisioning, while seeding and mid-write, with every acknowledged write there and no DynamoDB Local left behind', async () => {
    const dir = dataDir();

    // killed (the whole process group) while provisioning the table and bucket, then while seeding
    for (const phase of [/provisioning the table/, /seeding demo/]) {
      const hub = startHub(dir);
      await hub.waitFor(phase);
      await kill9(hub, 'group');
      await expectNoProcessesOf(dir);
    }

    // writes, then kill -9 of the hub's node process alone in the middle of them: what it
    // started (DynamoDB Local) must not outlive it
    let hub = startHub(dir);
    let base = await ready(hub);
    const writes = writeContinuously(base, demoKeys(dir));
    await writes.atLeast(12);
    await kill9(hub, 'node');
    await writes.end();
    await expectNoProcessesOf(dir);

    // and again mid-write, the whole group this time
    hub = startHub(dir);
    base = await ready(hub);
    await expectAllReadBack(base, writes.acked);
    const more = writeContinuously(base, demoKeys(dir));
    await more.atLeast(12);
    await kill9(hub, 'group');
    await more.end();

    hub = startHub(dir);
    base = await ready(hub);
    await expectAllReadBack(base, [...writes.acked, ...more.acked]);
    await stopCleanly(hub, dir);
  }, 600_000);

  it('repairs the 0-byte metadata file an S3 write killed midway leaves, by itself', async () => {
    const dir = dataDir();
    const bucketDir = join(dir, 's3', 'commission-east-hub');
    mkdirSync(join(bucketDir, 'interrupted'), { recursive: true });
    writeFileSync(join(bucketDir, 'interrupted', 'batch._S3rver_object'), '{"lines":[]}');
    writeFileSync(join(bucketDir, 'interrupted', 'batch._S3rver_metadata.json'), '');
    const hub = startHub(dir);
    const base = await ready(hub);
    expect((await call(null, 'GET', '/v1/health', { baseUrl: base })).status).toBe(200);
    const writes = writeContinuously(base, demoKeys(dir));
    await writes.atLeast(4);
    await writes.end();
    await expectAllReadBack(base, writes.acked);
    await stopCleanly(hub, dir);
  }, 300_000);

  it('a start that fails after DynamoDB Local is up stops it, and says why', async () => {
    const dir = dataDir();
    // not something a kill leaves (SQLite rolls back its journal), so not repaired: refused, clearly
    mkdirSync(join(dir, 'dynamodb'));
    writeFileSync(join(dir, 'dynamodb', 'shared-local-instance.db'), 'this is not an SQLite database, it is only text '.repeat(200));
    const hub = startHub(dir);
    expect(await hub.exit).not.toBe(0);
    running.delete(hub.child);
    expect(hub.output()).toMatch(/cannot start/);
    await expectNoProcessesOf(dir);
  }, 300_000);
});
