import { AUTHORITY_SLUGS } from '../../schemas/codes.ts';
import { dayNumber, londonToday } from '../domain/calendar-days.ts';
import { isKnownCollectionYear } from '../domain/placement.ts';
import { episodeSourceOf, overdueNotices } from '../domain/placement-record.ts';
import type { AuthoritySlug } from '../domain/reference/authorities.ts';
import { episodeRows, episodesCsv } from '../domain/ssda903.ts';
import { allPlacements } from '../store/placements.ts';
import { toCsv, toTable } from './pool.ts';

/**
 * `hub placements …`, for people who work at a terminal, against the store the CLI is configured
 * for (local by default):
 *
 *   hub placements export --year 2025-26 --authority essex > episodes.csv
 *   hub placements overdue [--authority <slug>] [--csv]
 *
 * The export is exactly what GET /v1/placements/ssda903 answers the authority; the overdue list
 * every reg 13(4) notice not sent and due before today (Europe/London), of one authority or all.
 */

/** The authority named by --authority, or a one-line error. */
export function authorityArg(slug: string): AuthoritySlug {
  if (!(AUTHORITY_SLUGS as readonly string[]).includes(slug)) throw new Error(`--authority must be one of ${AUTHORITY_SLUGS.join(', ')}; not ${slug}`);
  return slug as AuthoritySlug;
}

/** The SSDA903 episodes of an authority's placements in a collection year, as CSV. */
export async function placementsExport(opts: { year: string; authority: string }): Promise<string> {
  const authority = authorityArg(opts.authority);
  if (!isKnownCollectionYear(opts.year)) throw new Error(`--year must be a collection year the hub has SSDA903 code lists for (YYYY-YY, e.g. 2025-26); not ${opts.year}`);
  return episodesCsv(episodeRows((await allPlacements(authority, { today: londonToday() })).map(episodeSourceOf), opts.year));
}

export const OVERDUE_HEADER = ['authority', 'placementId', 'childRef', 'homeUrn', 'homeName', 'startDate', 'noticeId', 'to', 'dueBy', 'daysOverdue'] as const;

const days = (from: string, to: string) => dayNumber(to) - dayNumber(from);

/** Every overdue reg 13(4) notice (of one authority, or of all), most overdue first, as a table or CSV. */
export async function placementsOverdue(opts: { authority?: string; csv?: boolean; today?: string }): Promise<string> {
  const authority = opts.authority === undefined ? undefined : authorityArg(opts.authority);
  const today = opts.today ?? londonToday();
  const placements = await allPlacements(authority, { noticeOverdue: true, today });
  const rows = placements
    .flatMap((p) => overdueNotices(p, today).map((n) => [p.authority, p.id, p.childRef, p.homeUrn, p.homeName, p.startDate, n.id, n.to.name, n.dueBy, days(n.dueBy, today)] as const))
    .sort((a, b) => b[9] - a[9] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) || (a[1] < b[1] ? -1 : 1))
    .map((r) => [...r]);
  if (opts.csv) return `${toCsv(OVERDUE_HEADER, rows)}\n`;
  const who = authority ?? 'any authority';
  if (rows.length === 0) return `no reg 13(4) notice of ${who} is overdue on ${today}\n`;
  return `${toTable(OVERDUE_HEADER, rows, new Set([9]))}\n\n${rows.length} overdue reg 13(4) notice${rows.length === 1 ? '' : 's'} of ${who} on ${today}\n`;
}
