import { londonToday } from '../domain/calendar-days.ts';
import { episodeSourceOf } from '../domain/placement-record.ts';
import { episodeRows, episodesCsv, requireExportYear } from '../domain/ssda903.ts';
import { allPlacements } from '../store/placements.ts';
import type { AuthorityCaller } from './caller.ts';

/** GET /v1/placements/ssda903: the year's SSDA903 episodes as CSV, and the file's name (apart from ./placements.ts, which the console carries without it). */
export async function episodesExport(c: AuthorityCaller, yearText: string) {
  const year = requireExportYear(yearText);
  const all = await allPlacements(c.principal.id, { today: londonToday() });
  return { csv: episodesCsv(episodeRows(all.map(episodeSourceOf), year)), filename: `ssda903-episodes-${c.principal.id}-${year}.csv` };
}
