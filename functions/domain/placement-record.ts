import type {
  ApprovalRequired, ApprovalRole, PlacementLocation, PlacementProvider, PlacementType, ReasonEpisodeCeased, ReasonPlaceChange, Urgency,
} from '../../schemas/codes.ts';
import { unprocessable } from './errors.ts';
import { milesBetween, outcodeCentroid } from './geo.ts';
import {
  approvalRequired, hostAuthority, location, noticeDueBy, noticeRequired, placementProvider, type HomeWhereabouts,
} from './placement.ts';
import type { AuthoritySlug } from './reference/authorities.ts';
import { AUTHORITIES } from './reference/authorities.ts';

/**
 * A placement as the hub records it (CONTRACT.md "Offers and placements"): the one record an
 * accepted offer or a pool allocation becomes, built here from the statutory rules of
 * ./placement.ts. Pure. The store keeps it; the API shows `placementView`.
 */

/** Who made a change: the organisation's principal and, when a person acted, their `sub`. */
export interface By {
  principal: string;
  person?: string;
}

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
