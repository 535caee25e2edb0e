import { fit, hardRuleFailures, type Child, type HomeFacts } from './matching.ts';
import { outcodeCentroid } from './geo.ts';
import { AUTHORITY_SLUGS, type AuthoritySlug } from './reference/authorities.ts';
import type { NeedCode, ReasonPlaceChange, Sex, Urgency } from '../../schemas/codes.ts';
import type { Principal } from './principal.ts';
import { requireKnownOutcode } from './geo.ts';
import { maxDate } from './calendar-days.ts';
import { HubError } from './errors.ts';
import { collectionYearOf, legality } from './placement.ts';
import { newPlacement, type By, type PlacedHome, type Placement } from './placement-record.ts';

/**
 * Pooled emergency and move-on beds: the rules that do not need the store. Pure.
 */

export {
  ALLOCATION_STATUSES, BED_STATUSES, ID_PATTERNS, POOL_KINDS, REQUEST_STATUSES, sharesSumToOne,
  type AllocationStatus, type BedStatus, type PoolKind, type RequestStatus,
} from '../../schemas/codes.ts';
import type { AllocationStatus, BedStatus, PoolKind, RequestStatus } from '../../schemas/codes.ts';

/**
 * Why the pool refused (a HubError the edge maps once): `conflict` (409: the state changed under the caller, e.g. the bed is
 * taken), `unprocessable` (422: the request breaks a rule), `not-found` (404), `invalid` (400:
 * e.g. a cursor that is not one the hub gave). `reason` is a
 * stable code integrators can branch on; `field` names the input it concerns.
 */
export class PoolRefusal extends HubError {
  constructor(
    code: 'conflict' | 'unprocessable' | 'not-found' | 'invalid',
    readonly reason: string,
    readonly field: string,
    detail: string,
  ) {
    super(code, detail, code === 'not-found' ? undefined : [{ path: field, message: reason }]);
  }
}

export const bedNotAvailable = (detail = 'The bed is not available.', field = 'bedId') => new PoolRefusal('conflict', 'bed-not-available', field, detail);
export const allocationNotActive = (detail = 'The allocation has already ended.') => new PoolRefusal('conflict', 'allocation-not-active', 'id', detail);
export const requestNotPending = (detail = 'The request is no longer pending.') => new PoolRefusal('conflict', 'request-not-pending', 'requestId', detail);

// ------------------------------------------------------------------ ids

/**
 * Ids of authority-owned items carry the owning authority (`req_essex_…`, `alc_essex_…`) so the
 * programme office can address them directly; an authority's own key never reads it (its
 * store keys come from its principal), so naming another authority in an id finds nothing.
 */
const OWNED_ID = /^(req|alc)_([a-z-]+)_([0-9a-z]{8,40})$/;

export function ownerOfId(id: string): AuthoritySlug | undefined {
  const m = OWNED_ID.exec(id);
  if (!m) return undefined;
  return (AUTHORITY_SLUGS as readonly string[]).includes(m[2]!) ? (m[2] as AuthoritySlug) : undefined;
}

// ------------------------------------------------------------------ the pool's records

/** The allocation a bed holds, as the bed carries it. */
export interface AllocationSummary {
  id: string;
  requestId: string;
  authority: AuthoritySlug;
  startDate: string;
}

/** A block-contracted bed, as stored. */
export interface Bed {
  id: string;
  homeUrn: string;
  kind: PoolKind;
  weeklyCostPence: number;
  contractRef: string;
  from: string;
  to?: string;
  shares?: Partial<Record<AuthoritySlug, number>>;
  status: BedStatus;
  availableFrom: string;
  allocation?: AllocationSummary;
  /** An allocation taking the bed at this moment (the store's claim); never shown by the API. */
  claim?: { id: string; until: number; firm?: boolean };
  createdAt: string;
  createdBy: string;
  version: number;
}

export type NewBed = Pick<Bed, 'homeUrn' | 'kind' | 'weeklyCostPence' | 'contractRef' | 'from' | 'to' | 'shares'>;

export interface PoolChildFacts {
  childRef: string;
  age: number;
  sex: Sex;
  needs: NeedCode[];
}

