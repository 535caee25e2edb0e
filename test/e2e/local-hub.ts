import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The real local hub for browser tests: `npm start` itself (infra/local/start.ts) in a child
 * process, on a free port and a fresh data folder, with its embedded OpenID provider and demo
 * people, keys and data. Stopped with SIGTERM (it stops DynamoDB Local and the S3 server with it).
 */
export interface LocalHub {
  baseUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

export interface DemoPerson {
  email: string;
  password: string;
  principal: string;
  roles: string[];
}

export async function startLocalHub(): Promise<LocalHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-e2e-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
    env: { ...process.env, PORT: '0', HUB_DATA_DIR: dataDir, LOG_LEVEL: 'SILENT' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the local hub did not start in 180 s:\n${out}`)), 180_000);
    const read = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the local hub exited ${code}:\n${out}`));
    });
  });
  return {
    baseUrl,
    dataDir,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(kill);
          rmSync(dataDir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export const demoPeople = (dataDir: string): DemoPerson[] => JSON.parse(readFileSync(join(dataDir, 'demo-people.json'), 'utf8')) as DemoPerson[];
export const demoKeys = (dataDir: string): Record<string, string> => JSON.parse(readFileSync(join(dataDir, 'demo-keys.json'), 'utf8')) as Record<string, string>;

export function person(dataDir: string, principal: string, role: string): DemoPerson {
  const p = demoPeople(dataDir).find((x) => x.principal === principal && x.roles.includes(role));
  if (!p) throw new Error(`no demo person for ${principal} with role ${role}`);
  return p;
}
