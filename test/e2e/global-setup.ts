import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { startLocalHub, type LocalHub } from './local-hub.ts';
import { CHROMIUM } from './browser.ts';

/**
 * The browser tests' setup: Debian's Chromium (installed here with apt-get when missing — no npm
 * package downloads a browser), and one real local hub for the run (./local-hub.ts).
 */
let hub: LocalHub | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    e2eBaseUrl: string;
    e2eDataDir: string;
  }
}

export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = (...args: string[]) => execFileSync(root ? 'apt-get' : 'sudo', root ? args : ['-n', 'apt-get', ...args], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  console.log("installing Debian's chromium for the browser tests …");
  apt('update', '-qq');
  apt('install', '-y', '-qq', 'chromium');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is still missing after apt-get install chromium`);
}

export async function setup(project: TestProject): Promise<void> {
  ensureChromium();
  hub = await startLocalHub();
  project.provide('e2eBaseUrl', hub.baseUrl);
  project.provide('e2eDataDir', hub.dataDir);
}

export async function teardown(): Promise<void> {
  await hub?.stop();
}
