import {
  APPROVAL_CHECKLIST, PLACE_CODES_BY_YEAR, REASON_EPISODE_CEASED_CODES, REASON_PLACE_CHANGE_CODES,
  type ApprovalChecklistItem, type ApprovalRequired, type ApprovalRole, type CollectionYear, type PlacementLocation,
  type PlacementProvider, type ReasonEpisodeCeased, type ReasonPlaceChange, type Urgency,
} from '../../schemas/codes.ts';
import { dayNumber, fromDayNumber } from './calendar-days.ts';
import type { FieldError } from './errors.ts';
import { upperTierByCode, upperTierByName, upperTierOfOutcode, type UpperTier } from './geo.ts';
import { parsePrincipal, type Principal } from './principal.ts';
import { ADJACENCY } from './reference/adjacency.ts';
import { AUTHORITIES, type AuthoritySlug } from './reference/authorities.ts';
import { addWorkingDays } from './working-days.ts';

/**
 * The statutory rules of a placement, from the Care Planning, Placement and Case Review (England)
 * Regulations 2010 ("CPPCR") as amended by SI 2013/3239 (regs 11 and 13(4)) and SI 2021/161 and
 * SI 2023/416 (regs 27A and 27C), and the SSDA903 codes it is recorded with. Pure: no I/O beyond
 * the embedded reference data.
 */

// ---------------------------------------------------------------- host authority

/** The upper-tier authority where the home is (CPPCR reg 2: the "area authority" when it is not the placing one). */
export type HostAuthority = UpperTier;

/** What the hub may know of where a home is. */
export interface HomeWhereabouts {
  /** ONS code of the upper-tier authority the home lies in, as its owner gave it. */
  localAuthority?: string;
  /** The Ofsted register's "Local authority" (a name: `Southend on Sea`, `Kent`), for an imported home. */
  ofstedLocalAuthority?: string;
  outcode?: string;
  /** The Eastern authority the home lies in, when the hub already knows it. */
  authority?: AuthoritySlug;
}

const bySlug = new Map(AUTHORITIES.map((a) => [a.id as AuthoritySlug, a]));
const onsCodeOf = (slug: AuthoritySlug): string => bySlug.get(slug)!.onsCode;

/**
 * The host authority, first known of: the home's `localAuthority` (an ONS code the hub knows); its
 * Ofsted "Local authority"; the upper-tier authority of the main district of its outcode
 * (england_outcode_centroids_bng.csv `main_lad` → england_district_to_upper_tier.csv); the
 * Eastern authority it is recorded in. Undefined when none is known: the placement's location,
 * approval and notice cannot then be worked out (see `requireHostAuthority`).
 */
export function hostAuthority(home: HomeWhereabouts): HostAuthority | undefined {
  return (
    (home.localAuthority ? upperTierByCode(home.localAuthority) : undefined) ??
    (home.ofstedLocalAuthority ? upperTierByName(home.ofstedLocalAuthority) : undefined) ??
    (home.outcode ? upperTierOfOutcode(home.outcode) : undefined) ??
    (home.authority ? upperTierByCode(onsCodeOf(home.authority)) : undefined)
  );
}

/** The host authority, or a problem naming `path` when the hub cannot tell where the home is. */
export function requireHostAuthority(home: HomeWhereabouts, path = 'homeUrn'): HostAuthority | FieldError {
  return (
    hostAuthority(home) ?? {
      path,
      message: 'the hub does not know which local authority the home lies in (give the home its localAuthority or outcode), so it cannot tell the placement location (CPPCR reg 11)',
    }
  );
}

// ---------------------------------------------------------------- location and approval (reg 11)

export interface AdjacencyOptions {
  /**
   * Whether the boundaries only the district data shows across the Thames estuary (Essex–Medway;
   * Thurrock–Bexley, Kent, Medway) count as adjoining. Off unless the region configures it.
   */
  crossThamesAdjoining?: boolean;
}

/** Whether `hostOnsCode` adjoins the placing authority (eastern_utla_adjacency.csv). */
export function adjoins(placing: AuthoritySlug, hostOnsCode: string, opts: AdjacencyOptions = {}): boolean {
  const placingCode = onsCodeOf(placing);
  return ADJACENCY.some(
    ([la, neighbour, status]) => la === placingCode && neighbour === hostOnsCode && (status === 'agreed' || opts.crossThamesAdjoining === true),
  );
}

