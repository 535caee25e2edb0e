// The leaf every layer may import: SSDA903 code lists (DfE, OGL v3.0; ssda903_place_and_provider_codes.csv) and the hub's own
// code lists from CONTRACT.md. PLACE codes change by collection year, so they are versioned:
// a code is valid for a year when that year's list carries it.

/**
 * 2024-25: K3 (registered supported accommodation) is added (the open SSDA903 validator's rule
 * 146, lac2024_25).
 */
const PLACE_2024_25 = [
  'A3', 'A4', 'A5', 'A6', 'H5', 'K1', 'K2', 'K3', 'P1', 'P2', 'P3', 'R1', 'R2', 'R3', 'R5', 'S1',
  'T0', 'T1', 'T2', 'T3', 'T4', 'U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'Z1',
] as const;

/**
 * From 2025-26 H5 and P2 are withdrawn and Z1 gives way to Z11–Z14 (the validator's rule 146,
 * lac2025_26).
 */
const PLACE_2025_26 = [
  ...PLACE_2024_25.filter((c) => c !== 'H5' && c !== 'P2' && c !== 'Z1'), 'Z11', 'Z12', 'Z13', 'Z14',
] as const;

export const PLACE_CODES_BY_YEAR = {
  '2024-25': PLACE_2024_25,
  '2025-26': PLACE_2025_26,
  /** Unchanged from 2025-26 (the open SSDA903 validator's 2026-27 rules inherit rule 146 from 2025-26). */
  '2026-27': PLACE_2025_26,
} as const;

export type CollectionYear = keyof typeof PLACE_CODES_BY_YEAR;
export const CURRENT_COLLECTION_YEAR: CollectionYear = '2025-26';

/** Every PLACE code the hub accepts on input: the current year's list (history stays readable). */
export const PLACE_CODES = PLACE_CODES_BY_YEAR[CURRENT_COLLECTION_YEAR];
export type PlacementType = (typeof PLACE_CODES)[number];

export const PLACE_PROVIDER_CODES = ['PR0', 'PR1', 'PR2', 'PR3', 'PR4', 'PR5'] as const;
export type PlacementProvider = (typeof PLACE_PROVIDER_CODES)[number];

export const REASON_PLACE_CHANGE_CODES = [
  'ALLEG', 'APPRR', 'CARPL', 'CHILD', 'CLOSE', 'CREQB', 'CREQO', 'CUSTOD', 'LAREQ', 'OTHER', 'PLACE', 'STAND',
] as const;
export type ReasonPlaceChange = (typeof REASON_PLACE_CHANGE_CODES)[number];

/**
 * SSDA903 REC, the reason an episode ceased (DfE 903 guidance; the open SSDA903 validator's rule
 * 149, data-to-insight/csc-validator-be-903 lac_validator/rules/lac2022_23/rule_149.py). `X1`:
 * the episode ceased and a new one begins (a change of placement or legal status), when
 * REASON_PLACE_CHANGE applies.
 */
export const REASON_EPISODE_CEASED_CODES = [
  'E11', 'E12', 'E2', 'E3', 'E4A', 'E4B', 'E13', 'E41', 'E45', 'E46', 'E47', 'E48', 'E5', 'E6', 'E7', 'E8', 'E9',
  'E14', 'E15', 'E16', 'E17', 'X1',
] as const;
export type ReasonEpisodeCeased = (typeof REASON_EPISODE_CEASED_CODES)[number];

/** Ofsted overall judgements, best first. */
export const OFSTED_RATINGS = ['outstanding', 'good', 'requires-improvement', 'inadequate', 'not-yet-inspected'] as const;
export type OfstedRating = (typeof OFSTED_RATINGS)[number];

/** The draft national placements standard's risk flags, plus settings. */
export const NEEDS_CODES = [
  'self-harm', 'criminal-exploitation', 'drug-alcohol', 'eating-disorder', 'going-missing',
  'physical-harm-to-others', 'sexual-harm-to-others', 'fire-setting', 'harm-to-animals',
  'exploiting-others', 'sexual-exploitation', 'disability', 'complex-medical', 'semh',
  'separated-migrant', 'parent-and-child',
] as const;
export type NeedCode = (typeof NEEDS_CODES)[number];

export const SEXES = ['female', 'male'] as const;
export type Sex = (typeof SEXES)[number];

export const CARE_ALONGSIDE = ['solo', 'group'] as const;
export type CareAlongside = (typeof CARE_ALONGSIDE)[number];

export const URGENCIES = ['today', 'within-5-days', 'planned'] as const;
export type Urgency = (typeof URGENCIES)[number];

// ---------------------------------------------------------------- authorities

/** The 11 Eastern Region authorities' slugs (functions/domain/reference/authorities.ts holds their codes and geography). */
export const AUTHORITY_SLUGS = [
  'bedford', 'cambridgeshire', 'central-bedfordshire', 'essex', 'hertfordshire', 'luton', 'norfolk',
  'peterborough', 'southend-on-sea', 'suffolk', 'thurrock',
] as const;
export type AuthoritySlug = (typeof AUTHORITY_SLUGS)[number];

