import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outcodeCentroid } from '../../functions/domain/geo.ts';
import { AUTHORITIES } from '../../functions/domain/reference/authorities.ts';
import { mapDescription, placeMarkers, REGION_MAP, RegionMap, toMapUnits, MARKER_RADIUS } from '../../functions/console/map.tsx';
import { buildRegionMap, osgbGrid, regionMapText, simplify } from '../../infra/region-map.ts';

/**
 * The console's region map (issue 14): the committed map data is exactly what `npm run map` makes
 * from ONS's boundaries (skipped when ../shared/data is not beside the checkout: set
 * HUB_SHARED_DATA), it stays within its 15 KB budget, the projection agrees with the Ordnance
 * Survey's worked example, and the markers and the words that describe them are right.
 */

const SHARED = process.env.HUB_SHARED_DATA ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
const TOPO = join(SHARED, 'uk_boundaries_topo.json');
const committed = join(import.meta.dirname, '..', '..', 'functions', 'console', 'region-map.json');

describe('region map data', () => {
  it.skipIf(!existsSync(TOPO))('is what infra/build-region-map.ts makes from uk_boundaries_topo.json (run `npm run map` after changing either)', () => {
    const made = regionMapText(buildRegionMap(JSON.parse(readFileSync(TOPO, 'utf8'))));
    expect(readFileSync(committed, 'utf8')).toBe(made);
  });

  it('keeps within its 15 KB budget, carries the OGL attribution and the eleven authorities', () => {
    expect(readFileSync(committed).length).toBeLessThanOrEqual(15 * 1024);
    expect(REGION_MAP.attribution).toMatch(/Open Government Licence v3\.0/);
    expect(REGION_MAP.attribution).toMatch(/Office for National Statistics/);
    expect(REGION_MAP.areas.map((a) => a.id).sort()).toEqual(AUTHORITIES.map((a) => a.id).sort());
    for (const a of REGION_MAP.areas) expect(a.d).toMatch(/^M\d+ \d+l[-\d ]+z/);
  });

  it('projects with the OS transverse Mercator (OS guide, annex C worked example: 52°39′27.2531″N 1°43′4.5177″E → 651409.903 E, 313177.270 N)', () => {
    const [e, n] = osgbGrid(1 + 43 / 60 + 4.5177 / 3600, 52 + 39 / 60 + 27.2531 / 3600);
    expect(e).toBeCloseTo(651409.903, 1);
    expect(n).toBeCloseTo(313177.27, 1);
  });

  it('simplifies a line within the tolerance, keeping its ends', () => {
    const line: [number, number][] = [[0, 0], [1, 0.1], [2, -0.1], [3, 5], [4, 6], [5, 7], [6, 8.05], [7, 9]];
    const kept = simplify(line, 0.5);
    expect(kept[0]).toEqual([0, 0]);
    expect(kept.at(-1)).toEqual([7, 9]);
    expect(kept).toContainEqual([3, 5]);
    expect(kept).not.toContainEqual([1, 0.1]);
  });

  it('puts each authority\'s postcode-mean centre inside the map', () => {
    for (const a of AUTHORITIES) {
      const [x, y] = toMapUnits(a.centroid);
      expect(x).toBeGreaterThan(0);
      expect(y).toBeGreaterThan(0);
      expect(x).toBeLessThan(REGION_MAP.width);
      expect(y).toBeLessThan(REGION_MAP.height);
    }
  });
});

describe('region map markers', () => {
  const cm1 = outcodeCentroid('CM1')!;
  const cb1 = outcodeCentroid('CB1')!;

  it('numbers the results as in the list, spreads those at one spot so each is visible, and names those off the map', () => {
    const manchester = outcodeCentroid('M1')!; // far to the north-west: outside the map
    const { markers, offMap } = placeMarkers([cb1, cb1, cb1, undefined, cm1, manchester]);
    expect(markers.map((m) => m.n)).toEqual([1, 2, 3, 5]);
    expect(offMap).toEqual([4, 6]);
    const spread = markers.filter((m) => m.n <= 3);
    for (const a of spread) for (const b of spread) if (a !== b) expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThanOrEqual(2 * MARKER_RADIUS * 1.2);
    const [x, y] = toMapUnits(cm1);
    expect(markers.find((m) => m.n === 5)).toEqual({ n: 5, x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10 });
  });

  it('describes what it shows in words', () => {
    expect(mapDescription({ outcode: 'CM1', homeOnMap: true, shown: 2, offMap: [3] })).toBe(
      "The boundaries of the eleven local authorities of the Eastern Region. A black diamond marks the centre of the child's home outcode, CM1. "
      + '2 blue circles mark the homes found, numbered as in the list of results, each at the centre of its home\'s outcode, so positions are approximate. '
      + 'Not on the map: result 3 (outside the region, or with no known place).',
    );
    expect(mapDescription({ homeOnMap: false, shown: 1, offMap: [] })).toContain('One blue circle marks the home found');
  });

  it('renders an image with a title and description, a home marker and one numbered marker per result, styled without style attributes', () => {
    const html = String(RegionMap({ outcode: "CM1", home: cm1, results: [cb1, cm1] }));
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="region-map-title region-map-desc"/);
    expect(html).toContain('<title id="region-map-title">Map of the homes found near CM1</title>');
    expect(html).toContain('<desc id="region-map-desc">');
    expect(html.match(/data-marker="result"/g)).toHaveLength(2);
    expect(html.match(/data-marker="home"/g)).toHaveLength(1);
    expect(html.match(/data-area=/g)).toHaveLength(11);
    expect(html).toContain('Open Government Licence v3.0');
    expect(html).not.toMatch(/\sstyle=|<style/);
  });
});