/**
 * CPPCR reg 11: `in-area` when the host is the placing authority; `adjoining` when it adjoins it;
 * otherwise `at-distance` — "outside the area of the responsible authority and not within the area
 * of any adjoining local authority" (reg 11(5)).
 */
export function location(placing: AuthoritySlug, host: Pick<HostAuthority, 'onsCode'>, opts: AdjacencyOptions = {}): PlacementLocation {
  if (host.onsCode === onsCodeOf(placing)) return 'in-area';
  return adjoins(placing, host.onsCode, opts) ? 'adjoining' : 'at-distance';
}

/**
 * Who must approve the decision before it is put into effect: nobody in area; a nominated officer
 * outside it (reg 11(1)(a)); the director of children's services at a distance (reg 11(1)(b)).
 */
export function approvalRequired(where: PlacementLocation): ApprovalRequired {
  if (where === 'in-area') return 'none';
  return where === 'adjoining' ? 'nominated-officer' : 'director-of-childrens-services';
}

/** Whether `role` may approve where `required` is needed: the director may approve what a nominated officer may. */
export function roleSatisfies(required: ApprovalRequired, role: ApprovalRole): boolean {
  return required === 'none' || role === required || role === 'director-of-childrens-services';
}

export interface ApprovalInput {
  role: ApprovalRole;
  approvedBy: string;
  /** ISO 8601 time. */
  approvedAt: string;
  checklist: Record<ApprovalChecklistItem, boolean>;
}

/** What the approver must be satisfied of, reg 11(2)(a)–(e). */
const CHECKLIST_TEXT: Record<ApprovalChecklistItem, string> = {
  wishesAndFeelings: "reg 11(2)(a): C's wishes and feelings have been ascertained and given due consideration",
  mostAppropriate: "reg 11(2)(b): the placement is the most appropriate available for C and consistent with C's care plan",
  relativesConsulted: "reg 11(2)(c): C's relatives have been consulted, where appropriate",
  areaAuthority: "reg 11(2)(d): the area authority has been notified (adjoining) or consulted and given C's care plan (at a distance)",
  iroConsulted: "reg 11(2)(e): the IRO has been consulted",
};

/** The clock skew tolerated on `approvedAt` (as on a consent record's time). */
export const APPROVAL_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Why this approval does not satisfy reg 11 — empty when it does: every reg 11(2)(a)–(e) item
 * confirmed; the role the one required or the director (reg 11(1)); named; `approvedAt` a time
 * not in the future (beyond `APPROVAL_CLOCK_SKEW_MS`).
 */
export function approvalProblems(required: ApprovalRequired, approval: ApprovalInput, now: Date): FieldError[] {
  const problems: FieldError[] = [];
  for (const item of APPROVAL_CHECKLIST) {
    if (approval.checklist?.[item] !== true) problems.push({ path: `checklist.${item}`, message: `must be confirmed: ${CHECKLIST_TEXT[item]}` });
  }
  if (!roleSatisfies(required, approval.role)) {
    problems.push({ path: 'role', message: 'a placement at a distance must be approved by the director of children\'s services (reg 11(1)(b))' });
  }
  if (!approval.approvedBy.trim()) problems.push({ path: 'approvedBy', message: 'must name who approved' });
  const at = Date.parse(approval.approvedAt);
  if (Number.isNaN(at)) problems.push({ path: 'approvedAt', message: 'must be an ISO 8601 time' });
  else if (at > now.getTime() + APPROVAL_CLOCK_SKEW_MS) problems.push({ path: 'approvedAt', message: 'is in the future' });
  return problems;
}

// ---------------------------------------------------------------- PLACE_PROVIDER

/** Ofsted register sectors of public bodies other than councils. */
const OTHER_PUBLIC_SECTORS = new Set(['health', 'health-authority', 'academy']);

