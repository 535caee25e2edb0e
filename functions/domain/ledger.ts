import { AUTHORITY_SLUGS, type AuthoritySlug } from './reference/authorities.ts';
import { addDays, dayNumber } from './calendar-days.ts';
import { badRequest } from './errors.ts';
import type { Principal } from './principal.ts';

/**
 * The pooled-bed ledger (CONTRACT.md, "Pooled emergency and move-on beds"), computed from the
 * beds and their allocation history alone, so anyone holding the same history gets the same
 * figures. Pure: no I/O, no clock.
 *
 * Nights: a night is named by the date it starts on. A period `from`..`to` holds the nights
 * `from`, …, `to` (both inclusive). An allocation occupies the nights from its `startDate` up to
 * but not including its `endDate` (no end date: still running). A bed's block contract pays for
 * the nights `from`, …, `to` (its `to` is the contract's last day, inclusive; none: open-ended).
 * Only nights the contract pays for count, so occupied ≤ contracted on every bed.
 *
 * Exactness: money is integer pence; every ratio is an exact rational (BigInt) and is rounded
 * once, at the end. Per authority, with F_b = contracted nights of bed b in the period ×
 * its weekly cost (so F_b / 7 is what the period's nights of b cost):
 *   fundedShare_a     = Σ_b share_ab · F_b / Σ_b F_b   (share_ab: the bed's shares, normalised to
 *                       sum exactly 1, or an equal eleventh when the bed names none)
 *   fairShareNights_a = fundedShare_a × Σ_b occupiedNights_b
 *   recharge_a        = (nightsUsed_a − fairShareNights_a) × average nightly cost, where the
 *                       average nightly cost = Σ_b F_b / (7 × Σ_b contractedNights_b), i.e. the
 *                       period's funding over its funded bed-nights.
 * fundedShare sums to 1 and fairShareNights to the occupied nights. Each recharge is the exact
 * figure rounded once to the nearest penny (halves away from zero), so every line is the
 * contract's formula to the penny; the lines' exact values sum to £0, their rounded values to
 * within ½p per authority of it.
 *
 * `beds` has a line for every bed whose contract pays for at least one night of the period (a
 * bed contracted only before or after it was neither occupied nor void then).
 */

export interface LedgerBed {
  id: string;
  kind: string;
  /** Weekly cost of the block-contracted bed, in integer pence. */
  weeklyCostPence: number;
  /** Contract dates, YYYY-MM-DD, both inclusive; no `to`: open-ended. */
  from: string;
  to?: string;
  /** Each authority's share of the bed's funding; absent or empty: an equal eleventh each. */
  shares?: Partial<Record<AuthoritySlug, number>>;
}

export interface LedgerAllocation {
  bedId: string;
  authority: AuthoritySlug;
  startDate: string;
  /** The first night no longer occupied; absent while the allocation is active. */
  endDate?: string;
}

export interface LedgerBedLine {
  bedId: string;
  kind: string;
  occupiedNights: number;
  voidNights: number;
  /** occupiedNights / contracted nights, to 4 decimal places. */
  occupancy: number;
  /** GBP, 2 dp. */
  voidCost: number;
}

export interface LedgerAuthorityLine {
  authority: AuthoritySlug;
  nightsUsed: number;
  fundedShare: number;
  fairShareNights: number;
  /** GBP, 2 dp: positive when the authority used more than its share (it owes), negative when less. */
  recharge: number;
}

export interface Ledger {
  from: string;
  to: string;
  beds: LedgerBedLine[];
  authorities: LedgerAuthorityLine[];
}

// ------------------------------------------------------------------ exact rationals

