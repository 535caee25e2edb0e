import { parse } from 'csv-parse/sync';
import { authorityOfOutcode, isKnownOutcode, outcodeOfPostcode } from './geo.ts';
import { inHouseProvider, type HomeItem, type ProviderRef } from './homes.ts';
import { placesCoverOpenBeds } from './vacancy.ts';
import { providerIdFromName } from './principal.ts';
import { AUTHORITIES, type AuthoritySlug } from './reference/authorities.ts';
import type { OfstedRating, PlacementType } from '../../schemas/codes.ts';

/**
 * Ofsted's provider-level register ("Children's social care data in England – Provider level"),
 * read as Ofsted publishes it: title rows above the header, header cells with stray newlines,
 * column sets that change between years. Pure: rows in, home facts (or a reason to skip) out.
 */

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** Column names by what they mean; each year's file names some of them differently. */
const COLUMNS = {
  urn: ['urn'],
  provisionType: ['provision type'],
  registrationStatus: ['registration status'],
  name: ['name', 'setting name', 'provider name'],
  postcode: ['postcode'],
  region: ['ofsted region', 'government office region', 'region'],
  localAuthority: ['local authority', 'local authority name'],
  sector: ['sector'],
  places: ['places', 'number of places', 'registered places'],
  organisation: ['organisation which owns the provider', 'organisation', 'owner'],
  overall: ['overall experiences and progress of children and young people', 'overall effectiveness'],
  supportedOutcome: ['supported accommodation outcome'],
  inspectedOn: ['latest full inspection date'],
} as const;
export type OfstedField = keyof typeof COLUMNS;

export interface OfstedHeader {
  /** Index of the header row among the file's rows. */
  row: number;
  /** Field → column index; fields the file does not have are absent. */
  columns: Partial<Record<OfstedField, number>>;
}

