import { conflict, unprocessable } from './errors.ts';
import { homeSnapshot, type HomeItem, type HomeSnapshot } from './homes.ts';

/**
 * The vacancy lifecycle and its limits, pure. A vacancy is posted `open` by its home's owner and
 * stays open for 7 days from its last confirmation; not reconfirmed by then it has `lapsed`
 * (whether or not the lapse job has run yet); reconfirming reopens a lapsed vacancy.
 * `withdrawn` and `filled` are final. The open vacancies of a home never hold more beds in total
 * than its `registeredPlaces` (CONTRACT "Homes and vacancies"; 422 otherwise).
 */

export type StoredStatus = 'open' | 'withdrawn' | 'filled' | 'lapsed';

export interface VacancyItem {
  id: string;
  homeUrn: string;
  /** The home's owner when the vacancy was posted: only it may change the vacancy. */
  owner: string;
  beds: number;
  availableFrom: string;
  weeklyPrice?: number;
  note?: string;
  status: StoredStatus;
  confirmedAt: string;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  lapsedAt?: string;
  /** The home's facts, copied for search; refreshed when the home changes. */
  home: HomeSnapshot;
}

export interface VacancyInput {
  beds: number;
  availableFrom: string;
  weeklyPrice?: number;
  note?: string;
}

export const CONFIRMATION_DAYS = 7;
const DAY_MS = 86_400_000;

export const expiryOf = (confirmedAt: Date): string => new Date(confirmedAt.getTime() + CONFIRMATION_DAYS * DAY_MS).toISOString();

/** An open vacancy past its expiry has lapsed, whether or not the job has marked it. */
export function effectiveStatus(v: Pick<VacancyItem, 'status' | 'expiresAt'>, now = new Date()): StoredStatus {
  return v.status === 'open' && v.expiresAt <= now.toISOString() ? 'lapsed' : v.status;
}

export const isFinal = (status: StoredStatus): boolean => status === 'withdrawn' || status === 'filled';

/** A vacancy as the API shows it. */
export type VacancyView = Pick<
  VacancyItem,
  'id' | 'homeUrn' | 'beds' | 'availableFrom' | 'weeklyPrice' | 'note' | 'status' | 'confirmedAt' | 'expiresAt' | 'version' | 'updatedAt'
>;

export function viewOf(v: VacancyItem, now = new Date()): VacancyView {
  return {
    id: v.id,
    homeUrn: v.homeUrn,
    beds: v.beds,
    availableFrom: v.availableFrom,
    ...(v.weeklyPrice !== undefined ? { weeklyPrice: v.weeklyPrice } : {}),
    ...(v.note !== undefined ? { note: v.note } : {}),
    status: effectiveStatus(v, now),
    confirmedAt: v.confirmedAt,
    expiresAt: v.expiresAt,
    version: v.version,
    updatedAt: v.updatedAt,
  };
}

/** A new open vacancy in a home, confirmed at `now`. */
export function newVacancy(home: HomeItem, input: VacancyInput, opts: { id: string; now: Date }): VacancyItem {
  const at = opts.now.toISOString();
  const v: VacancyItem = {
    id: opts.id,
    homeUrn: home.urn,
    owner: home.owner,
    beds: input.beds,
    availableFrom: input.availableFrom,
    weeklyPrice: input.weeklyPrice,
    note: input.note,
    status: 'open',
    confirmedAt: at,
    expiresAt: expiryOf(opts.now),
    createdAt: at,
    updatedAt: at,
    version: 1,
    home: homeSnapshot(home),
  };
  if (v.weeklyPrice === undefined) delete v.weeklyPrice;
  if (v.note === undefined) delete v.note;
  return v;
}

const bump = (v: VacancyItem, now: Date, fields: Partial<VacancyItem>): VacancyItem => {
  const next: VacancyItem = { ...v, ...fields, version: v.version + 1, updatedAt: now.toISOString() };
  if (next.status !== 'lapsed') delete next.lapsedAt;
  return next;
};