// ---------------------------------------------------------------- pooled beds
export const POOL_KINDS = ['emergency', 'move-on'] as const;
export type PoolKind = (typeof POOL_KINDS)[number];
export const BED_STATUSES = ['available', 'occupied', 'out-of-service'] as const;
export type BedStatus = (typeof BED_STATUSES)[number];
export const REQUEST_STATUSES = ['pending', 'allocated', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export const ALLOCATION_STATUSES = ['active', 'ended'] as const;
export type AllocationStatus = (typeof ALLOCATION_STATUSES)[number];

export const ID_PATTERNS = {
  bed: /^bed_[0-9a-z]{8,40}$/,
  request: /^req_[a-z-]+_[0-9a-z]{8,40}$/,
  allocation: /^alc_[a-z-]+_[0-9a-z]{8,40}$/,
  placement: /^plc_[a-z-]+_[0-9a-z]{8,40}$/,
} as const;

/** Reg 13(4) notice ids (`ntc_…`). Apart from ID_PATTERNS so Lambdas that never see them do not bundle them. */
export const NOTICE_ID_PATTERN = /^ntc_[0-9a-z]{8,40}$/;

/** Shares name each authority at most once (the schema's keys), are in (0, 1] and sum to 1 within 1e-9. */
export function sharesSumToOne(shares: Partial<Record<AuthoritySlug, number>>): boolean {
  const values = Object.values(shares).filter((v): v is number => v !== undefined);
  if (values.length === 0) return false;
  const total = values.reduce((a, b) => a + b, 0);
  return Math.abs(total - 1) <= 1e-9;
}

// ---------------------------------------------------------------- placements
// Care Planning, Placement and Case Review (England) Regulations 2010, reg 11 as amended by SI 2013/3239.

/** Where the home lies against the placing authority (reg 11(1) and (5)). */
export const PLACEMENT_LOCATIONS = ['in-area', 'adjoining', 'at-distance'] as const;
export type PlacementLocation = (typeof PLACEMENT_LOCATIONS)[number];

/** Who may approve an out-of-area placement: a nominated officer (reg 11(1)(a)) or the DCS (reg 11(1)(b)). */
export const APPROVAL_ROLES = ['nominated-officer', 'director-of-childrens-services'] as const;
export type ApprovalRole = (typeof APPROVAL_ROLES)[number];
export const APPROVALS_REQUIRED = ['none', ...APPROVAL_ROLES] as const;
export type ApprovalRequired = (typeof APPROVALS_REQUIRED)[number];

/** What the approver must be satisfied of, reg 11(2)(a)–(e), in that order. */
export const APPROVAL_CHECKLIST = ['wishesAndFeelings', 'mostAppropriate', 'relativesConsulted', 'areaAuthority', 'iroConsulted'] as const;
export type ApprovalChecklistItem = (typeof APPROVAL_CHECKLIST)[number];

// ---------------------------------------------------------------- offers (CONTRACT.md "Offers and placements")

/** An offer's status: stored `open`, `accepted`, `declined`, `withdrawn`; `expired` and `superseded` are also derived on read. */
export const OFFER_STATUSES = ['open', 'accepted', 'declined', 'withdrawn', 'expired', 'superseded'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];
/** Why the referring authority declines an offer. */
export const DECLINE_REASONS = ['needs-not-met', 'location', 'price', 'start-date', 'better-match', 'child-views', 'other'] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];
/** A referral's status: `open` until an offer is accepted, then `placed`. */
export const REFERRAL_STATUSES = ['open', 'placed'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
/** What an audited access to a referral was: a read, a list, a provider's response, an offer (made or read), an acceptance checking the provider may still read it. */
export const AUDIT_ACTIONS = ['read', 'list', 'respond', 'offer', 'accept', 'notice-read'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
/** Event types (CONTRACT "Events"): functions/domain/events.ts says what each is about and who hears it. */
export const EVENT_TYPES = [
  'referral.shared',
  'offer.made',
  'offer.accepted',
  'offer.declined',
  'offer.superseded',
  'placement.created',
  'notice.delivered',
  'notice.due',
  'vacancy.expiring',
  'hold.expiring',
  'allocation.created',
  'allocation.ended',
  'rollup.published',
] as const;

/** What an event is about: the record a recipient can read through the API. */
export const EVENT_SUBJECT_KINDS = ['referral', 'offer', 'placement', 'notice', 'vacancy', 'allocation', 'rollup'] as const;

/** Who runs a home (PUT /v1/homes `sector`; SSDA903 PLACE_PROVIDER follows from it). */
export const HOME_SECTORS = ['private', 'voluntary', 'local-authority', 'health'] as const;
export type HomeSector = (typeof HOME_SECTORS)[number];

// ---------------------------------------------------------------- referrals

/** Every data item a referral can carry, as field paths into its representation. */
export const REFERRAL_FIELDS = [
  'authority',
  'child.childRef',
  'child.age',
  'child.sex',
  'child.needs',
  'child.homeOutcode',
  'child.urgency',
  'child.careAlongside',
  'child.settings',
  'child.siblings',
] as const;
export type ReferralField = (typeof REFERRAL_FIELDS)[number];

// ---------------------------------------------------------------- limits

/** What a problem+json body carries at most (the edge's `problem()` enforces it; the OpenAPI Problem schema states it). */
export const PROBLEM_LIMITS = { errors: 100, path: 300, message: 500, detail: 2000 } as const;

// ---------------------------------------------------------------- names

const NAME_SUFFIXES = new Set(['limited', 'ltd', 'plc', 'llp', 'lp', 'cic', 'inc', 'incorporated', 'company', 'co', 'uk', 'and']);

/**
 * A provider or group name as the hub compares it: `The Acme (UK) Co. Ltd.` → `acme`;
 * `Children’s & Families` → `childrens and families`. Here because the spend schema refuses a
 * group name that normalises to nothing, and the domain maps groups by it.
 */
export function normaliseName(name: string): string {
  const tokens = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’‘`]/g, '')
    .replace(/[&+]/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  while (tokens.length > 1 && NAME_SUFFIXES.has(tokens[tokens.length - 1]!)) tokens.pop();
  if (tokens.length > 1 && tokens[0] === 'the') tokens.shift();
  return tokens.join(' ');
}

