import { log } from '../http/log.ts';
import { periodHasStarted, periodsOfMonth, ukDate } from '../domain/spend.ts';
import { NoSpendForPeriod, runRollup } from '../store/rollups.ts';

/**
 * The nightly rollup (EventBridge, functions/routes/index.ts `jobs.rollup`): this month and last month,
 * with the calendar quarters and financial years they fall in. Same inputs give byte-identical
 * objects, so re-running an unchanged period is harmless. Older periods are rolled up on demand
 * (`POST /v1/rollups`, `hub rollup --period`).
 */
const logger = log.child({ job: 'rollup' });

export function nightlyPeriods(today: string): string[] {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const thisMonth = `${y}-${String(m).padStart(2, '0')}`;
  const lastMonth = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  return [...new Set([...periodsOfMonth(lastMonth), ...periodsOfMonth(thisMonth)])];
}

export async function handler(event?: { time?: string }, now = new Date()): Promise<{ rolledUp: string[]; skipped: string[] }> {
  const today = ukDate(event?.time ? new Date(event.time) : now);
  const rolledUp: string[] = [];
  const skipped: string[] = [];
  for (const period of nightlyPeriods(today)) {
    // The event's time chooses the periods; the clock decides whether each has begun (an event
    // replayed or mis-dated ahead of time never publishes a period dated in the future).
    if (!periodHasStarted(period, now)) {
      logger.warn('period not started', { period });
      skipped.push(period);
      continue;
    }
    try {
      const run = await runRollup(period, { skipEmpty: true });
      rolledUp.push(period);
      logger.info('rollup', { period, generatedAt: run.generatedAt, batches: run.batches, lines: run.lines });
    } catch (e) {
      if (!(e instanceof NoSpendForPeriod)) throw e;
      skipped.push(period);
    }
  }
  return { rolledUp, skipped };
}