/**
 * SSDA903 PLACE_PROVIDER from who owns the home: PR1 the placing authority's own in-house home;
 * PR2 another authority's (in the region, or a council outside it whose home is recorded as a
 * provider's with sector `local-authority`); PR3 other public provision (`health`; also Ofsted's
 * `health-authority` and `academy`); PR5 `voluntary`; PR4 `private`, and any provider's home of no
 * known sector (a provider's home defaults to private). PR0 (parents) never arises from a home.
 */
export function placementProvider(owner: string | Principal, sector: string | undefined, placing: AuthoritySlug): PlacementProvider {
  const who = typeof owner === 'string' ? parsePrincipal(owner) : owner;
  if (!who || who.kind === 'programme-office') throw new Error(`a home is owned by an authority or a provider, not ${String(typeof owner === 'string' ? owner : who?.kind)}`);
  if (who.kind === 'authority') return who.id === placing ? 'PR1' : 'PR2';
  if (sector === 'local-authority') return 'PR2';
  if (sector !== undefined && OTHER_PUBLIC_SECTORS.has(sector)) return 'PR3';
  return sector === 'voluntary' ? 'PR5' : 'PR4';
}

// ---------------------------------------------------------------- notices (reg 13(4))

/** Whether the placement needs a reg 13(4) notice to the area authority: every placement outside the placing authority's area. */
export const noticeRequired = (where: PlacementLocation): boolean => where !== 'in-area';

export interface NoticeCircumstances {
  /** The referral's urgency, when the placement came from a referral. */
  urgency?: Urgency;
  /** The placement came from an emergency pool bed. */
  emergencyPool?: boolean;
}

/**
 * When the reg 13(4)(a) notice is due: "before the placement is made" — by `startDate` — for a
 * planned placement; "if the placement is made in an emergency, within five working days of the
 * start of the placement" — the 5th working day after `startDate` — when the referral's urgency
 * is `today` or the bed is an emergency pool bed. Throws `BankHolidaysUnknown` (422) past the
 * years the bank holiday feed covers.
 */
export function noticeDueBy(startDate: string, circumstances: NoticeCircumstances): string {
  const emergency = circumstances.urgency === 'today' || circumstances.emergencyPool === true;
  return emergency ? addWorkingDays(startDate, 5) : startDate;
}

// ---------------------------------------------------------------- collection years

