// SSDA903 code lists (DfE, OGL v3.0; ssda903_place_and_provider_codes.csv) and the hub's own
// code lists from CONTRACT.md. PLACE codes change by collection year, so they are versioned:
// a code is valid for a year when that year's list carries it.

const PLACE_2024_25 = [
  'A3', 'A4', 'A5', 'A6', 'H5', 'K1', 'K2', 'P1', 'P2', 'P3', 'R1', 'R2', 'R3', 'R5', 'S1',
  'T0', 'T1', 'T2', 'T3', 'T4', 'U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'Z1',
] as const;

/** From 2025-26 H5 and P2 are withdrawn and K3 (registered supported accommodation) is added. */
const PLACE_2025_26 = [...PLACE_2024_25.filter((c) => c !== 'H5' && c !== 'P2'), 'K3'] as const;

export const PLACE_CODES_BY_YEAR = {
  '2024-25': PLACE_2024_25,
  '2025-26': PLACE_2025_26,
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
