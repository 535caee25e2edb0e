import { jobs } from '../../functions/routes/index.ts';

/**
 * The scheduled jobs `npm start` runs locally, on an interval instead of EventBridge's schedule:
 * the same handler code the stack schedules (functions/jobs/<name>.ts). Only jobs whose effect a
 * person at the local hub would miss run here: the reminders (events), every minute
 * (HUB_REMINDERS_SECONDS to change it; 0 turns it off). A run that fails is logged and the next
 * one tries again.
 */
const LOCAL_JOBS = { reminders: () => import('../../functions/jobs/reminders.ts') } as const satisfies Partial<Record<keyof typeof jobs, unknown>>;

export function startLocalJobs(say: (line: string) => void = console.log): () => void {
  const seconds = Number(process.env.HUB_REMINDERS_SECONDS ?? 60);
  if (!(seconds > 0)) return () => undefined;
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      await (await LOCAL_JOBS.reminders()).handler();
    } catch (e) {
      say(`the reminders job failed: ${(e as Error).message}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), seconds * 1000);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