/** The SSDA903 collection year (1 April to 31 March) a `YYYY-MM-DD` date falls in: `2026-03-31` → `2025-26`. */
export function collectionYearOf(date: string): string {
  if (fromDayNumber(dayNumber(date)) !== date) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const y = Number(date.slice(0, 4));
  const start = date.slice(5) >= '04-01' ? y : y - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/** The first and last day of a collection year `YYYY-YY`. */
export function collectionYearBounds(year: string): { start: string; end: string } {
  const m = /^(\d{4})-(\d{2})$/.exec(year);
  if (!m || (Number(m[1]) + 1) % 100 !== Number(m[2])) throw new RangeError(`not a collection year YYYY-YY: ${year}`);
  return { start: `${m[1]}-04-01`, end: `${Number(m[1]) + 1}-03-31` };
}

/** Whether the hub has the SSDA903 code lists of this collection year. */
export const isKnownCollectionYear = (year: string): year is CollectionYear => Object.hasOwn(PLACE_CODES_BY_YEAR, year);

/**
 * The PLACE codes in force in a collection year: that year's list, or, for a year after the last
 * the hub has, the last list (DfE code lists carry forward until a return changes them: a
 * placement starting next April must not be refused for want of next year's list). A year
 * before the first list gets the first.
 */
export function placeCodesIn(year: string): readonly string[] {
  if (isKnownCollectionYear(year)) return PLACE_CODES_BY_YEAR[year];
  const years = (Object.keys(PLACE_CODES_BY_YEAR) as CollectionYear[]).sort();
  const before = years.filter((y) => y < year);
  return PLACE_CODES_BY_YEAR[before.length ? before[before.length - 1]! : years[0]!];
}

// ---------------------------------------------------------------- setting legality (regs 27A, 27C)

/** Supported accommodation provided under "other arrangements" (Children Act 1989 s22C(6)(d)). */
const REGISTERED_SUPPORTED = 'K3';
/** Semi-independent (H5) and independent living (P2): other arrangements not registered with Ofsted. */
const UNREGISTERED_OTHER_ARRANGEMENTS = new Set(['H5', 'P2']);

/**
 * Why placing a child of `childAge` in a setting of `placementType` in `year` would be unlawful or
 * unrecordable — empty when it is neither:
 * - `reg-27A` (SI 2021/161): a child under 16 may be placed in other arrangements only in a care
 *   home, hospital, residential family centre, school or holiday scheme — never in supported
 *   accommodation, registered (K3; the SSDA903 validator's rule 371) or not (H5, P2);
 * - `reg-27C` (SI 2023/416, from 28 October 2023): a child of 16 or 17 may be placed in other
 *   arrangements only in registered supported accommodation (K3) or excepted accommodation, so
 *   not in unregistered semi-independent or independent living (H5, P2);
 * - a PLACE code the year's SSDA903 list no longer has (H5, P2 from 2025-26; validator rule 146).
 */
export function legality(placementType: string, childAge: number, year: string): FieldError[] {
  const problems: FieldError[] = [];
  if (!placeCodesIn(year).includes(placementType)) {
    problems.push({ path: 'placementType', message: `${placementType} is not an SSDA903 PLACE code in ${year} (validator rule 146)` });
  }
  if (childAge < 16 && (placementType === REGISTERED_SUPPORTED || UNREGISTERED_OTHER_ARRANGEMENTS.has(placementType))) {
    problems.push({
      path: 'placementType',
      message: `reg-27A: a child under 16 may not be placed in ${placementType === REGISTERED_SUPPORTED ? 'registered supported accommodation (K3; validator rule 371)' : `semi-independent or independent living (${placementType})`}`,
    });
  } else if (childAge >= 16 && childAge < 18 && UNREGISTERED_OTHER_ARRANGEMENTS.has(placementType)) {
    problems.push({
      path: 'placementType',
      message: `reg-27C: a child of 16 or 17 may be placed in other arrangements only in registered supported accommodation (K3), not ${placementType}`,
    });
  }
  return problems;
}

// ---------------------------------------------------------------- ending

/** Temporary placements: no reason for placement change (validator rule 226). */
const TEMPORARY = new Set(['T0', 'T1', 'T2', 'T3', 'T4']);

export interface PlacementEnd {
  endDate: string;
  reasonEpisodeCeased: ReasonEpisodeCeased;
  reasonPlaceChange?: ReasonPlaceChange;
}

/**
 * Why this end cannot be recorded — empty when it can: REC a known code (validator rule 149);
 * `endDate` not before `startDate`;
 * REASON_PLACE_CHANGE given when REC is `X1` (CONTRACT; validator rule 225) and a known code
 * (rule 1009); none for a temporary placement (rule 226).
 */
export function endProblems(placement: { startDate: string; placementType: string }, end: PlacementEnd | { endDate: string; reasonEpisodeCeased: string; reasonPlaceChange?: string }): FieldError[] {
  const problems: FieldError[] = [];
  if (!(REASON_EPISODE_CEASED_CODES as readonly string[]).includes(end.reasonEpisodeCeased)) {
    problems.push({ path: 'reasonEpisodeCeased', message: `${end.reasonEpisodeCeased} is not an SSDA903 REC code (validator rule 149)` });
  }
  if (end.endDate < placement.startDate) problems.push({ path: 'endDate', message: `is before the placement's start date ${placement.startDate}` });
  if (end.reasonEpisodeCeased === 'X1' && end.reasonPlaceChange === undefined) {
    problems.push({ path: 'reasonPlaceChange', message: 'is required when reasonEpisodeCeased is X1 (SSDA903 REASON_PLACE_CHANGE)' });
  }
  if (end.reasonPlaceChange !== undefined) {
    if (!(REASON_PLACE_CHANGE_CODES as readonly string[]).includes(end.reasonPlaceChange)) {
      problems.push({ path: 'reasonPlaceChange', message: `${end.reasonPlaceChange} is not an SSDA903 REASON_PLACE_CHANGE code` });
    } else if (TEMPORARY.has(placement.placementType)) {
      problems.push({ path: 'reasonPlaceChange', message: `is not recorded for a temporary placement (${placement.placementType})` });
    }
  }
  return problems;
}
