import { readFileSync } from 'node:fs';
import { AUTHORITIES, type AuthoritySlug } from './reference/authorities.ts';
import { badRequest } from './errors.ts';

/** British National Grid point, metres. */
export type Point = readonly [easting: number, northing: number];

export const METRES_PER_MILE = 1609.344;

type Row = readonly [easting: number, northing: number, authority: AuthoritySlug | undefined];
let table: Map<string, Row> | undefined;

/**
 * The embedded outcode table (reference/outcodes.txt, built by infra/build-outcodes.ts): read and
 * unpacked on first use (~1 ms), so Lambdas carry it as a file beside the bundle rather than in
 * their code, and only those that measure distance ever load it.
 */
function outcodesFile(): URL | string {
  return process.env.LAMBDA_TASK_ROOT ? `${process.env.LAMBDA_TASK_ROOT}/outcodes.txt` : new URL('./reference/outcodes.txt', import.meta.url);
}

let fileLines: string[] | undefined;
/** The sections of outcodes.txt, one a line (the format is in infra/build-outcodes.ts). */
function outcodesFileLines(): string[] {
  fileLines ??= readFileSync(outcodesFile(), 'utf8').trim().split(/\r?\n/);
  return fileLines;
}

/** Outcode → [easting, northing, Eastern authority or undefined]. */
function outcodeTable(): Map<string, Row> {
  if (table) return table;
  table = new Map();
  for (const entry of outcodesFileLines()[0]!.split(';')) {
    const n = entry.length;
    const authority = entry[n - 1] === '-' ? undefined : AUTHORITIES[Number.parseInt(entry[n - 1]!, 36)]!.id;
    table.set(entry.slice(0, n - 9), [Number.parseInt(entry.slice(n - 9, n - 5), 36), Number.parseInt(entry.slice(n - 5, n - 1), 36), authority]);
  }
  return table;
}

export function normaliseOutcode(outcode: string): string {
  return outcode.trim().toUpperCase();
}

export function isKnownOutcode(outcode: string): boolean {
  return outcodeTable().has(normaliseOutcode(outcode));
}

/** 400 naming `path` when the hub does not know the outcode (CONTRACT.md: "an outcode the hub does not know → 400 naming the field"). */
export function requireKnownOutcode(outcode: string | undefined, path: string): void {
  if (outcode !== undefined && !isKnownOutcode(outcode)) {
    throw badRequest(`The hub does not know the outcode ${outcode}.`, [{ path, message: `unknown outcode ${outcode}` }]);
  }
}

/** The mean position of the outcode's postcodes, or undefined for an outcode the hub does not know. */
export function outcodeCentroid(outcode: string): Point | undefined {
  const row = outcodeTable().get(normaliseOutcode(outcode));
  return row ? [row[0], row[1]] : undefined;
}

/** The Eastern Region authority the outcode mostly lies in, or undefined outside the region. */
export function authorityOfOutcode(outcode: string): AuthoritySlug | undefined {
  return outcodeTable().get(normaliseOutcode(outcode))?.[2];
}

export function authorityCentroid(slug: AuthoritySlug): Point {
  const a = AUTHORITIES.find((x) => x.id === slug);
  if (!a) throw new Error(`unknown authority ${slug}`);
  return a.centroid;
}

export interface Located {
  point: Point;
  /** True when the home's own outcode was unknown or redacted and its authority's centroid stood in. */
  approximate: boolean;
}

/** Where ranking puts a home: its outcode's centroid, or its Eastern authority's where the outcode is unknown or redacted. */
export function locateHome(home: { outcode?: string; authority?: AuthoritySlug }): Located | undefined {
  const own = home.outcode ? outcodeCentroid(home.outcode) : undefined;
  if (own) return { point: own, approximate: false };
  if (home.authority) return { point: authorityCentroid(home.authority), approximate: true };
  return undefined;
}

// ---------------------------------------------------------------- the grid of the index by place

/** Width of the north–south strips of the index by place (domain/near.ts says how a search reads them). */
export const STRIP_METRES = 10_000;

export interface Place {
  /** floor(easting / STRIP_METRES). */
  strip: number;
  /** Whole metres. */
  northing: number;
}

/** The place in the index of a home at `point`. */
export const placeAt = (point: Point): Place => ({ strip: Math.floor(point[0] / STRIP_METRES), northing: Math.floor(point[1]) });

/** The place of a home as ranking locates it (`locateHome`), or undefined for a home with no location. */
export function placeOfHome(home: { outcode?: string; authority?: AuthoritySlug }): Place | undefined {
  const at = locateHome(home);
  return at ? placeAt(at.point) : undefined;
}