/** Finds the header row (the first row naming both URN and provision type) and maps its columns. */
export function findHeader(rows: readonly (readonly string[])[], maxTitleRows = 20): OfstedHeader | undefined {
  for (let r = 0; r < Math.min(rows.length, maxTitleRows + 1); r++) {
    const cells = rows[r]!.map(norm);
    if (!cells.includes('urn') || !cells.includes('provision type')) continue;
    const columns: Partial<Record<OfstedField, number>> = {};
    for (const [field, names] of Object.entries(COLUMNS) as [OfstedField, readonly string[]][]) {
      for (const name of names) {
        const i = cells.indexOf(name);
        if (i >= 0) {
          columns[field] = i;
          break;
        }
      }
    }
    return { row: r, columns };
  }
  return undefined;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** The date the register stands at, from its title rows ("… Provider level as at 31 March 2025"), `YYYY-MM-DD`. */
export function registerDate(rows: readonly (readonly string[])[], headerRow: number): string | undefined {
  for (let r = 0; r < headerRow; r++) {
    const m = /as at (\d{1,2}) ([a-z]+) (\d{4})/i.exec(rows[r]!.join(' '));
    const month = m ? MONTHS.indexOf(m[2]!.toLowerCase()) : -1;
    if (m && month >= 0) return `${m[3]}-${String(month + 1).padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  }
  return undefined;
}

/** Ofsted's provision types that are homes a child can be placed in, as SSDA903 PLACE codes. */
const PROVISION_TYPES: Record<string, PlacementType> = {
  "children's home": 'K2',
  "residential special school (registered as a children's home)": 'K2',
  "secure children's home": 'K1',
  'supported accommodation': 'K3',
  'residential special school': 'S1',
  'residential family centre': 'R3',
};

/** Judgements as Ofsted words them, and supported accommodation's own outcome scale. */
const JUDGEMENTS: Record<string, OfstedRating> = {
  outstanding: 'outstanding',
  good: 'good',
  'requires improvement to be good': 'requires-improvement',
  'requires improvement': 'requires-improvement',
  inadequate: 'inadequate',
  'consistently strong service delivery': 'good',
  'inconsistent quality of service delivery': 'requires-improvement',
  'serious or widespread weaknesses': 'inadequate',
};

const SECTORS: Record<string, string> = {
  private: 'private',
  voluntary: 'voluntary',
  'local authority': 'local-authority',
  academy: 'academy',
  'health authority': 'health-authority',
};

const laKey = (s: string) => s.toLowerCase().replace(/&/g, ' and ').replace(/[^a-z0-9]+/g, ' ').trim();
const AUTHORITY_BY_NAME = new Map<string, AuthoritySlug>(
  AUTHORITIES.flatMap((a) => [[laKey(a.ofstedName), a.id], [laKey(a.name), a.id], [laKey(a.id), a.id]] as [string, AuthoritySlug][]),
);

/** An Eastern Region authority from a local authority name as Ofsted or ONS writes it ("Southend on Sea", "Southend-on-Sea"). */
export function authorityFromName(name: string): AuthoritySlug | undefined {
  return AUTHORITY_BY_NAME.get(laKey(name));
}

const COUNCIL = /^(?:the\s+)?(.+?)\s+councils?$/i;
const COUNCIL_KIND = /\s+(?:city|county|borough|district|unitary)$/i;
const placeOf = (part: string): AuthoritySlug | undefined => authorityFromName(part.trim().replace(COUNCIL_KIND, '').replace(/^(?:city|county|borough) of\s+/i, ''));

/**
 * The Eastern Region authority an owning organisation is, when it is one of the region's
 * councils as Ofsted names them ("Essex County Council", "Bedford Borough Council", "Central
 * Bedfordshire Council", "Southend-on-Sea City Council"). Only a council's name counts: "Heartwood
 * Care Peterborough Limited" is not Peterborough, and a council outside the region is none. Councils
 * owning a home together ("Peterborough City & Cambridgeshire County Councils") own it as the one
 * the home lies in (`location`) when that is among them, else as the first named.
 */
export function councilOwner(organisation: string, location?: AuthoritySlug): AuthoritySlug | undefined {
  const m = COUNCIL.exec(organisation.replace(/\s+/g, ' ').trim());
  if (!m) return undefined;
  const whole = placeOf(m[1]!);
  if (whole) return whole;
  const named = m[1]!.split(/\s*&\s*|\s+and\s+/i).flatMap((part) => placeOf(part) ?? []);
  return location && named.includes(location) ? location : named[0];
}

/** `Acme Care Limited 03894588 ` → `Acme Care Limited`: whitespace tidied, a trailing company number dropped. */
export function cleanOrganisation(name: string): string {
  return name.replace(/\s+/g, ' ').trim().replace(/\s+\(?\d{6,8}\)?$/, '').trim();
}

const REDACTED = /^redacted$/i;

/** `dd/mm/yyyy` → `yyyy-mm-dd`, when it is a real date. */
function isoDay(text: string): string | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const iso = `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? undefined : iso;
}

export interface OfstedHome {
  urn: string;
  /** Undefined when Ofsted redacted it. */
  name?: string;
  provisionType: string;
  placementType: PlacementType;
  registeredPlaces: number;
  ofstedRating: OfstedRating;
  /** The Eastern Region authority the home lies in, when it does (not necessarily its owner). */
  authority?: AuthoritySlug;
  ofstedLocalAuthority?: string;
  /** Undefined when the postcode is redacted or unknown to the hub. */
  outcode?: string;
  sector: string;
  inspectedOn?: string;
  /** Who owns it: a council in the region (in-house), or an organisation as a provider. */
  owner: { kind: 'authority'; id: AuthoritySlug; organisation?: string } | { kind: 'provider'; id: string; name: string; group: string };
  /** What is known of who it takes: Ofsted does not say, so the widest the provision type allows. */
  ageRange: { min: number; max: number };
}

export type RowOutcome = { kind: 'home'; home: OfstedHome } | { kind: 'skip'; reason: string; urn?: string };

/**
 * What one register row means for the hub. Children's homes and other residential provision
 * become homes, belonging to the organisation that owns them: a home owned by one of the region's
 * councils becomes that authority's in-house home (wherever it lies); any other owner (including
 * a council outside the region) becomes a provider, its id derived from its name. Everything else
 * is skipped with a reason.
 */
export function interpretRow(row: readonly string[], header: OfstedHeader, opts: { region?: string } = {}): RowOutcome {
  const get = (f: OfstedField): string => {
    const i = header.columns[f];
    return i === undefined ? '' : (row[i] ?? '').replace(/\s+/g, ' ').trim();
  };
  const urn = get('urn').toUpperCase();
  if (!urn) return { kind: 'skip', reason: 'no URN' };
  if (!/^(SC\d{6}|\d{7})$/.test(urn)) return { kind: 'skip', reason: 'not an Ofsted URN', urn };

  if (opts.region !== undefined) {
    const region = get('region');
    if (norm(region) !== norm(opts.region)) return { kind: 'skip', reason: `outside ${opts.region}`, urn };
  }

  const provisionType = get('provisionType');
  const placementType = PROVISION_TYPES[norm(provisionType)];
  if (!placementType) return { kind: 'skip', reason: `not a home: ${provisionType || 'no provision type'}`, urn };

  const status = norm(get('registrationStatus'));
  if (status && status !== 'active') return { kind: 'skip', reason: `registration ${status}`, urn };

  const judgement = norm(get('overall')) || norm(get('supportedOutcome'));
  const ofstedRating: OfstedRating | undefined = judgement ? JUDGEMENTS[judgement] : 'not-yet-inspected';
  if (!ofstedRating) return { kind: 'skip', reason: `unrecognised judgement: ${judgement}`, urn };

  const la = get('localAuthority');
  const authority = la ? authorityFromName(la) : undefined;
  const sector = SECTORS[norm(get('sector'))] ?? (norm(get('sector')).replace(/[^a-z0-9]+/g, '-') || 'unknown');
  const organisation = cleanOrganisation(get('organisation'));

  // The owner is the organisation Ofsted names, not the place: a region council's home is its
  // in-house home wherever it lies; anyone else (a council outside the region too) is a provider.
  // Only a council-run home with no organisation named falls back to the council it lies in.
  const council = organisation ? councilOwner(organisation, authority) : undefined;
  let owner: OfstedHome['owner'];
  if (council) owner = { kind: 'authority', id: council, organisation };
  else if (organisation) owner = { kind: 'provider', id: providerIdFromName(organisation), name: organisation, group: organisation };
  else if (sector === 'local-authority' && authority) owner = { kind: 'authority', id: authority };
  else return { kind: 'skip', reason: 'no owning organisation', urn };

  const postcode = get('postcode');
  const outcode = postcode && !REDACTED.test(postcode) ? outcodeOfPostcode(postcode) : undefined;
  const name = get('name');
  const places = Number.parseInt(get('places').replace(/,/g, ''), 10);

  return {
    kind: 'home',
    home: {
      urn,
      ...(name && !REDACTED.test(name) ? { name } : {}),
      provisionType,
      placementType,
      registeredPlaces: Number.isFinite(places) && places > 0 ? places : 0,
      ofstedRating,
      ...(authority ? { authority } : {}),
      ...(la ? { ofstedLocalAuthority: la } : {}),
      ...(outcode && isKnownOutcode(outcode) ? { outcode } : {}),
      sector,
      ...(isoDay(get('inspectedOn')) ? { inspectedOn: isoDay(get('inspectedOn')) } : {}),
      owner,
      // supported accommodation is for 16- and 17-year-olds; secure homes take 10 and over
      ageRange: placementType === 'K3' ? { min: 16, max: 17 } : placementType === 'K1' ? { min: 10, max: 17 } : { min: 0, max: 17 },
    },
  };
}

/**
 * Windows-1252's 0x80–0x9F, which Latin-1 leaves as control characters. (Some Node versions'
 * TextDecoder('windows-1252') decodes as Latin-1, so these are mapped here, not trusted to it.)
 */
const CP1252_HIGH: Record<number, string> = {
  0x80: '\u20ac', 0x82: '\u201a', 0x83: '\u0192', 0x84: '\u201e', 0x85: '\u2026', 0x86: '\u2020', 0x87: '\u2021', 0x88: '\u02c6',
  0x89: '\u2030', 0x8a: '\u0160', 0x8b: '\u2039', 0x8c: '\u0152', 0x8e: '\u017d', 0x91: '\u2018', 0x92: '\u2019', 0x93: '\u201c',
  0x94: '\u201d', 0x95: '\u2022', 0x96: '\u2013', 0x97: '\u2014', 0x98: '\u02dc', 0x99: '\u2122', 0x9a: '\u0161', 0x9b: '\u203a',
  0x9c: '\u0153', 0x9e: '\u017e', 0x9f: '\u0178',
};

/** Decodes a file's bytes: UTF-8 (with or without BOM) when valid, else Windows-1252 as Excel writes it. */
export function decodeRegister(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), encoding: 'utf-8' };
  } catch {
    const text = new TextDecoder('windows-1252').decode(bytes).replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0)] ?? c);
    return { text, encoding: 'windows-1252' };
  }
}

