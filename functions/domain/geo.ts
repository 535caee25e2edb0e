import { readFileSync } from 'node:fs';
import { AUTHORITIES, type AuthoritySlug } from './reference/authorities.ts';
import { badRequest } from './errors.ts';

/** British National Grid point, metres. */
export type Point = readonly [easting: number, northing: number];

const METRES_PER_MILE = 1609.344;

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

/** Outcode → [easting, northing, Eastern authority or undefined]. */
function outcodeTable(): Map<string, Row> {
  if (table) return table;
  table = new Map();
  for (const entry of readFileSync(outcodesFile(), 'utf8').trim().split(';')) {
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
