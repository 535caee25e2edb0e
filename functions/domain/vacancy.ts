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
  /** Beds held by open offers, by slot (see "Holds" below); absent on vacancies no offer has named. */
  holds?: Holds;
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

/** A vacancy as the API shows it: `beds` are those no live hold takes (`heldBeds` says how many are held). */
export type VacancyView = Pick<
  VacancyItem,
  'id' | 'homeUrn' | 'beds' | 'availableFrom' | 'weeklyPrice' | 'note' | 'status' | 'confirmedAt' | 'expiresAt' | 'version' | 'updatedAt'
> & { heldBeds: number };

export function viewOf(v: VacancyItem, now = new Date()): VacancyView {
  return {
    id: v.id,
    homeUrn: v.homeUrn,
    beds: unheldBeds(v, now),
    heldBeds: liveHolds(v.holds, now),
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
  if (patch.beds !== undefined) {
    fields.beds = patch.beds;
    // fewer beds than open offers hold is 409; the live holds move into the slots that remain
    if (v.holds !== undefined) fields.holds = compactHolds(v.holds, patch.beds, now, v.id);
  }
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

// ---------------------------------------------------------------- holds (CONTRACT "Offers and placements")

/**
 * A bed held by an open offer (`o`) until `u` (ISO time). A vacancy keeps its holds by slot,
 * `holds["0"]` … `holds[String(beds - 1)]`: a slot is free when it is absent or its `u` has
 * passed, so a hold lapses by itself at `holdUntil` with no job. An offer takes a free slot below
 * `beds` with one conditional write; every write that lowers `beds` first moves the live holds
 * into the slots that remain (`compactHolds`), so live holds never outnumber beds.
 */
export interface Hold {
  o: string;
  u: string;
}
export type Holds = Record<string, Hold>;

export const isLiveHold = (h: Hold | undefined, now: Date): h is Hold => h !== undefined && h.u > now.toISOString();

/** How many beds live holds take. */
export const liveHolds = (holds: Holds | undefined, now: Date): number => Object.values(holds ?? {}).filter((h) => isLiveHold(h, now)).length;

/** The beds no live hold takes (what search and GET show as `beds`), never below 0. */
export const unheldBeds = (v: { beds: number; holds?: Holds }, now: Date): number => Math.max(0, v.beds - liveHolds(v.holds, now));

/** The slot an offer's hold is in, if any. */
export const slotOf = (holds: Holds | undefined, offerId: string): string | undefined =>
  Object.entries(holds ?? {}).find(([, h]) => h.o === offerId)?.[0];

/** The lowest free slot below `beds` when a bed is unheld; undefined when every bed is held. */
export function freeSlot(v: { beds: number; holds?: Holds }, now: Date): string | undefined {
  if (unheldBeds(v, now) === 0) return undefined;
  for (let i = 0; i < v.beds; i++) if (!isLiveHold(v.holds?.[String(i)], now)) return String(i);
  return undefined;
}

/** The live holds renumbered into slots 0…k-1 (lapsed ones dropped); 409 when more are live than `beds`. */
export function compactHolds(holds: Holds, beds: number, now: Date, vacancyId = ''): Holds {
  const live = Object.entries(holds)
    .filter(([, h]) => isLiveHold(h, now))
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, h]) => h);
  if (live.length > beds) {
    throw conflict(`Open offers hold ${live.length} beds of vacancy ${vacancyId}: it cannot have fewer beds until they are accepted, declined, withdrawn or lapse.`, [
      { path: 'beds', message: `at least ${live.length} (the beds open offers hold)` },
    ]);
  }
  return Object.fromEntries(live.map((h, i) => [String(i), h]));
}

/**
 * The vacancy once an accepted offer takes its bed: one bed fewer (`filled` at 0), the offer's
 * own hold released and the others kept in the slots that remain. 409 when the vacancy was
 * withdrawn or filled, or when every remaining bed is held by other offers.
 */
export function bedTaken(v: VacancyItem, offerId: string, now: Date): VacancyItem {
  if (isFinal(v.status)) throw conflict(`Vacancy ${v.id} is ${v.status}: its bed can no longer be taken.`);
  const others: Holds = Object.fromEntries(Object.entries(v.holds ?? {}).filter(([, h]) => h.o !== offerId));
  const beds = v.beds - 1;
  if (beds < 0 || liveHolds(others, now) > beds) throw conflict(`Every bed of vacancy ${v.id} is taken or held by other offers.`);
  const holds = compactHolds(others, beds, now, v.id);
  return bump(v, now, { beds, holds, ...(beds === 0 ? { status: 'filled' as const } : {}) });
}
