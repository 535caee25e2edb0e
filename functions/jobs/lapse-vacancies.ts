import { log } from '../http/log.ts';
import { lapseExpiredVacancies } from '../store/vacancies.ts';

/**
 * Scheduled (hourly): every open vacancy not reconfirmed for 7 days becomes `lapsed` and leaves
 * the open-vacancy index. Reads only the expired end of each open partition of the index (no
 * Scan). Search never depended on it: it reads only unexpired vacancies.
 */
const logger = log.child({ job: 'lapse-vacancies' });

export async function handler(): Promise<{ lapsed: number; queries: number }> {
  const result = await lapseExpiredVacancies(new Date());
  logger.info('lapse-vacancies', { ...result });
  return result;
}
