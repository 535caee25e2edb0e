import { fit, hardRuleFailures, type Child, type HomeFacts } from './matching.ts';
import { outcodeCentroid } from './geo.ts';
import { AUTHORITY_SLUGS, type AuthoritySlug } from './reference/authorities.ts';
import type { NeedCode, Sex, Urgency } from '../../schemas/codes.ts';
import { maxDate } from './calendar-days.ts';
import { HubError } from './errors.ts';

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
  home: HomeFacts | undefined,
  startDate: string,
): PoolRefusal | undefined {
  if (!request) return new PoolRefusal('unprocessable', 'unknown request', 'requestId', 'No such pool request.');
  if (request.status !== 'pending') return requestNotPending(`The request is ${request.status}; only a pending request can be allocated.`);
  return bedRefusal(bed, request, startDate) ?? homeRefusal(request, home);
}

/** The checks on the bed alone (no home needed, so they run first): kind, contract dates, free by then. */
export function bedRefusal(bed: BedFacts, request: Pick<RequestFacts, 'kind'>, startDate: string): PoolRefusal | undefined {
  if (bed.kind !== request.kind) {
    return new PoolRefusal('unprocessable', 'kind-mismatch', 'bedId', `The request is for a ${request.kind} bed; this bed is ${bed.kind}.`);
  }
  if (!contractCovers(bed, startDate)) {
    return new PoolRefusal('unprocessable', 'outside-contract', 'startDate', `The bed's contract runs ${bed.from} to ${bed.to ?? '(open)'}; ${startDate} is outside it.`);
  }
  if (bed.status === 'out-of-service') return bedNotAvailable('The bed is out of service.');
  if (bed.status === 'occupied') return bedNotAvailable('The bed is occupied.');
  if (startDate < bed.availableFrom) return bedNotAvailable(`The bed is free from ${bed.availableFrom}.`);
  return undefined;
}

/** The matching module's hard rules: the bed's home must be able to care for the child. */
export function homeRefusal(request: Pick<RequestFacts, 'child'>, home: HomeFacts | undefined): PoolRefusal | undefined {
  if (!home) return undefined;
  const failures = hardRuleFailures(request.child as Child, home);
  return failures.length ? new PoolRefusal('unprocessable', 'home-cannot-take-child', 'bedId', `The bed's home ${failures.join('; ')}.`) : undefined;
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
  target: BedFacts,
  child: RequestFacts['child'] | undefined,
  home: HomeFacts | undefined,
  date: string,
): PoolRefusal | undefined {
  const field = 'stepDownTo';
  if (target.id === fromBedId) return new PoolRefusal('unprocessable', 'same-bed', field, 'The child is already in this bed.');
  if (target.kind !== 'move-on') return new PoolRefusal('unprocessable', 'not-move-on', field, `Step-down is into a move-on bed; this bed is ${target.kind}.`);
  if (!contractCovers(target, date)) {
    return new PoolRefusal('unprocessable', 'outside-contract', field, `The bed's contract runs ${target.from} to ${target.to ?? '(open)'}; ${date} is outside it.`);
  }
  if (child && home) {
    const failures = hardRuleFailures(child as Child, home);
    if (failures.length) return new PoolRefusal('unprocessable', 'home-cannot-take-child', field, `The bed's home ${failures.join('; ')}.`);
  }
  if (target.status === 'out-of-service') return bedNotAvailable('The move-on bed is out of service.', field);
  if (target.status === 'occupied') return bedNotAvailable('The move-on bed is occupied.', field);
  if (date < target.availableFrom) return bedNotAvailable(`The move-on bed is free from ${target.availableFrom}.`, field);
  return undefined;
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
 * that passes the matching module's hard rules (excluded needs, age, sex). Ranked by the same
 * fit score as the vacancy search, then by distance and bed id.
 */
export function rankCandidates(
  request: RequestFacts,
  beds: ReadonlyArray<{ bed: BedFacts; home: HomeFacts | undefined }>,
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
