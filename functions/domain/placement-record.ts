import type {
  ApprovalRequired, ApprovalRole, PlacementLocation, PlacementProvider, PlacementType, ReasonEpisodeCeased, ReasonPlaceChange, Urgency,
} from '../../schemas/codes.ts';
import { conflict, forbidden, notFound, unprocessable } from './errors.ts';
import { milesBetween, outcodeCentroid } from './geo.ts';
import {
  APPROVAL_CLOCK_SKEW_MS, approvalProblems, approvalRequired, endProblems, hostAuthority, location, noticeDueBy, noticeRequired, placementProvider,
  type ApprovalInput, type HomeWhereabouts, type PlacementEnd,
} from './placement.ts';
import type { EpisodeSource } from './ssda903.ts';
import type { AuthoritySlug } from './reference/authorities.ts';
import { AUTHORITIES } from './reference/authorities.ts';

/**
 * A placement as the hub records it (CONTRACT.md "Offers and placements"): the one record an
 * accepted offer or a pool allocation becomes, built here from the statutory rules of
 * ./placement.ts. Pure. The store keeps it; the API shows `placementView`.
 */

/** Who made a change: the organisation's principal and, when a person acted, their `sub`. */
import type { By, PersonRole } from './principal.ts';
export type { By };

export interface Notice {
  id: string;
  regulation: '13(4)';
  to: { onsCode: string; name: string };
  dueBy: string;
  sentAt?: string;
  /** The host is one of the 11: the hub delivered the notice itself (GET /v1/notices of the host). */
  deliveredTo?: AuthoritySlug;
}

export interface Approval {
  required: ApprovalRequired;
  status: 'not-required' | 'pending' | 'approved';
  role?: ApprovalRole;
  approvedBy?: string;
  approvedAt?: string;
}

export interface Placement {
  id: string;
  authority: AuthoritySlug;
  childRef: string;
  /** What the notice to a host discloses of the child (never childRef). */
  child: { age: number; sex: string; needs: string[] };
  referralId?: string;
  offerId?: string;
  allocationId?: string;
  homeUrn: string;
  homeName: string;
  /** The home's owner principal (`provider:<id>` or `authority:<slug>`): who reads it as the home's provider. */
  homeOwner: string;
  provider: { id: string; name: string };
  placementType: PlacementType;
  placementProvider: PlacementProvider;
  startDate: string;
  endDate?: string;
  weeklyCost: number;
  hostAuthority: { onsCode: string; name: string };
  location: PlacementLocation;
  distanceMiles: number | null;
  over20Miles: boolean | null;
  approval: Approval;
  notices: Notice[];
  status: 'awaiting-approval' | 'confirmed' | 'ended';
  reasonEpisodeCeased?: ReasonEpisodeCeased;
  reasonPlaceChange?: ReasonPlaceChange;
  /** The home's full postcode when known: PL_POST in the authority's SSDA903 export only. */
  homePostcode?: string;
  createdAt: string;
  by: By;
}

/** The home as a placement needs it. */
export interface PlacedHome extends HomeWhereabouts {
  urn: string;
  name: string;
  owner: string;
  provider?: { id: string; name: string };
  placementType: PlacementType;
  sector?: string;
  postcode?: string;
}

export interface NewPlacement {
  id: string;
  noticeId: string;
  authority: AuthoritySlug;
  child: { childRef: string; age: number; sex: string; needs: string[]; homeOutcode?: string; urgency?: Urgency };
  home: PlacedHome;
  startDate: string;
  weeklyCost: number;
  referralId?: string;
  offerId?: string;
  allocationId?: string;
  /** The placement came from an emergency pool bed (reg 13(4): notice within 5 working days). */
  emergencyPool?: boolean;
  by: By;
  now: Date;
}

const SLUG_BY_ONS = new Map<string, AuthoritySlug>(AUTHORITIES.map((a) => [a.onsCode, a.id as AuthoritySlug]));
const AUTHORITY_NAME = new Map<string, string>(AUTHORITIES.map((a) => [a.id, a.name]));

/** The owner's organisation as the placement names it: a provider's id and name, or the authority's. */
function providerOf(home: PlacedHome): { id: string; name: string } {
  if (home.provider) return { id: home.provider.id, name: home.provider.name };
  const slug = home.owner.replace(/^authority:/, '');
  return { id: home.owner, name: AUTHORITY_NAME.get(slug) ?? slug };
}

/** Miles from the child's home outcode to the home's, as search computes them; null when either is unknown. */
function distance(from: string | undefined, to: string | undefined): { distanceMiles: number | null; over20Miles: boolean | null } {
  const a = from ? outcodeCentroid(from) : undefined;
  const b = to ? outcodeCentroid(to) : undefined;
  if (!a || !b) return { distanceMiles: null, over20Miles: null };
  const miles = milesBetween(a, b);
  return { distanceMiles: miles, over20Miles: miles > 20 };
}