/** An authority's request for a pooled bed, as stored. */
export interface PoolRequest {
  id: string;
  authority: AuthoritySlug;
  kind: PoolKind;
  urgency: Urgency;
  neededFrom: string;
  child: PoolChildFacts;
  homeOutcode?: string;
  status: RequestStatus;
  allocationId?: string;
  createdAt: string;
}

export type NewRequest = Pick<PoolRequest, 'kind' | 'urgency' | 'neededFrom' | 'child' | 'homeOutcode'>;

/** A child's time in a pooled bed, as stored. */
export interface Allocation {
  id: string;
  requestId: string;
  bedId: string;
  authority: AuthoritySlug;
  startDate: string;
  status: AllocationStatus;
  endDate?: string;
  reason?: ReasonPlaceChange;
  steppedDownFrom?: string;
  steppedDownTo?: string;
  /** The requesting authority's placement this allocation made (`plc_<authority>_…`); absent on allocations made before allocations became placements. */
  placementId?: string;
  createdAt: string;
  createdBy: string;
  endedAt?: string;
  endedBy?: string;
  /** Who made the last change (allocated it, ended it): the organisation, and the person where one acted. Absent on allocations from before it was kept. */
  by?: By;
}

/** A bed as the programme office registers it (`POST /v1/pool/beds`): money in GBP becomes pence. */
export function newBedOf(body: { homeUrn: string; kind: PoolKind; weeklyCost: number; contractRef: string; from: string; to?: string; shares?: NewBed['shares'] }): NewBed {
  return {
    homeUrn: body.homeUrn,
    kind: body.kind,
    weeklyCostPence: Math.round(body.weeklyCost * 100),
    contractRef: body.contractRef,
    from: body.from,
    ...(body.to ? { to: body.to } : {}),
    ...(body.shares ? { shares: body.shares } : {}),
  };
}

/** A request as an authority asks it (`POST /v1/pool/requests`): a known home outcode (400 otherwise), each need once. */
export function newRequestOf(body: NewRequest): NewRequest {
  requireKnownOutcode(body.homeOutcode, 'homeOutcode');
  const { childRef, age, sex, needs } = body.child;
  return {
    kind: body.kind,
    urgency: body.urgency,
    neededFrom: body.neededFrom,
    child: { childRef, age, sex, needs: [...new Set(needs)] },
    ...(body.homeOutcode ? { homeOutcode: body.homeOutcode } : {}),
  };
}

// ------------------------------------------------------------------ what each caller sees

/** Whether `who` may see the allocation a bed holds: the programme office any, an authority only its own. */
export const seesAllocation = (who: Principal, allocation: Pick<AllocationSummary, 'authority'>): boolean =>
  who.kind === 'programme-office' || (who.kind === 'authority' && allocation.authority === who.id);

/** A bed as `who` sees it (GET /v1/pool/beds): money in GBP, `availableFrom` while free, the allocation only if `seesAllocation`, never a claim. */
export function bedView(bed: Bed, who: Principal) {
  return {
    id: bed.id,
    homeUrn: bed.homeUrn,
    kind: bed.kind,
    status: bed.status,
    weeklyCost: bed.weeklyCostPence / 100,
    contractRef: bed.contractRef,
    from: bed.from,
    ...(bed.to ? { to: bed.to } : {}),
    ...(bed.shares ? { shares: bed.shares } : {}),
    ...(bed.allocation ? {} : { availableFrom: bed.availableFrom }),
    ...(bed.allocation && seesAllocation(who, bed.allocation) ? { allocation: bed.allocation } : {}),
  };
}

/** A request as its owner or the programme office sees it. */
export const requestView = (r: PoolRequest) => ({
  id: r.id,
  authority: r.authority,
  kind: r.kind,
  urgency: r.urgency,
  neededFrom: r.neededFrom,
  child: { childRef: r.child.childRef, age: r.child.age, sex: r.child.sex, needs: r.child.needs },
  ...(r.homeOutcode ? { homeOutcode: r.homeOutcode } : {}),
  status: r.status,
  ...(r.allocationId ? { allocationId: r.allocationId } : {}),
  createdAt: r.createdAt,
});