/** Straight-line distance in miles, rounded to 0.1. */
export function milesBetween(a: Point, b: Point): number {
  return milesBetweenXY(a[0], a[1], b[0], b[1]);
}

/** The same, on bare coordinates (no tuples), for ranking many homes without allocating. */
export function milesBetweenXY(ax: number, ay: number, bx: number, by: number): number {
  const dx = ax - bx;
  const dy = ay - by;
  return Math.round((Math.sqrt(dx * dx + dy * dy) / METRES_PER_MILE) * 10) / 10;
}

/** The outcode part of a full postcode (`CM1 1AA` → `CM1`), or undefined when it is not one. */
export function outcodeOfPostcode(postcode: string): string | undefined {
  const compact = postcode.replace(/\s+/g, '').toUpperCase();
  const m = /^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$/.exec(compact);
  return m ? m[1] : undefined;
}

// ---------------------------------------------------------------- districts and upper-tier authorities

/** An upper-tier local authority of England (county, unitary, metropolitan district or London borough). */
export interface UpperTier {
  /** ONS code, e.g. `E10000012`. */
  onsCode: string;
  name: string;
}

interface Areas {
  /** Outcode → ONS code of its main district (the outcode table's `main_lad`). */
  mainDistrict: Map<string, string>;
  /** District (ONS LTLA code) → its upper-tier authority. */
  upperTierOfDistrict: Map<string, UpperTier>;
  /** Upper-tier ONS code → the authority. */
  byCode: Map<string, UpperTier>;
  /** A name as `areaNameKey` reads it → the authority (the code in use now where a name had two). */
  byName: Map<string, UpperTier>;
}
let areas: Areas | undefined;

/**
 * A local authority's name as compared: letter case, punctuation, `&`, and the ", City of" /
 * ", County of" / "County " forms ignored, so Ofsted's `Southend on Sea`, `Bristol`, `Durham` and
 * `Bournemouth, Christchurch & Poole` meet ONS's `Southend-on-Sea`, `Bristol, City of`,
 * `County Durham` and `Bournemouth, Christchurch and Poole`.
 */
export function areaNameKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/,\s*(city|county) of\s*$/, '')
    .replace(/^\s*county\s+/, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function areaTables(): Areas {
  if (areas) return areas;
  const [outcodes, districtIndex, districts, upperTiers] = outcodesFileLines() as [string, string, string, string];
  const tiers = upperTiers.split(';').map((e): UpperTier => {
    const [onsCode, name] = e.split('|') as [string, string];
    return Object.freeze({ onsCode, name });
  });
  const districtCodes: string[] = [];
  const upperTierOfDistrict = new Map<string, UpperTier>();
  for (const e of districts.split(';')) {
    districtCodes.push(e.slice(0, -2));
    upperTierOfDistrict.set(e.slice(0, -2), tiers[Number.parseInt(e.slice(-2), 36)]!);
  }
  const mainDistrict = new Map<string, string>();
  outcodes.split(';').forEach((entry, k) => {
    mainDistrict.set(entry.slice(0, entry.length - 9), districtCodes[Number.parseInt(districtIndex.slice(2 * k, 2 * k + 2), 36)]!);
  });
  // later rows carry the codes in use since 2023-24 (North Yorkshire, Somerset, Barnsley, Sheffield): they win a name
  areas = {
    mainDistrict,
    upperTierOfDistrict,
    byCode: new Map(tiers.map((t) => [t.onsCode, t])),
    byName: new Map(tiers.map((t) => [areaNameKey(t.name), t])),
  };
  return areas;
}

/** The ONS code of the district most of the outcode's postcodes lie in, or undefined for an outcode the hub does not know. */
export function mainDistrictOfOutcode(outcode: string): string | undefined {
  return areaTables().mainDistrict.get(normaliseOutcode(outcode));
}

/** The upper-tier authority a district (ONS LTLA code) belongs to. */
export function upperTierOfDistrict(ltlaCode: string): UpperTier | undefined {
  return areaTables().upperTierOfDistrict.get(ltlaCode.trim().toUpperCase());
}

/** The upper-tier authority with this ONS code, or undefined when the hub does not know it. */
export function upperTierByCode(onsCode: string): UpperTier | undefined {
  return areaTables().byCode.get(onsCode.trim().toUpperCase());
}

/** The upper-tier authority of England with this name (as Ofsted or ONS writes it; see `areaNameKey`). */
export function upperTierByName(name: string): UpperTier | undefined {
  return areaTables().byName.get(areaNameKey(name));
}

/** The upper-tier authority the outcode mostly lies in: its main district's. */
export function upperTierOfOutcode(outcode: string): UpperTier | undefined {
  const district = mainDistrictOfOutcode(outcode);
  return district === undefined ? undefined : upperTierOfDistrict(district);
}