/**
 * The placement an accepted offer or an allocation makes: host authority, location (reg 11(5)),
 * the approval it needs (reg 11), the reg 13(4) notice when it is not in area (delivered inside
 * the hub when the host is one of the 11), PLACE_PROVIDER from who owns the home. 422 when the
 * hub cannot tell where the home is (then no location, approval or notice can be worked out).
 */
export function newPlacement(p: NewPlacement): Placement {
  const host = hostAuthority(p.home);
  if (!host) throw unprocessable('The hub cannot tell which authority the home lies in.', [{ path: 'homeUrn', message: 'no local authority, Ofsted local authority or known outcode' }]);
  const where = location(p.authority, host);
  const required = approvalRequired(where);
  const hostSlug = SLUG_BY_ONS.get(host.onsCode);
  const notices: Notice[] = noticeRequired(where)
    ? [{
      id: p.noticeId,
      regulation: '13(4)',
      to: { onsCode: host.onsCode, name: host.name },
      dueBy: noticeDueBy(p.startDate, { urgency: p.child.urgency, emergencyPool: p.emergencyPool }),
      ...(hostSlug ? { sentAt: p.now.toISOString(), deliveredTo: hostSlug } : {}),
    }]
    : [];
  return {
    id: p.id,
    authority: p.authority,
    childRef: p.child.childRef,
    child: { age: p.child.age, sex: p.child.sex, needs: [...p.child.needs] },
    ...(p.referralId ? { referralId: p.referralId } : {}),
    ...(p.offerId ? { offerId: p.offerId } : {}),
    ...(p.allocationId ? { allocationId: p.allocationId } : {}),
    homeUrn: p.home.urn,
    homeName: p.home.name,
    homeOwner: p.home.owner,
    provider: providerOf(p.home),
    placementType: p.home.placementType,
    placementProvider: placementProvider(p.home.owner, p.home.sector, p.authority),
    startDate: p.startDate,
    weeklyCost: p.weeklyCost,
    hostAuthority: { onsCode: host.onsCode, name: host.name },
    location: where,
    ...distance(p.child.homeOutcode, p.home.outcode),
    approval: required === 'none' ? { required, status: 'not-required' } : { required, status: 'pending' },
    notices,
    status: required === 'none' ? 'confirmed' : 'awaiting-approval',
    ...(p.home.postcode ? { homePostcode: p.home.postcode } : {}),
    createdAt: p.now.toISOString(),
    by: p.by,
  };
}

/** The placement as its owner (and the programme office) reads it through the API. */
export function placementView(p: Placement) {
  const { homeOwner: _owner, homePostcode: _postcode, child: _child, notices, ...rest } = p;
  return { ...rest, notices: notices.map(({ deliveredTo: _to, ...n }) => n) };
}

/** The placement as the home's provider reads it: `{id, homeUrn, authority, startDate, endDate?, status}` only. */
export function providerPlacementView(p: Placement) {
  return { id: p.id, homeUrn: p.homeUrn, authority: p.authority, startDate: p.startDate, ...(p.endDate ? { endDate: p.endDate } : {}), status: p.status };
}

// ---------------------------------------------------------------- what happens to a placement once it exists

/** `plc_<slug>_<time><random>`: the owning authority, so the programme office can address a placement by id. */
const PLACEMENT_ID = /^plc_([a-z-]+)_([0-9a-z]{8,40})$/;

/** The authority a placement id names, or undefined (then no placement of that id can exist). */
export function ownerOfPlacementId(id: string): AuthoritySlug | undefined {
  const slug = PLACEMENT_ID.exec(id)?.[1];
  return slug !== undefined && AUTHORITY_NAME.has(slug) ? (slug as AuthoritySlug) : undefined;
}

/**
 * The placement approved under CPPCR reg 11: by a signed-in person only as a role they hold (403
 * otherwise), recorded as `approvedBy` (their `sub`); only while it awaits approval (409 otherwise, so
 * a second approval never overwrites the first); 422 naming every shortfall of
 * `approvalProblems` (every reg 11(2)(a)–(e) item, the role reg 11(1) requires or the director,
 * a time not in the future). Confirmed once approved.
 */
export function approvedPlacement(p: Placement, input: ApprovalInput, by: By, now: Date, roles: readonly PersonRole[] = []): Placement {
  // a signed-in person approves only as a role they hold (CONTRACT "Organisations and people"),
  // and the approval names them whatever the body says; a system's key approves as today
  if (by.person !== undefined && !roles.includes(input.role)) {
    throw forbidden(`You may approve only as a role you hold: you do not hold ${input.role}.`);
  }
  if (p.status !== 'awaiting-approval' || p.approval.status !== 'pending') {
    throw conflict(`The placement is not awaiting approval (it is ${p.status}).`);
  }
  const problems = approvalProblems(p.approval.required, input, now);
  if (problems.length) throw unprocessable('The approval does not satisfy CPPCR reg 11.', problems);
  return {
    ...p,
    approval: { required: p.approval.required, status: 'approved', role: input.role, approvedBy: by.person ?? input.approvedBy.trim(), approvedAt: new Date(input.approvedAt).toISOString() },
    status: 'confirmed',
    by,
  };
}

