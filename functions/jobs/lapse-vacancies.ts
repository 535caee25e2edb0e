import { log } from '../http/log.ts';
import { indexOpenVacanciesByPlace, lapseExpiredVacancies } from '../store/vacancies.ts';

/**
 * Scheduled (hourly): every open vacancy not reconfirmed for 7 days becomes `lapsed` and leaves
 * the open-vacancy indexes. Reads only the expired end of each open partition of the index (no
 * Scan). Search never depended on it: it reads only unexpired vacancies. On a table whose open
 * vacancies were posted before the index by place existed, it first puts them in that index
 * (once; search reads every open vacancy by type until then).
 */
const logger = log.child({ job: 'lapse-vacancies' });

export async function handler(): Promise<{ lapsed: number; queries: number; indexedByPlace: number }> {
  const indexedByPlace = await indexOpenVacanciesByPlace();
  const result = { ...(await lapseExpiredVacancies(new Date())), indexedByPlace };
  logger.info('lapse-vacancies', { ...result });
  return result;
}
