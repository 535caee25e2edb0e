import type { DeclineReason, OfferStatus } from '../../schemas/codes.ts';
import { londonToday } from './calendar-days.ts';
import { conflict, unprocessable, type FieldError } from './errors.ts';
import type { HomeItem } from './homes.ts';
import { collectionYearOf, legality } from './placement.ts';
import type { By } from './placement-record.ts';
import type { Principal } from './principal.ts';
import { refuseOfferedHome, type Placed } from './referrals.ts';
import { effectiveStatus, freeSlot, type VacancyItem } from './vacancy.ts';

/**
 * Offers (CONTRACT.md "Offers and placements"), pure: what a provider may offer on a referral it
 * may read, the weekly cost split as the draft national placements standard splits it, the
 * status every read shows (`expired` and `superseded` are derived from the clock and the
 * referral, never swept), and the changes an offer can go through. The store keeps them; the
 * hold an offer takes on a vacancy is ./vacancy.ts's slot rule.
 */

export const HOLD_MAX_DAYS = 7;
const DAY_MS = 86_400_000;

/** The weekly cost as the draft national placements standard splits it; `total` is the exact sum. */
export interface WeeklyCost {
  core: number;
  additionalSupport: number;
  education: number;
  health: number;
  other: number;
  total: number;
}

export type WeeklyCostInput = Pick<WeeklyCost, 'core'> & Partial<Omit<WeeklyCost, 'core' | 'total'>>;

/** An offer's stored status: `expired` and `superseded` are what reads make of a stored `open`. */
export type StoredOfferStatus = Extract<OfferStatus, 'open' | 'accepted' | 'declined' | 'withdrawn' | 'superseded'>;

export interface OfferRecord {
  id: string;
  referralId: string;
  provider: { id: string; name: string };
  homeUrn: string;
  homeName: string;
  /** The home's setting when offered (judged lawful for the child then; an acceptance requires it unchanged). */
  placementType?: string;
  vacancyId?: string;
  startDate: string;
  weeklyCost: WeeklyCost;
  holdUntil: string;
  note?: string;
  status: StoredOfferStatus;
  declineReason?: DeclineReason;
  createdAt: string;
  updatedAt: string;
  by: By;
}

export interface OfferInput {
  homeUrn: string;
  vacancyId?: string;
  startDate: string;
  weeklyCost: WeeklyCostInput;
  holdUntil: string;
  note?: string;
}

/** What a read needs of the referral to tell an offer's status. */
export type ReferralState = Placed;

/** Pounds as whole pence, exactly (the schema has checked at most 2 decimal places). */
const pence = (pounds: number): number => Math.round(pounds * 100);

/** Omitted parts are 0; `total` is summed in whole pence, so it is exact (no float drift). */
export function weeklyCostOf(c: WeeklyCostInput): WeeklyCost {
  const parts = { core: c.core, additionalSupport: c.additionalSupport ?? 0, education: c.education ?? 0, health: c.health ?? 0, other: c.other ?? 0 };
  const total = Object.values(parts).reduce((sum, x) => sum + pence(x), 0) / 100;
  return { ...parts, total };
}

/**
 * The status every read shows. A stored `open` offer is `superseded` once another offer on its
 * referral was accepted (before its hold ran out), `expired` once `holdUntil` has passed;
 * otherwise the stored status.
 */
export function offerStatus(o: Pick<OfferRecord, 'id' | 'status' | 'holdUntil'>, referral: ReferralState, now: Date): OfferStatus {
  if (o.status !== 'open') return o.status;
  if (referral.status === 'placed' && referral.acceptedOfferId !== o.id) return (referral.placedAt ?? '') < o.holdUntil ? 'superseded' : 'expired';
  return o.holdUntil <= now.toISOString() ? 'expired' : 'open';
}


export interface OfferContext {
  provider: Principal & { kind: 'provider' };
  /** The child as stored (the hard rules and legality read age, sex and needs). */
  child: Readonly<Record<string, unknown>>;
  /** The fields the provider may read (the matching failures are spelt out only when age, sex and needs are among them). */
  disclosed: readonly string[];
  home: HomeItem | undefined;
  vacancy: VacancyItem | undefined;
  now: Date;
}

/**
 * Whether the provider may make this offer: the home is its own and fits the child by the
 * matching module's hard rules (422 naming each failed rule); the setting is lawful for the
 * child in the year it starts (regs 27A/27C and the year's PLACE list, 422); `startDate` today
 * (Europe/London) or later; `holdUntil` after now and at most 7 days ahead; a named vacancy an
 * open one of that home (422) with a bed no live hold takes (409). Answers the hold slot to take.
 */
