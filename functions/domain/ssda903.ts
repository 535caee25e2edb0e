import { csvFormatRows } from 'd3-dsv';
import type { CollectionYear, PlacementProvider } from '../../schemas/codes.ts';
import { badRequest } from './errors.ts';
import { collectionYearBounds, isKnownCollectionYear } from './placement.ts';

/**
 * A placing authority's placements as SSDA903 episodes (the DfE "children looked after" return),
 * CSV-ready, so that the columns the hub fills load into the open SSDA903 validator
 * (data-to-insight/csc-validator-be-903) with no error once the authority adds its own columns
 * (RNE, LS, CIN, HOME_POST). The rule files cited are that validator's, `lac_validator/rules/`.
 * Pure.
 */

export const SSDA903_COLUMNS = [
  'CHILD', 'DECOM', 'RNE', 'LS', 'CIN', 'PLACE', 'PLACE_PROVIDER', 'DEC', 'REC', 'REASON_PLACE_CHANGE', 'HOME_POST', 'PL_POST', 'URN',
] as const;
export type Ssda903Column = (typeof SSDA903_COLUMNS)[number];
export type EpisodeRow = Record<Ssda903Column, string>;

/**
 * Temporary placements (T0–T4) and the other placements Z11–Z14 have no placement provider:
 * PLACE_PROVIDER must be blank for them (lac2025_26/rule_213.py; rule_178.py) and given for every
 * other type (lac2025_26/rule_526.py). Z1, their predecessor to 2024-25, likewise
 * (lac2022_23/rule_178.py, rule_526.py); from 2025-26 Z1 is no PLACE code at all (rule 146).
 */
export const NO_PLACE_PROVIDER: ReadonlySet<string> = new Set(['T0', 'T1', 'T2', 'T3', 'T4', 'Z1', 'Z11', 'Z12', 'Z13', 'Z14']);

/**
 * Placement types with no Ofsted URN: URN must be blank for them (lac2025_26/rule_222.py) and given
 * for every other type (lac2025_26/rule_218.py); Z1 to 2024-25 (lac2024_25/rule_218.py, rule_222.py).
 */
export const NO_URN: ReadonlySet<string> = new Set(['P1', 'P3', 'R1', 'R2', 'R5', ...NO_PLACE_PROVIDER]);

/** What an episode is made from: a placement and, for PL_POST, its home's full postcode when known. */
export interface EpisodeSource {
  childRef: string;
  startDate: string;
  endDate?: string;
  placementType: string;
  placementProvider: PlacementProvider;
  reasonEpisodeCeased?: string;
  reasonPlaceChange?: string;
  homeUrn: string;
  postcode?: string;
}

/** The collection year asked for, or 400 naming `year` when it is not `YYYY-YY` or the hub has no code lists for it. */
export function requireExportYear(year: string): CollectionYear {
  if (!isKnownCollectionYear(year)) {
    throw badRequest('The query is not valid.', [{ path: 'year', message: 'a collection year the hub has SSDA903 code lists for, YYYY-YY (e.g. 2025-26)' }]);
  }
  return year;
}

/** `YYYY-MM-DD` → `dd/mm/YYYY`. */
const ddmmyyyy = (date: string): string => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;

/** Whether the placement was open on any day of the collection year (1 April to 31 March). */
export function overlapsYear(p: Pick<EpisodeSource, 'startDate' | 'endDate'>, year: string): boolean {
  const { start, end } = collectionYearBounds(year);
  return p.startDate <= end && (p.endDate === undefined || p.endDate >= start);
}

/** One placement as its episode row for `year` (the caller has kept it to placements overlapping the year). */
export function episodeRow(p: EpisodeSource, year: string): EpisodeRow {
  const { end } = collectionYearBounds(year);
  // an episode ending after 31 March is open at the end of the year: no DEC, and so no REC or
  // REASON_PLACE_CHANGE (DEC and REC both or neither: lac2022_23/rule_148.py; no reason for an
  // episode not ceased: lac2025_26/rule_233.py)
  const ended = p.endDate !== undefined && p.endDate <= end;
  return {
    CHILD: p.childRef,
    DECOM: ddmmyyyy(p.startDate),
    RNE: '',
    LS: '',
    CIN: '',
    PLACE: p.placementType,
    PLACE_PROVIDER: NO_PLACE_PROVIDER.has(p.placementType) ? '' : p.placementProvider,
    DEC: ended ? ddmmyyyy(p.endDate!) : '',
    REC: ended ? (p.reasonEpisodeCeased ?? '') : '',
    REASON_PLACE_CHANGE: ended ? (p.reasonPlaceChange ?? '') : '',
    HOME_POST: '',
    PL_POST: p.postcode ?? '',
    URN: NO_URN.has(p.placementType) ? '' : p.homeUrn,
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The year's episodes: one row per placement overlapping the collection year, ordered by CHILD
 * then DECOM (ties: the one ending first, then URN, so the order is total).
 */
export function episodeRows(placements: Iterable<EpisodeSource>, year: CollectionYear): EpisodeRow[] {
  const kept: EpisodeSource[] = [];
  for (const p of placements) if (overlapsYear(p, year)) kept.push(p);
  kept.sort(
    (a, b) =>
      compare(a.childRef, b.childRef) ||
      compare(a.startDate, b.startDate) ||
      compare(a.endDate ?? '9999-12-31', b.endDate ?? '9999-12-31') ||
      compare(a.homeUrn, b.homeUrn),
  );
  return kept.map((p) => episodeRow(p, year));
}

/** The rows as CSV (RFC 4180 quoting, by d3-dsv), with the header, ending in a newline. */
export function episodesCsv(rows: readonly EpisodeRow[]): string {
  return `${csvFormatRows([[...SSDA903_COLUMNS], ...rows.map((r) => SSDA903_COLUMNS.map((c) => r[c]))])}\n`;
}