/** An allocation as the authority it is for or the programme office sees it. */
export const allocationView = (a: Allocation) => ({
  id: a.id,
  requestId: a.requestId,
  bedId: a.bedId,
  authority: a.authority,
  startDate: a.startDate,
  status: a.status,
  ...(a.endDate ? { endDate: a.endDate } : {}),
  ...(a.reason ? { reason: a.reason } : {}),
  ...(a.steppedDownFrom ? { steppedDownFrom: a.steppedDownFrom } : {}),
  ...(a.steppedDownTo ? { steppedDownTo: a.steppedDownTo } : {}),
  ...(a.placementId ? { placementId: a.placementId } : {}),
  ...(a.by ? { by: a.by } : {}),
});

// ------------------------------------------------------------------ allocation rules

export interface BedFacts {
  id: string;
  homeUrn: string;
  kind: PoolKind;
  status: BedStatus;
  from: string;
  to?: string;
  /** The first date the bed is free: its contract start, or the end date of its last allocation. */
  availableFrom: string;
}

export interface RequestFacts {
  kind: PoolKind;
  neededFrom: string;
  child: { age: number; sex: Sex; needs: readonly NeedCode[] };
  homeOutcode?: string;
  urgency: Urgency;
}

/** Whether the bed's contract pays for the night of `date`. */
export const contractCovers = (bed: Pick<BedFacts, 'from' | 'to'>, date: string): boolean =>
  bed.from <= date && (bed.to === undefined || date <= bed.to);

/**
 * Rules an allocation must pass before the store's transaction: the request exists and is
 * pending, the bed suits it (bedRefusal) and the bed's home can care for the child (homeRefusal).
 * The transaction then re-checks what can change under us (bed free, request pending).
 */
export function allocationRefusal(
  bed: BedFacts,
  request: (RequestFacts & { status: RequestStatus }) | undefined,
  home: PoolHome | undefined,
  startDate: string,
): PoolRefusal | undefined {
  if (!request) return new PoolRefusal('unprocessable', 'unknown request', 'requestId', 'No such pool request.');
  if (request.status !== 'pending') return requestNotPending(`The request is ${request.status}; only a pending request can be allocated.`);
  return bedRefusal(bed, request, startDate) ?? homeRefusal(request, home, startDate);
}

/** The checks on the bed alone (no home needed, so they run first): kind, contract dates, free by then. */
export function bedRefusal(bed: BedFacts, request: Pick<RequestFacts, 'kind'>, startDate: string): PoolRefusal | undefined {
  if (bed.kind !== request.kind) {
    return new PoolRefusal('unprocessable', 'kind-mismatch', 'bedId', `The request is for a ${request.kind} bed; this bed is ${bed.kind}.`);
  }
  if (!contractCovers(bed, startDate)) {
    return new PoolRefusal('unprocessable', 'outside-contract', 'startDate', `The bed's contract runs ${bed.from} to ${bed.to ?? '(open)'}; ${startDate} is outside it.`);
  }
  return whyBedRefuses(bed, { startDate });
}

/** What a bed's record says of whether it can be taken (a BedFacts, or the item a refused write answered). */
export interface BedState {
  status: BedStatus;
  availableFrom: string;
  allocation?: unknown;
  claim?: { id?: string; until?: number; firm?: boolean };
}

/** What a bed is being checked for: the input it concerns, the night it is wanted from, the moment, and whose claim is ours. */
export interface BedCheck {
  field?: string;
  startDate?: string;
  now?: number;
  ownClaim?: string;
  /** The bed is a step-down's target (only the wording changes). */
  moveOn?: boolean;
}

/**
 * THE explanation of why a bed refuses to be taken, before a write (the rules) and after one
 * DynamoDB refused (from the bed as it stood): unknown (422), out of service, occupied, taken at
 * this moment by another allocation's live claim, or not free until after `startDate` (409
 * bed-not-available). Claims are weighed only given `now` (a claim lapses), and never the
 * caller's own (`ownClaim`). Undefined: nothing about the bed stands in the way.
 */