/** Reconfirms an open (or lapsed) vacancy for another 7 days; a withdrawn or filled one is 409. */
export function confirmed(v: VacancyItem, now: Date): VacancyItem {
  if (isFinal(v.status)) throw conflict(`Vacancy ${v.id} is ${v.status}; post a new vacancy instead.`);
  return bump(v, now, { status: 'open', confirmedAt: now.toISOString(), expiresAt: expiryOf(now) });
}

export interface VacancyPatch {
  status?: 'withdrawn' | 'filled';
  beds?: number;
}

/**
 * Withdraws or fills a vacancy, or changes its beds. A withdrawn or filled vacancy stays so
 * (409), except that asking for the status it already has changes nothing (the same object is
 * returned). Changing an expired open vacancy records that it lapsed.
 */
export function patched(v: VacancyItem, patch: VacancyPatch, now: Date): VacancyItem {
  if (isFinal(v.status)) {
    if (patch.beds === undefined && patch.status === v.status) return v;
    throw conflict(`Vacancy ${v.id} is ${v.status} and can no longer change.`);
  }
  const fields: Partial<VacancyItem> = {};
  if (patch.beds !== undefined) fields.beds = patch.beds;
  if (patch.status !== undefined) fields.status = patch.status;
  else if (effectiveStatus(v, now) === 'lapsed') {
    fields.status = 'lapsed';
    fields.lapsedAt = now.toISOString();
  }
  return bump(v, now, fields);
}

/** The vacancy marked lapsed (for the job); undefined when it has not expired or is not open. */
export function lapsed(v: VacancyItem, now: Date): VacancyItem | undefined {
  if (v.status !== 'open' || effectiveStatus(v, now) !== 'lapsed') return undefined;
  return bump(v, now, { status: 'lapsed', lapsedAt: now.toISOString() });
}

// ---------------------------------------------------------------- beds against registered places

/** Beds a vacancy holds against its home's places: those of a vacancy stored `open`. */
export const heldBeds = (v: Pick<VacancyItem, 'status' | 'beds'> | undefined): number => (v?.status === 'open' ? v.beds : 0);

/** How a write from `before` (undefined: a new vacancy) to `after` changes the home's open beds. */
export const heldBedsDelta = (before: Pick<VacancyItem, 'status' | 'beds'> | undefined, after: Pick<VacancyItem, 'status' | 'beds'>): number =>
  heldBeds(after) - heldBeds(before);

/**
 * Whether a home with `openBeds` held may take `delta` more: never more open beds than
 * registered places. A home whose places the register did not state (0) is not limited.
 */
export function hasRoom(home: { registeredPlaces: number }, openBeds: number, delta: number): boolean {
  return delta <= 0 || home.registeredPlaces <= 0 || openBeds + delta <= home.registeredPlaces;
}

/** 422 naming `beds` when the home's open vacancies would hold more beds than its registered places. */
export function requireRoom(home: { urn?: string; registeredPlaces: number }, openBeds: number, delta: number): void {
  if (hasRoom(home, openBeds, delta)) return;
  const free = Math.max(0, home.registeredPlaces - openBeds);
  throw unprocessable(
    `The home is registered for ${home.registeredPlaces} places and its open vacancies already hold ${openBeds} beds; ` +
      `${free === 0 ? 'no bed is' : `only ${free} more ${free === 1 ? 'bed is' : 'beds are'}`} left to offer.`,
    [{ path: 'beds', message: `at most ${free} more open beds in this home` }],
  );
}

/** Whether a home with these places may hold these open beds (places the register did not state, 0, limit nothing). */
export const placesCoverOpenBeds = (registeredPlaces: number, openBeds: number): boolean => registeredPlaces <= 0 || openBeds <= registeredPlaces;

/** 422 naming `registeredPlaces` when a home's new places would be fewer than its open beds. */
export function requirePlacesForOpenBeds(registeredPlaces: number, openBeds: number): void {
  if (placesCoverOpenBeds(registeredPlaces, openBeds)) return;
  throw unprocessable(
    `The home's open vacancies hold ${openBeds} beds, more than ${registeredPlaces} places: withdraw, fill or reduce vacancies first.`,
    [{ path: 'registeredPlaces', message: `at least ${openBeds} (the beds its open vacancies hold)` }],
  );
}
