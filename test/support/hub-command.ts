import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, inject } from 'vitest';

/**
 * The `hub` command as an operator runs it: `node bin/hub.js …` in a child process, acting on
 * this run's local store (found, as for a running `npm start`, through endpoints.json in
 * HUB_DATA_DIR, which names a live process — this one). Call `hubCommand()` at a test file's top.
 */

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A runner of `hub …` for this file; `closeStdout` closes the reading end of its stdout at once, as `| head -0` would. */
export function hubCommand(): (args: string[], opts?: { closeStdout?: boolean }) => Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-cli-'));
  writeFileSync(join(dataDir, 'endpoints.json'), JSON.stringify({ pid: process.pid, ...inject('hubEnv') }));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  return (args, opts = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['bin/hub.js', ...args], {
        env: { ...process.env, HUB_DATA_DIR: dataDir, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      if (opts.closeStdout) child.stdout!.destroy();
      else child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
}