export function whyBedRefuses(bed: BedState | undefined, on: BedCheck = {}): PoolRefusal | undefined {
  const field = on.field ?? 'bedId';
  const name = on.moveOn ? 'move-on bed' : 'bed';
  if (!bed) return new PoolRefusal('unprocessable', 'unknown bed', field, 'No such pooled bed.');
  if (bed.status === 'out-of-service') return bedNotAvailable(`The ${name} is out of service.`, field);
  if (bed.status === 'occupied' || bed.allocation) return bedNotAvailable(`The ${name} is occupied.`, field);
  const claim = bed.claim;
  if (on.now !== undefined && claim && claim.id !== on.ownClaim && Number(claim.until) >= on.now) {
    return bedNotAvailable(`Another allocation is taking this ${name} at this moment.`, field);
  }
  if (on.startDate !== undefined && on.startDate < bed.availableFrom) return bedNotAvailable(`The ${name} is free from ${bed.availableFrom}.`, field);
  return undefined;
}

/** What the allocation rules read of a bed's home: the matching facts and its setting (SSDA903 PLACE). */
export type PoolHome = HomeFacts & { placementType?: string };

/**
 * The bed's home must be able to care for the child (the matching module's hard rules), and the
 * setting must be lawful for the child on `date` (settingRefusal).
 */
export function homeRefusal(request: Pick<RequestFacts, 'child'>, home: PoolHome | undefined, date: string, field = 'bedId'): PoolRefusal | undefined {
  if (!home) return undefined;
  const failures = hardRuleFailures(request.child as Child, home);
  if (failures.length) return new PoolRefusal('unprocessable', 'home-cannot-take-child', field, `The bed's home ${failures.join('; ')}.`);
  return home.placementType === undefined ? undefined : settingRefusal(home.placementType, request.child.age, date, field);
}

/**
 * Setting legality (CONTRACT.md; CPPCR regs 27A and 27C): a child under 16 is never placed in
 * supported accommodation (K3, or unregistered H5/P2) — reg-27A; a child of 16 or 17 not in
 * unregistered supported accommodation — reg-27C; nor anyone in a setting whose PLACE code the
 * collection year of `date` no longer has. The rules are ./placement.ts `legality`, the same for
 * offers; here the refusal's stable reason is the regulation (`reg-27A`, `reg-27C`) or
 * `place-code-withdrawn`, and its detail says why.
 */
export function settingRefusal(placementType: string, age: number, date: string, field = 'bedId'): PoolRefusal | undefined {
  const problems = legality(placementType, age, collectionYearOf(date));
  if (!problems.length) return undefined;
  const reason = /^(reg-27[AC]):/.exec(problems.find((p) => p.message.startsWith('reg-'))?.message ?? '')?.[1] ?? 'place-code-withdrawn';
  return new PoolRefusal('unprocessable', reason, field, `The bed's home is ${placementType}, and the child is ${age}: ${problems.map((p) => p.message).join('; ')}.`);
}

/** Why an allocation cannot end on `endDate`. */
export function endRefusal(allocation: { status: AllocationStatus; startDate: string }, endDate: string): PoolRefusal | undefined {
  if (allocation.status !== 'active') return allocationNotActive();
  if (endDate < allocation.startDate) {
    return new PoolRefusal('unprocessable', 'end-before-start', 'endDate', `The allocation started on ${allocation.startDate}; it cannot end before that.`);
  }
  return undefined;
}

/** Why the child cannot step down from `fromBedId` into `target` on `date`. */
export function stepDownRefusal(
  fromBedId: string,
  target: BedFacts | undefined,
  child: RequestFacts['child'] | undefined,
  home: PoolHome | undefined,
  date: string,
): PoolRefusal | undefined {
  const field = 'stepDownTo';
  if (!target) return whyBedRefuses(undefined, { field });
  if (target.id === fromBedId) return new PoolRefusal('unprocessable', 'same-bed', field, 'The child is already in this bed.');
  if (target.kind !== 'move-on') return new PoolRefusal('unprocessable', 'not-move-on', field, `Step-down is into a move-on bed; this bed is ${target.kind}.`);
  if (!contractCovers(target, date)) {
    return new PoolRefusal('unprocessable', 'outside-contract', field, `The bed's contract runs ${target.from} to ${target.to ?? '(open)'}; ${date} is outside it.`);
  }
  const refusal = child ? homeRefusal({ child }, home, date, field) : undefined;
  return refusal ?? whyBedRefuses(target, { field, startDate: date, moveOn: true });
}

