import { readFileSync } from 'node:fs';
import { parsePrincipal } from '../../functions/domain/principal.ts';
import { createApiKey } from '../../functions/store/api-keys.ts';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.ts';
import { startGatewayProcess } from '../support/gateway-process.ts';


export { allOf, judge, missedTargets, type Miss } from './targets.ts';

/** What every benchmark gets, and what it reports. */
export interface BenchContext {
  baseUrl: string;
  /** The processes the hub runs in here, for CPU attribution (cpuMs). */
  pids: { dynamodb?: number; gateway?: number };
  keyFor(principal: string): Promise<string>;
  env: Record<string, string>;
}

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  /**
   * A target and whether this measurement meets it: give both, from `judge(value, op, limit)`
   * (./targets.ts), never by hand. A target without `ok: true` fails `npm run bench`.
   */
  target?: string;
  ok?: boolean;
}

export type Bench = (ctx: BenchContext) => Promise<BenchRow[]>;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** The middle value (the upper middle of an even count), without reordering `xs`. */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs fn n times (after warm-up) and answers the sorted durations in ms. */
export async function timeMany(n: number, fn: (i: number) => Promise<unknown> | unknown, warmup = Math.min(20, n)): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

export const round = (x: number, dp = 2) => Math.round(x * 10 ** dp) / 10 ** dp;

/**
 * CPU time (user + system, ms) a process has used so far: from /proc on Linux (clock ticks of
 * 10 ms), this process's own from process.cpuUsage(); NaN where neither can tell.
 */
export function cpuMs(pid: number | undefined = process.pid): number {
  if (pid === process.pid) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

export async function startBenchHub(): Promise<{ ctx: BenchContext; stop(): Promise<void> }> {
  const stack: LocalStack = await startLocalStack();
  const gateway = await startGatewayProcess(stack.env);
  const keys = new Map<string, Promise<string>>();
  const ctx: BenchContext = {
    baseUrl: gateway.baseUrl,
    pids: { dynamodb: stack.dynamoPid, gateway: gateway.pid },
    env: stack.env,
    keyFor: (p) => {
      if (!keys.has(p)) keys.set(p, createApiKey(parsePrincipal(p)!));
      return keys.get(p)!;
    },
  };
  return {
    ctx,
    stop: async () => {
      await gateway.stop();
      await stack.stop();
    },
  };
}
