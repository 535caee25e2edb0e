import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { AUTHORITIES } from '../functions/domain/reference/authorities.ts';

/**
 * Builds functions/domain/reference/outcodes.txt from the shared reference data
 * (england_outcode_centroids_bng.csv): every English outcode's mean easting and northing, and
 * which of the 11 Eastern authorities it mostly lies in. Packed as one string (see geo.ts) so
 * each Lambda carries ~30 KB rather than ~75 KB of JSON.
 *
 *   npx tsx infra/build-outcodes.ts [../shared/data]
 */
const dir = process.argv[2] ?? join(import.meta.dirname, '..', '..', 'shared', 'data');
const rows = parse(readFileSync(join(dir, 'england_outcode_centroids_bng.csv'), 'utf8'), { columns: true, bom: true }) as {
  outcode: string; mean_easting: string; mean_northing: string; main_lad: string;
}[];
const authorityIndex = new Map<string, number>(AUTHORITIES.flatMap((a, i) => a.districts.map((d) => [d, i] as const)));
const b36 = (n: number) => {
  if (!Number.isInteger(n) || n < 0 || n >= 36 ** 4) throw new Error(`coordinate out of range: ${n}`);
  return n.toString(36).padStart(4, '0');
};
const packed = rows
  .map((r) => {
    const i = authorityIndex.get(r.main_lad);
    return `${r.outcode.trim().toUpperCase()}${b36(Number(r.mean_easting))}${b36(Number(r.mean_northing))}${i === undefined ? '-' : i.toString(36)}`;
  })
  .join(';');
const out = join(import.meta.dirname, '..', 'functions', 'domain', 'reference', 'outcodes.txt');
// Format: OUTCODE + easting (4 base-36 digits) + northing (4) + Eastern authority index in
// AUTHORITIES (base 36, '-' outside the region), ';'-separated. OGL v3.0; see ATTRIBUTION.md.
writeFileSync(out, `${packed}\n`);
console.log(`${rows.length} outcodes → ${out} (${packed.length} characters)`);
