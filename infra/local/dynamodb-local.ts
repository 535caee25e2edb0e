import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
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
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local with -sharedDb: persisted under dbPath, or in memory when dbPath is undefined. */
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
  const child = spawn(process.env.JAVA ?? 'java', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(endpoint, { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0', authorization: 'AWS4-HMAC-SHA256 Credential=local/20200101/eu-west-2/dynamodb/aws4_request, SignedHeaders=host, Signature=x' }, body: '{}' });
      if (res.status < 500) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`DynamoDB Local did not start in 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    endpoint,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
