import { METRES_PER_MILE, STRIP_METRES, type Point } from './geo.ts';
import { bestScoreBeyond } from './matching.ts';

export { placeAt, placeOfHome, STRIP_METRES, type Place } from './geo.ts';

/**
 * Where an open vacancy sits in the geographic index, and which parts of the index a search
 * `near` an outcode reads (issue 16). Pure: the store keys and reads what this names.
 *
 * The index cuts England into north–south strips STRIP_METRES wide on the British National Grid
 * (the coordinates the outcode centroids use) and keeps each strip's vacancies sorted by
 * northing, so the part of a disc that lies in one strip is one range of one partition. A home
 * with no location (no known outcode, no Eastern authority to stand in) goes in a bucket of its
 * own: a search without `maxMiles` ranks it as if half the distance score applied.
 *
 * A disc of `miles` covers every home that ranking (matching.ts `rank`) measures at `miles` or
 * less (it rounds to 0.1 mile), with a metre to spare; any home outside it is measured at
 * `miles` or more, so it scores at most `bestScoreBeyond(miles)`.
 */

/** The first disc a search without `maxMiles` reads. */
export const FIRST_RING_MILES = 20;
/** A disc wider than this many strips is read as the whole open-vacancy list instead (fewer requests). */
export const MAX_STRIPS = 48;

/** One range of one strip: northings `from`..`to`, both included. */
export interface StripRange {
  strip: number;
  from: number;
  to: number;
}

/** Per strip the disc of `miles` about `origin` touches, the range of northings that covers it. */
function discCover(origin: Point, miles: number): Map<number, [number, number]> {
  const r = (miles + 0.05) * METRES_PER_MILE + 1;
  const [ox, oy] = origin;
  const cover = new Map<number, [number, number]>();
  for (let s = Math.floor((ox - r) / STRIP_METRES); s * STRIP_METRES <= ox + r; s++) {
    const dx = Math.max(0, s * STRIP_METRES - ox, ox - (s + 1) * STRIP_METRES);
    const half = Math.sqrt(Math.max(0, r * r - dx * dx));
    cover.set(s, [Math.floor(oy - half), Math.ceil(oy + half)]);
  }
  return cover;
}

/** How many strips the disc of `miles` about `origin` touches. */
export const stripsOfDisc = (origin: Point, miles: number): number => discCover(origin, miles).size;

/**
 * The ranges to read to cover the disc of `miles` about `origin` when the disc of `readMiles`
 * (same origin) is already read: per strip the whole cover, or the parts of it north and south
 * of what was read. No place is in two ranges, and none read before is read again.
 */
export function discRanges(origin: Point, miles: number, readMiles?: number): StripRange[] {
  const read = readMiles === undefined ? new Map<number, [number, number]>() : discCover(origin, readMiles);
  const ranges: StripRange[] = [];
  for (const [strip, [from, to]] of discCover(origin, miles)) {
    const done = read.get(strip);
    if (!done) {
      ranges.push({ strip, from, to });
      continue;
    }
    if (from < done[0]) ranges.push({ strip, from, to: done[0] - 1 });
    if (to > done[1]) ranges.push({ strip, from: done[1] + 1, to });
  }
  return ranges;
}

/** What a search near an outcode has read: the disc of `miles`, and the bucket of homes with no location or not. */
export interface NearRead {
  miles: number;
  unlocated: boolean;
}

/** What it reads next: a wider disc (and perhaps the bucket), every open vacancy, or nothing more. */
export type NextRead = { kind: 'disc'; miles: number; unlocated: boolean } | { kind: 'all' } | { kind: 'done' };

/** The best score a home with no location can reach (its distance part is a half). */
const BEST_UNLOCATED = bestScoreBeyond(undefined);
/** The best score any home can reach however far away (the distance part is 0 from its zero distance on). */
const BEST_ANYWHERE_FAR = bestScoreBeyond(Number.POSITIVE_INFINITY);

/** The smallest distance, in tenths of a mile, from which no home can score `score` or more; undefined when homes anywhere can. */
export function settlingMiles(score: number): number | undefined {
  if (!(score > BEST_ANYWHERE_FAR)) return undefined;
  let hi = 1;
  while (!(bestScoreBeyond(hi / 10) < score)) hi *= 2;
  // bestScoreBeyond never rises with distance: the least tenth at which it is below `score`
  let lo = 0;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bestScoreBeyond(mid / 10) < score) hi = mid;
    else lo = mid + 1;
  }
  return lo / 10;
}

/**
 * The next read of a search near `origin`, from what it has read and the page ranked over it
 * (`more`: an eligible vacancy ranks after the page; `lastScore`: the unrounded score of the
 * page's last item). With `maxMiles`: the disc of `maxMiles`, once, and done. Without: outward
 * disc by disc, done as soon as no unread vacancy could rank before the page's last item — it
 * could only when its best possible score (distance bounding it, `bestScoreBeyond`) reaches
 * that item's score, ties included, since ties go by vacancy id. A page with room left widens
 * the disc twofold; a full one jumps to the distance that settles it. Past the distance at which
 * distance no longer lowers the bound nothing is gained by rings: read every open vacancy.
 */
export function nextNearRead(
  origin: Point,
  maxMiles: number | undefined,
  read: NearRead | undefined,
  page: { more: boolean; lastScore?: number } | undefined,
): NextRead {
  const disc = (miles: number, unlocated: boolean): NextRead =>
    stripsOfDisc(origin, miles) > MAX_STRIPS ? { kind: 'all' } : { kind: 'disc', miles, unlocated };
  if (maxMiles !== undefined) return read ? { kind: 'done' } : disc(maxMiles, false);
  if (!read) return disc(FIRST_RING_MILES, false);
  const last = page?.more ? page.lastScore : undefined;
  if (last !== undefined && last > bestScoreBeyond(read.miles) && (read.unlocated || last > BEST_UNLOCATED)) return { kind: 'done' };
  if (last === undefined) {
    const miles = read.miles * 2;
    if (!(bestScoreBeyond(miles) > BEST_ANYWHERE_FAR)) return { kind: 'all' };
    return disc(miles, read.unlocated || bestScoreBeyond(miles) <= BEST_UNLOCATED);
  }
  const settles = settlingMiles(last);
  if (settles === undefined) return { kind: 'all' };
  return disc(Math.max(read.miles, settles), read.unlocated || last <= BEST_UNLOCATED);
}
