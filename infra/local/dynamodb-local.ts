import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

/**
 * The official DynamoDB Local (AWS's own emulator: transactions, conditions, TTL, GSIs).
 * It ships inside the npm package amplify-dynamodb-simulator; we `npm pack` that package
 * once into a per-user cache and unpack only its `emulator/` folder (the jar, its libs and
 * the Linux sqlite4java library). Never committed: it is AWS's binary under its own licence.
 */
const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';

export function cacheDir(): string {
  return process.env.HUB_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'commission-east-hub');
}

export function ensureDynamoDbLocal(): string {
  const dir = join(cacheDir(), 'dynamodb-local');
  if (existsSync(join(dir, 'DynamoDBLocal.jar'))) return dir;
  mkdirSync(cacheDir(), { recursive: true });
  const work = join(tmpdir(), `ddb-local-${process.pid}-${Date.now()}`);
  mkdirSync(work, { recursive: true });
  console.log(`fetching DynamoDB Local (${PACKAGE}) into ${dir} …`);
  execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], { stdio: ['ignore', 'pipe', 'inherit'] });
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${PACKAGE} produced no tarball`);
  execFileSync('tar', ['-xzf', join(work, tgz), '-C', work, 'package/emulator']);
  rmSync(dir, { recursive: true, force: true });
  renameSync(join(work, 'package', 'emulator'), dir);
  rmSync(work, { recursive: true, force: true });
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningDynamo {
  endpoint: string;
  /** DynamoDB Local's own (Java) process id. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Runs its arguments (java …) so that they die with the node process that started them, however
 * that process ends: the shell holds the write end of a pipe only node has, and when the pipe
 * reaches end of file (node exited, crashed or was killed with SIGKILL) it kills Java. A SIGTERM
 * to the shell is passed on to Java (a clean stop); its exit status is Java's. The first line
 * of output is Java's process id.
 */
const WATCHDOG = `
exec 3<&0
"$@" </dev/null 3<&- &
java=$!
echo "dynamodb-local-pid $java"
( while read -r _; do :; done; kill -KILL "$java" 2>/dev/null ) <&3 &
watcher=$!
exec 3<&-
trap 'kill -TERM "$java" 2>/dev/null' TERM INT HUP
status=0
while kill -0 "$java" 2>/dev/null; do wait "$java"; status=$?; done
kill "$watcher" 2>/dev/null
exit $status
`;

/** Consecutive 5xx answers after which a DynamoDB Local that is up is taken as unable to serve. */
const BROKEN_AFTER = 5;

/**
 * Starts DynamoDB Local with -sharedDb: persisted under dbPath, or in memory when dbPath is
 * undefined. It dies with this process (WATCHDOG); if it cannot serve, it is stopped and the
 * error says why.
 */
export async function startDynamoDbLocal(opts: { dbPath?: string; port?: number }): Promise<RunningDynamo> {
  const dir = ensureDynamoDbLocal();
  const port = opts.port ?? (await freePort());
  if (opts.dbPath) mkdirSync(opts.dbPath, { recursive: true });
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-Xmx1g',
    '-jar', join(dir, 'DynamoDBLocal.jar'),
    '-sharedDb',
    ...(opts.dbPath ? ['-dbPath', opts.dbPath] : ['-inMemory']),
    '-port', String(port),
  ];
  // stdin is the pipe the watchdog waits on: never written, closed only by this process ending
  const child = spawn('/bin/sh', ['-c', WATCHDOG, 'dynamodb-local', process.env.JAVA ?? 'java', ...args], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    child.stdin?.destroy();
  };
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 120_000;
    let failures = 0;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode ?? child.signalCode}):\n${output}`);
      try {
        const res = await fetch(endpoint, { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0', authorization: 'AWS4-HMAC-SHA256 Credential=local/20200101/eu-west-2/dynamodb/aws4_request, SignedHeaders=host, Signature=x' }, body: '{}' });
        const text = await res.text();
        if (res.status < 500) break;
        if (++failures >= BROKEN_AFTER) {
          throw new Error(`DynamoDB Local cannot serve${opts.dbPath ? ` the database in ${opts.dbPath}` : ''} (HTTP ${res.status}: ${text.slice(0, 300)})${/not a database|SQLiteException/.test(output) ? ': its SQLite file is not a database' : ''}`);
        }
      } catch (e) {
        if ((e as Error).message.startsWith('DynamoDB Local cannot serve')) throw e;
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not start in 120 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    endpoint,
    pid: Number(/dynamodb-local-pid (\d+)/.exec(output)?.[1] ?? child.pid),
    stop,
  };
}