export function admitOffer(input: OfferInput, ctx: OfferContext): { home: HomeItem; slot?: string } {
  refuseOfferedHome(ctx.provider, ctx.child, ctx.home, ctx.disclosed);
  const home = ctx.home!;
  const problems: FieldError[] = [];
  const age = Number(ctx.child.age);
  if (/^\d{4}-\d{2}-\d{2}$/.test(input.startDate)) {
    for (const p of legality(home.placementType, age, collectionYearOf(input.startDate))) problems.push({ path: 'homeUrn', message: p.message });
  }
  const today = londonToday(ctx.now);
  if (input.startDate < today) problems.push({ path: 'startDate', message: `today (${today}) or later` });
  const until = Date.parse(input.holdUntil);
  if (!(until > ctx.now.getTime())) problems.push({ path: 'holdUntil', message: 'after now' });
  else if (until > ctx.now.getTime() + HOLD_MAX_DAYS * DAY_MS) problems.push({ path: 'holdUntil', message: `at most ${HOLD_MAX_DAYS} days ahead` });
  const v = ctx.vacancy;
  if (input.vacancyId !== undefined && (!v || v.homeUrn !== home.urn || effectiveStatus(v, ctx.now) !== 'open')) {
    problems.push({ path: 'vacancyId', message: `not an open vacancy of home ${home.urn}` });
  }
  if (problems.length > 0) throw unprocessable('This offer cannot be made.', problems);
  if (!v) return { home };
  const slot = freeSlot(v, ctx.now);
  if (slot === undefined) throw conflict(`Every bed of vacancy ${v.id} is held by other offers.`, [{ path: 'vacancyId', message: 'no unheld bed' }]);
  return { home, slot };
}

/** The new offer (status open). */
export function newOffer(id: string, referralId: string, input: OfferInput, home: HomeItem, by: By, now: Date): OfferRecord {
  const at = now.toISOString();
  const provider = home.provider ? { id: home.provider.id, name: home.provider.name } : { id: home.owner.replace(/^provider:/, ''), name: home.owner };
  return {
    id,
    referralId,
    provider,
    homeUrn: home.urn,
    homeName: home.name,
    placementType: home.placementType,
    ...(input.vacancyId !== undefined ? { vacancyId: input.vacancyId } : {}),
    startDate: input.startDate,
    weeklyCost: weeklyCostOf(input.weeklyCost),
    holdUntil: new Date(input.holdUntil).toISOString(),
    ...(input.note !== undefined ? { note: input.note } : {}),
    status: 'open',
    createdAt: at,
    updatedAt: at,
    by,
  };
}

/** The offer as the API shows it, with the status a read at `now` sees. */
export function offerView(o: OfferRecord, referral: ReferralState, now: Date) {
  return {
    id: o.id,
    referralId: o.referralId,
    provider: o.provider,
    homeUrn: o.homeUrn,
    homeName: o.homeName,
    ...(o.vacancyId !== undefined ? { vacancyId: o.vacancyId } : {}),
    startDate: o.startDate,
    weeklyCost: o.weeklyCost,
    holdUntil: o.holdUntil,
    ...(o.note !== undefined ? { note: o.note } : {}),
    status: offerStatus(o, referral, now),
    ...(o.declineReason !== undefined ? { declineReason: o.declineReason } : {}),
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    by: o.by,
  };
}

/** Whether `p` made the offer (its provider). */
export const madeBy = (o: Pick<OfferRecord, 'provider'>, p: Principal): boolean => p.kind === 'provider' && o.provider.id === p.id;

/** Whether `p`, which may read the offer's referral, sees the offer: the owner every offer, a provider its own. */
export const seesOffer = (o: Pick<OfferRecord, 'provider'>, p: Principal, owner: boolean): boolean => owner || madeBy(o, p);

/** 409 unless the offer is open as a read at `now` sees it (not expired, superseded, or closed). */
export function requireOpen(o: OfferRecord, referral: ReferralState, now: Date): void {
  const status = offerStatus(o, referral, now);
  if (status === 'open') return;
  const why = status === 'expired' ? `its hold passed at ${o.holdUntil}` : `it is ${status}`;
  throw conflict(`Offer ${o.id} is not open: ${why}.`);
}

/** The offer declined by the referring authority with its reason, or withdrawn by its provider. */
export function closed(o: OfferRecord, change: { status: 'declined'; reason: DeclineReason } | { status: 'withdrawn' }, by: By, now: Date): OfferRecord {
  return {
    ...o,
    status: change.status,
    ...(change.status === 'declined' ? { declineReason: change.reason } : {}),
    updatedAt: now.toISOString(),
    by,
  };
}

/** The accepted offer. */
export const accepted = (o: OfferRecord, by: By, now: Date): OfferRecord => ({ ...o, status: 'accepted', updatedAt: now.toISOString(), by });