/** An exact rational n/d with d > 0, in lowest terms. */
export class Q {
  readonly n: bigint;
  readonly d: bigint;
  constructor(n: bigint, d: bigint = 1n) {
    if (d === 0n) throw new RangeError('division by zero');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    this.n = g > 1n ? n / g : n;
    this.d = g > 1n ? d / g : d;
  }
  static of(x: number | bigint): Q {
    return typeof x === 'bigint' ? new Q(x) : Q.decimal(x);
  }
  /** The exact decimal a JSON number was written as (0.1 → 1/10, not the binary double). */
  static decimal(x: number): Q {
    if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
    const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(x));
    if (!m) throw new RangeError(`cannot read ${x} as a decimal`);
    const digits = BigInt(`${m[2]}${m[3] ?? ''}`);
    const exp = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
    const signed = m[1] === '-' ? -digits : digits;
    return exp >= 0 ? new Q(signed * 10n ** BigInt(exp)) : new Q(signed, 10n ** BigInt(-exp));
  }
  add(o: Q): Q {
    return new Q(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  sub(o: Q): Q {
    return new Q(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  mul(o: Q): Q {
    return new Q(this.n * o.n, this.d * o.d);
  }
  div(o: Q): Q {
    return new Q(this.n * o.d, this.d * o.n);
  }
  isZero(): boolean {
    return this.n === 0n;
  }
  /** Nearest integer, halves away from zero. */
  round(): bigint {
    const abs = this.n < 0n ? -this.n : this.n;
    const r = (2n * abs + this.d) / (2n * this.d);
    return this.n < 0n ? -r : r;
  }
  /** The nearest double (to ~17 significant digits). */
  toNumber(): number {
    const scale = 10n ** 18n;
    const scaled = new Q(this.n * scale, this.d).round();
    return Number(scaled) / 1e18;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

const sum = (xs: readonly Q[]): Q => xs.reduce((a, b) => a.add(b), new Q(0n));

/** Integer pence → GBP as a JSON number with at most 2 dp. */
export const penceToGbp = (pence: bigint | number): number => Number(pence) / 100;

// ------------------------------------------------------------------ nights

/** Nights in [lo, hi) as day numbers, clipped to ≥ 0. */
const span = (lo: number, hi: number): number => Math.max(0, hi - lo);

/** The bed's contracted nights inside the period, as a half-open day-number window. */
function contractWindow(bed: LedgerBed, from: number, toExclusive: number): [number, number] {
  const lo = Math.max(from, dayNumber(bed.from));
  const hi = Math.min(toExclusive, bed.to === undefined ? Infinity : dayNumber(bed.to) + 1);
  return [lo, hi];
}

/** Normalised shares of one bed: sum exactly 1. */
export function bedShares(bed: Pick<LedgerBed, 'shares'>): Map<AuthoritySlug, Q> {
  const named = Object.entries(bed.shares ?? {}).filter(([, v]) => v !== undefined && v > 0) as [AuthoritySlug, number][];
  const out = new Map<AuthoritySlug, Q>();
  if (named.length === 0) {
    for (const a of AUTHORITY_SLUGS) out.set(a, new Q(1n, BigInt(AUTHORITY_SLUGS.length)));
    return out;
  }
  const parts = named.map(([a, v]) => [a, Q.decimal(v)] as const);
  const total = sum(parts.map(([, q]) => q));
  for (const [a, q] of parts) out.set(a, q.div(total));
  return out;
}

export interface LedgerInput {
  from: string;
  to: string;
  beds: readonly LedgerBed[];
  allocations: readonly LedgerAllocation[];
}

/** A ledger period ends at most today (CONTRACT.md: `to` at most today); 400 naming `to` otherwise. */
export function requireLedgerPeriod(to: string, today: string): void {
  if (to > today) throw badRequest('The query is not valid.', [{ path: 'to', message: 'must not be after today (Europe/London)' }]);
}

/** The ledger as `who` may see it: every bed line for all; the programme office all 11 authority lines, an authority only its own. */
export function ledgerFor(ledger: Ledger, who: Principal): Ledger {
  if (who.kind === 'programme-office') return ledger;
  return { ...ledger, authorities: ledger.authorities.filter((a) => who.kind === 'authority' && a.authority === who.id) };
}

/** The ledger for `from`..`to` (inclusive): every bed with funded nights in it, and all 11 authorities. */
export function computeLedger({ from, to, beds, allocations }: LedgerInput): Ledger {
  if (to < from) throw new RangeError('to is before from');
  const lo = dayNumber(from);
  const hi = dayNumber(to) + 1;

  const byBed = new Map<string, LedgerAllocation[]>();
  for (const a of allocations) {
    const list = byBed.get(a.bedId) ?? [];
    list.push(a);
    byBed.set(a.bedId, list);
  }

  const used = new Map<AuthoritySlug, number>(AUTHORITY_SLUGS.map((a) => [a, 0]));
  const funded = new Map<AuthoritySlug, Q>(AUTHORITY_SLUGS.map((a) => [a, new Q(0n)]));
  let totalFunding = new Q(0n); // Σ F_b, in pence × 7
  let totalContracted = 0;
  let totalOccupied = 0;
  const lines: LedgerBedLine[] = [];

  for (const bed of [...beds].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const [cLo, cHi] = contractWindow(bed, lo, hi);
    const contracted = span(cLo, cHi);
    if (contracted === 0) continue;
    const intervals = (byBed.get(bed.id) ?? [])
      .map((a) => ({ a, s: Math.max(cLo, dayNumber(a.startDate)), e: Math.min(cHi, a.endDate === undefined ? Infinity : dayNumber(a.endDate)) }))
      .filter((x) => x.e > x.s)
      .sort((x, y) => x.s - y.s);
    for (let i = 1; i < intervals.length; i++) {
      if (intervals[i]!.s < intervals[i - 1]!.e) throw new Error(`allocations overlap on bed ${bed.id}`);
    }
    let occupied = 0;
    for (const { a, s, e } of intervals) {
      occupied += e - s;
      used.set(a.authority, used.get(a.authority)! + (e - s));
    }
    const voidNights = contracted - occupied;
    const weekly = BigInt(bed.weeklyCostPence);
    const F = new Q(BigInt(contracted) * weekly);
    totalFunding = totalFunding.add(F);
    totalContracted += contracted;
    totalOccupied += occupied;
    for (const [a, share] of bedShares(bed)) funded.set(a, funded.get(a)!.add(share.mul(F)));
    lines.push({
      bedId: bed.id,
      kind: bed.kind,
      occupiedNights: occupied,
      voidNights,
      occupancy: Number(new Q(BigInt(occupied) * 10_000n, BigInt(contracted)).round()) / 10_000,
      voidCost: penceToGbp(new Q(BigInt(voidNights) * weekly, 7n).round()),
    });
  }

  const eleventh = new Q(1n, BigInt(AUTHORITY_SLUGS.length));
  const fundedShare = AUTHORITY_SLUGS.map((a) => (totalFunding.isZero() ? eleventh : funded.get(a)!.div(totalFunding)));
  const fair = fundedShare.map((s) => s.mul(new Q(BigInt(totalOccupied))));
  const nightly = totalContracted === 0 ? new Q(0n) : totalFunding.div(new Q(7n * BigInt(totalContracted)));
  const rechargePence = AUTHORITY_SLUGS.map((a, i) => new Q(BigInt(used.get(a)!)).sub(fair[i]!).mul(nightly).round());

  return {
    from,
    to,
    beds: lines,
    authorities: AUTHORITY_SLUGS.map((a, i) => ({
      authority: a,
      nightsUsed: used.get(a)!,
      fundedShare: fundedShare[i]!.toNumber(),
      fairShareNights: fair[i]!.toNumber(),
      recharge: penceToGbp(rechargePence[i]!),
    })),
  };
}

/** The period's nights, for callers that want to show them: `to` − `from` + 1. */
export const nightsInPeriod = (from: string, to: string): number => dayNumber(addDays(to, 1)) - dayNumber(from);