/**
 * The placement with a reg 13(4) notice recorded as sent by the placing authority: 404 when the
 * placement has no such notice; 409 when it was sent already (or delivered by the hub); 422
 * when `sentAt` is in the future (beyond the clock skew an approval is allowed).
 */
export function noticeSentPlacement(p: Placement, noticeId: string, sentAt: string, by: By, now: Date): Placement {
  const notice = p.notices.find((n) => n.id === noticeId);
  if (!notice) throw notFound('No such notice on this placement.');
  if (notice.sentAt !== undefined) throw conflict(`The notice was already sent at ${notice.sentAt}.`);
  const at = Date.parse(sentAt);
  if (Number.isNaN(at)) throw unprocessable('The notice cannot be recorded as sent.', [{ path: 'sentAt', message: 'must be an ISO 8601 time' }]);
  if (at > now.getTime() + APPROVAL_CLOCK_SKEW_MS) throw unprocessable('The notice cannot be recorded as sent.', [{ path: 'sentAt', message: 'is in the future' }]);
  const sent = new Date(at).toISOString();
  return { ...p, notices: p.notices.map((n) => (n.id === noticeId ? { ...n, sentAt: sent } : n)), by };
}

/**
 * The placement ended with its SSDA903 REC (and REASON_PLACE_CHANGE): 409 when it has ended
 * already; 422 naming each of `endProblems` (end before start, X1 without a reason for the
 * change, an unknown code, a reason on a temporary placement).
 */
export function endedPlacement(p: Placement, end: { endDate: string; reasonEpisodeCeased: string; reasonPlaceChange?: string }, by: By): Placement {
  if (p.status === 'ended') throw conflict(`The placement ended on ${p.endDate}.`);
  const problems = endProblems(p, end);
  if (problems.length) throw unprocessable('The placement cannot end so.', problems);
  const valid = end as PlacementEnd; // every code checked by endProblems
  return {
    ...p,
    endDate: valid.endDate,
    reasonEpisodeCeased: valid.reasonEpisodeCeased,
    ...(valid.reasonPlaceChange !== undefined ? { reasonPlaceChange: valid.reasonPlaceChange } : {}),
    status: 'ended',
    by,
  };
}

/** Who may end a placement: its authority; the programme office only a pool placement (one with an allocation). */
export function mayEnd(p: Pick<Placement, 'authority' | 'allocationId'>, who: { kind: string; id?: string }): boolean {
  if (who.kind === 'authority') return who.id === p.authority;
  return who.kind === 'programme-office' && p.allocationId !== undefined;
}

/** The notices overdue on `today` (Europe/London): not sent and due before today (reg 13(4)). */
export const overdueNotices = (p: Pick<Placement, 'notices'>, today: string): Notice[] => p.notices.filter((n) => n.sentAt === undefined && n.dueBy < today);

/** What the SSDA903 export makes a row of (functions/domain/ssda903.ts): PL_POST is the home's postcode when known. */
export function episodeSourceOf(p: Placement): EpisodeSource {
  return {
    childRef: p.childRef,
    startDate: p.startDate,
    ...(p.endDate !== undefined ? { endDate: p.endDate } : {}),
    placementType: p.placementType,
    placementProvider: p.placementProvider,
    ...(p.reasonEpisodeCeased !== undefined ? { reasonEpisodeCeased: p.reasonEpisodeCeased } : {}),
    ...(p.reasonPlaceChange !== undefined ? { reasonPlaceChange: p.reasonPlaceChange } : {}),
    homeUrn: p.homeUrn,
    ...(p.homePostcode !== undefined ? { postcode: p.homePostcode } : {}),
  };
}

/** A notice the hub delivered to a host, as stored (store/placement-record.ts) and as the host reads it. */
export interface DeliveredNotice {
  id: string;
  regulation: '13(4)';
  /** The placing authority. */
  from: AuthoritySlug;
  placementId: string;
  /** The placing authority's referral, when the placement came from one. */
  referralId?: string;
  homeUrn: string;
  homeName: string;
  startDate: string;
  child: { age: number; sex: string; needs: string[] };
  sentAt: string;
}

/** The fields of the child a delivered notice may disclose (the agreement decides which of these the host receives). */
export const NOTICE_CHILD_FIELDS = ['child.age', 'child.sex', 'child.needs'] as const;

/**
 * The notice as its host reads it at GET /v1/notices: `{id, regulation, from, homeUrn, homeName,
 * startDate, child: {age, sex, needs}, sentAt}` — never childRef, never the placement id — with
 * only the child's fields the agreement discloses to an authority for `host-authority-notification`.
 */
export function hostNoticeView(n: DeliveredNotice, fields: readonly string[]) {
  const child: Partial<DeliveredNotice['child']> = {};
  if (fields.includes('child.age')) child.age = n.child.age;
  if (fields.includes('child.sex')) child.sex = n.child.sex;
  if (fields.includes('child.needs')) child.needs = [...n.child.needs];
  return { id: n.id, regulation: n.regulation, from: n.from, homeUrn: n.homeUrn, homeName: n.homeName, startDate: n.startDate, child, sentAt: n.sentAt };
}