// ------------------------------------------------------------------ allocations are placements

export interface AllocationPlacementInput {
  /** `plc_<authority>_…` and the notice's id, made by the store. */
  id: string;
  noticeId: string;
  allocation: Pick<Allocation, 'id' | 'authority' | 'startDate'>;
  bed: Pick<Bed, 'kind' | 'weeklyCostPence'>;
  request: Pick<PoolRequest, 'child' | 'homeOutcode' | 'urgency'>;
  /** The bed's home, with its `localAuthority` and `postcode` when it has them. */
  home: PlacedHome;
  /** The allocation is a step-down (a planned move into a move-on bed), not the child's first pooled bed. */
  stepDown?: boolean;
  by: By;
  now: Date;
}

/**
 * The requesting authority's placement an allocation makes (CONTRACT.md, "Pool allocations are
 * placements"): the child of the request in the bed's home from the allocation's start, at the
 * bed's weekly cost, `allocationId` set. Its reg 13(4) notice, when it is not in area, is due on
 * the 5th working day after the start for an emergency bed, or when the request was for a bed
 * today (a placement "made in an emergency"); a step-down is a planned move, due by its start.
 * Throws (422) when the hub cannot tell where the home is.
 */
export function allocationPlacement(p: AllocationPlacementInput): Placement {
  const { child, homeOutcode, urgency } = p.request;
  return newPlacement({
    id: p.id,
    noticeId: p.noticeId,
    authority: p.allocation.authority,
    child: { ...child, ...(homeOutcode ? { homeOutcode } : {}), ...(p.stepDown ? {} : { urgency }) },
    home: p.home,
    startDate: p.allocation.startDate,
    weeklyCost: p.bed.weeklyCostPence / 100,
    allocationId: p.allocation.id,
    emergencyPool: p.bed.kind === 'emergency',
    by: p.by,
    now: p.now,
  });
}

// ------------------------------------------------------------------ candidates

export interface Candidate {
  bedId: string;
  homeUrn: string;
  kind: PoolKind;
  distanceMiles: number | null;
  score: number;
  reasons: string[];
}

/**
 * Pooled beds that could take the child, best first: same kind, available, its contract paying
 * for the night the child needs it (or today, if that has passed) and free by then, and a home
 * that passes the matching module's hard rules (excluded needs, age, sex) in a setting lawful for
 * the child then (regs 27A/27C: no bed an allocation would refuse). Ranked by the same fit score
 * as the vacancy search, then by distance and bed id.
 */
export function rankCandidates(
  request: RequestFacts,
  beds: ReadonlyArray<{ bed: BedFacts; home: PoolHome | undefined }>,
  today: string,
): Candidate[] {
  const on = maxDate(request.neededFrom, today);
  const near = request.homeOutcode ? outcodeCentroid(request.homeOutcode) : undefined;
  const child: Child = { age: request.child.age, sex: request.child.sex, needs: request.child.needs };
  const out: Candidate[] = [];
  for (const { bed, home } of beds) {
    if (!home || bed.kind !== request.kind || bed.status !== 'available') continue;
    if (!contractCovers(bed, on) || bed.availableFrom > on) continue;
    if (hardRuleFailures(child, home).length > 0) continue;
    if (home.placementType !== undefined && settingRefusal(home.placementType, child.age, on)) continue;
    const f = fit(child, home, near ? { near } : {});
    const reasons = [`${bed.kind} bed, free from ${maxDate(bed.availableFrom, bed.from)}`, ...f.reasons];
    out.push({ bedId: bed.id, homeUrn: bed.homeUrn, kind: bed.kind, distanceMiles: f.distanceMiles, score: f.score, reasons });
  }
  return out.sort(
    (a, b) =>
      b.score - a.score ||
      (a.distanceMiles ?? Infinity) - (b.distanceMiles ?? Infinity) ||
      (a.bedId < b.bedId ? -1 : a.bedId > b.bedId ? 1 : 0),
  );
}
