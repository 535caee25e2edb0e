import { spawn, type ChildProcess } from 'node:child_process';
import { SERVE_ENV, SERVE_NODE_FLAGS } from '../../infra/local/stack.ts';

export interface GatewayProcess {
  baseUrl: string;
  pid?: number;
  stop(): Promise<void>;
}

/**
 * The local gateway (infra/local/serve.ts) in its own process, as the tests, the isolated hubs and
 * the benchmarks run it: on the stack `env` points at, with the flags and environment of a process
 * that serves the routes (infra/local/stack.ts SERVE_NODE_FLAGS, SERVE_ENV), silent, on a free
 * port; `extra` adds to its environment. BENCH_CPU_PROF=<dir>: it writes a V8 CPU profile there
 * when it stops (node --cpu-prof).
 */
export async function startGatewayProcess(env: Record<string, string | undefined>, extra: Record<string, string> = {}): Promise<GatewayProcess> {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const gateway: ChildProcess = spawn(process.execPath, [...SERVE_NODE_FLAGS, ...profile, '--import', 'tsx', 'infra/local/serve.ts'], {
    env: { ...process.env, ...env, ...SERVE_ENV, PORT: '0', LOG_LEVEL: 'SILENT', ...extra },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    gateway.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    gateway.once('exit', (code) => reject(new Error(`gateway exited ${code}: ${out}`)));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: gateway.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (gateway.exitCode !== null || gateway.signalCode !== null) return resolve();
        gateway.once('exit', () => resolve());
        gateway.kill('SIGTERM');
      }),
  };
}