/** A register file's bytes decoded and parsed as CSV: its rows, and its header when one is found. */
export function parseRegister(bytes: Uint8Array): { encoding: ReturnType<typeof decodeRegister>['encoding']; rows: string[][]; header: OfstedHeader | undefined } {
  const { text, encoding } = decodeRegister(bytes);
  const rows = parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: true, bom: true }) as string[][];
  return { encoding, rows, header: findHeader(rows) };
}

// ---------------------------------------------------------------- a register row onto a stored home

/**
 * The home a register row makes, on top of what is already stored, or why the row cannot be
 * applied. Facts the owner keeps (ages, sexes, needs, price, sharing, its own outcode and name
 * where Ofsted withholds them) survive; a home that changed hands keeps none of its former
 * owner's price. Places fewer than the beds the home's open vacancies hold are refused, as they
 * are to its owner (CONTRACT: open vacancies never hold more beds than registered places).
 */
export function mergeOfstedHome(
  row: OfstedHome,
  existing: HomeItem | undefined,
  now: string,
  asAt?: string,
): { kind: 'home'; home: HomeItem } | { kind: 'skip'; reason: string } {
  if (asAt && existing?.ofstedAsAt && existing.ofstedAsAt > asAt) return { kind: 'skip', reason: `a newer register (${existing.ofstedAsAt}) is already imported` };
  if (existing?.openBeds !== undefined && !placesCoverOpenBeds(row.registeredPlaces, existing.openBeds)) {
    return { kind: 'skip', reason: 'its open vacancies hold more beds than the register\'s places; the owner must reduce them first' };
  }
  const owner = row.owner.kind === 'authority' ? `authority:${row.owner.id}` : `provider:${row.owner.id}`;
  const provider: ProviderRef =
    row.owner.kind === 'authority' ? inHouseProvider(row.owner.id, row.owner.organisation) : { id: row.owner.id, name: row.owner.name, group: row.owner.group };
  const sameOwner = existing?.owner === owner;
  const outcode = row.outcode ?? existing?.outcode;
  const home: HomeItem = {
    ...(existing ?? { openBeds: 0 }),
    urn: row.urn,
    name: row.name ?? existing?.name ?? `${row.provisionType} ${row.urn}`,
    owner,
    provider,
    placementType: row.placementType,
    outcode,
    authority: row.authority ?? (outcode ? authorityOfOutcode(outcode) : undefined),
    registeredPlaces: row.registeredPlaces,
    ofstedRating: row.ofstedRating,
    ageRange: existing?.ageRange ?? row.ageRange,
    sexes: existing?.sexes ?? ['female', 'male'],
    supports: existing?.supports ?? [],
    excludes: existing?.excludes ?? [],
    shareWithRegion: row.owner.kind === 'authority' ? (sameOwner ? (existing?.shareWithRegion ?? false) : false) : undefined,
    sector: row.sector,
    provisionType: row.provisionType,
    ofstedLocalAuthority: row.ofstedLocalAuthority,
    inspectedOn: row.inspectedOn,
    ofstedAsAt: asAt ?? existing?.ofstedAsAt,
    source: existing?.source ?? 'ofsted',
    version: (existing?.version ?? 0) + 1,
    updatedAt: now,
  };
  if (!sameOwner && existing) home.weeklyPrice = undefined;
  for (const k of Object.keys(home) as (keyof HomeItem)[]) if (home[k] === undefined) delete home[k];
  return { kind: 'home', home };
}
