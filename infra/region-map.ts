import { AUTHORITIES } from '../functions/domain/reference/authorities.ts';

/**
 * Builds the console's region map (functions/console/region-map.json) from ONS's boundaries of the
 * UK (../shared/data/uk_boundaries_topo.json, TopoJSON in WGS84 lon/lat; OGL v3.0): the eleven
 * Eastern Region authorities' boundaries (object `utla`), projected to the British National Grid
 * (so that the hub's outcode centroids, which are BNG eastings and northings, fall where they
 * belong), simplified, and written as SVG path data in map units (1 unit = METRES_PER_UNIT metres,
 * y down). Shared borders are TopoJSON arcs, each simplified once, so neighbours still meet.
 * Islands smaller than MIN_RING_AREA square units are dropped. Pure: the CLI
 * (infra/build-region-map.ts, `npm run map`) reads the source and writes the file, and
 * test/unit/region-map.test.ts checks the committed file is what this makes from the source.
 *
 * The projection is the Ordnance Survey's transverse Mercator (OS "A guide to coordinate systems
 * in Great Britain", annex C) applied to WGS84 latitudes and longitudes as if they were OSGB36:
 * off by up to ~120 m, well under one map unit.
 */

export const METRES_PER_UNIT = 250;
/** Douglas–Peucker tolerance, in metres. */
export const TOLERANCE_METRES = 300;
/** Rings (islands) smaller than this many square units are left out. */
export const MIN_RING_AREA = 6;
/** Margin around the region, in units. */
const MARGIN = 4;

export const ATTRIBUTION =
  'Source: Office for National Statistics licensed under the Open Government Licence v3.0. Contains OS data © Crown copyright and database right 2025.';

interface Topology {
  type: 'Topology';
  transform: { scale: [number, number]; translate: [number, number] };
  arcs: [number, number][][];
  objects: Record<string, { type: string; geometries: { type: string; arcs: unknown; properties: { areacd: string; areanm: string } }[] }>;
}

export interface RegionMap {
  attribution: string;
  source: string;
  /** Map units: x = (easting - e0) / metresPerUnit, y = (n0 - northing) / metresPerUnit. */
  grid: { e0: number; n0: number; metresPerUnit: number };
  width: number;
  height: number;
  areas: { id: string; name: string; onsCode: string; d: string }[];
}

const rad = (deg: number) => (deg * Math.PI) / 180;

/** OSGB36 latitude/longitude (degrees) → British National Grid [easting, northing] in metres. */
export function osgbGrid(lon: number, lat: number): [number, number] {
  const a = 6377563.396, b = 6356256.909, F0 = 0.9996012717;
  const phi0 = rad(49), lambda0 = rad(-2), N0 = -100000, E0 = 400000;
  const e2 = 1 - (b * b) / (a * a), n = (a - b) / (a + b);
  const phi = rad(lat), lambda = rad(lon);
  const sin = Math.sin(phi), cos = Math.cos(phi), tan2 = Math.tan(phi) ** 2;
  const nu = (a * F0) / Math.sqrt(1 - e2 * sin * sin);
  const rho = (a * F0 * (1 - e2)) / (1 - e2 * sin * sin) ** 1.5;
  const eta2 = nu / rho - 1;
  const dp = phi - phi0, sp = phi + phi0;
  const M = b * F0 * (
    (1 + n + (5 / 4) * n ** 2 + (5 / 4) * n ** 3) * dp
    - (3 * n + 3 * n ** 2 + (21 / 8) * n ** 3) * Math.sin(dp) * Math.cos(sp)
    + ((15 / 8) * n ** 2 + (15 / 8) * n ** 3) * Math.sin(2 * dp) * Math.cos(2 * sp)
    - (35 / 24) * n ** 3 * Math.sin(3 * dp) * Math.cos(3 * sp)
  );
  const I = M + N0;
  const II = (nu / 2) * sin * cos;
  const III = (nu / 24) * sin * cos ** 3 * (5 - tan2 + 9 * eta2);
  const IIIA = (nu / 720) * sin * cos ** 5 * (61 - 58 * tan2 + tan2 ** 2);
  const IV = nu * cos;
  const V = (nu / 6) * cos ** 3 * (nu / rho - tan2);
  const VI = (nu / 120) * cos ** 5 * (5 - 18 * tan2 + tan2 ** 2 + 14 * eta2 - 58 * tan2 * eta2);
  const l = lambda - lambda0;
  return [E0 + IV * l + V * l ** 3 + VI * l ** 5, I + II * l ** 2 + III * l ** 4 + IIIA * l ** 6];
}

/** Douglas–Peucker: the points of `line` to keep within `tolerance` of it (first and last always). */
export function simplify(line: readonly [number, number][], tolerance: number): [number, number][] {
  if (line.length <= 2) return [...line];
  const keep = new Uint8Array(line.length);
  keep[0] = keep[line.length - 1] = 1;
  const stack: [number, number][] = [[0, line.length - 1]];
  while (stack.length) {
    const [i, j] = stack.pop()!;
    const [ax, ay] = line[i]!, [bx, by] = line[j]!;
    const dx = bx - ax, dy = by - ay, len = Math.hypot(dx, dy);
    let worst = -1, at = -1;
    for (let k = i + 1; k < j; k++) {
      const [px, py] = line[k]!;
      const d = len === 0 ? Math.hypot(px - ax, py - ay) : Math.abs(dy * px - dx * py + bx * ay - by * ax) / len;
      if (d > worst) [worst, at] = [d, k];
    }
    if (worst > tolerance) {
      keep[at] = 1;
      stack.push([i, at], [at, j]);
    }
  }
  return line.filter((_, k) => keep[k]);
}

/** Twice the signed area of a ring (shoelace). */
const area2 = (ring: readonly [number, number][]) => ring.reduce((s, [x, y], k) => {
  const [nx, ny] = ring[(k + 1) % ring.length]!;
  return s + x * ny - nx * y;
}, 0);

/** A ring as compact SVG path data: an absolute move, then relative lines between rounded points. */
function ringPath(ring: readonly [number, number][]): string {
  let out = `M${ring[0]![0]} ${ring[0]![1]}`;
  const steps: string[] = [];
  for (let k = 1; k < ring.length; k++) steps.push(`${ring[k]![0] - ring[k - 1]![0]} ${ring[k]![1] - ring[k - 1]![1]}`);
  if (steps.length) out += `l${steps.join(' ')}`;
  return `${out}z`.replace(/ -/g, '-');
}

export function buildRegionMap(topo: Topology): RegionMap {
  const [sx, sy] = topo.transform.scale, [tx, ty] = topo.transform.translate;
  const wanted = new Map<string, (typeof AUTHORITIES)[number]>(AUTHORITIES.map((a) => [a.onsCode, a]));
  const geometries = topo.objects.utla!.geometries.filter((g) => wanted.has(g.properties.areacd));
  if (geometries.length !== AUTHORITIES.length) throw new Error(`expected ${AUTHORITIES.length} Eastern authorities in utla, found ${geometries.length}`);

  // polygons as lists of rings, each ring a list of arc references
  const polygons = (g: (typeof geometries)[number]): number[][][] => (g.type === 'Polygon' ? [g.arcs as number[][]] : (g.arcs as number[][][]));
  const used = new Set<number>();
  for (const g of geometries) for (const poly of polygons(g)) for (const ring of poly) for (const ref of ring) used.add(ref < 0 ? ~ref : ref);

  // each arc used: decoded, projected to the grid, simplified once
  const projected = new Map<number, [number, number][]>();
  for (const index of used) {
    let x = 0, y = 0;
    const pts = topo.arcs[index]!.map(([dx, dy]): [number, number] => {
      x += dx;
      y += dy;
      return osgbGrid(x * sx + tx, y * sy + ty);
    });
    projected.set(index, simplify(pts, TOLERANCE_METRES));
  }
  let minE = Infinity, maxE = -Infinity, minN = Infinity, maxN = -Infinity;
  for (const pts of projected.values()) for (const [e, n] of pts) {
    minE = Math.min(minE, e); maxE = Math.max(maxE, e); minN = Math.min(minN, n); maxN = Math.max(maxN, n);
  }
  const e0 = Math.floor(minE / 1000) * 1000 - MARGIN * METRES_PER_UNIT;
  const n0 = Math.ceil(maxN / 1000) * 1000 + MARGIN * METRES_PER_UNIT;
  const unit = ([e, n]: [number, number]): [number, number] => [Math.round((e - e0) / METRES_PER_UNIT), Math.round((n0 - n) / METRES_PER_UNIT)];

  const areas = geometries.map((g) => {
    const a = wanted.get(g.properties.areacd)!;
    const rings: string[] = [];
    for (const poly of polygons(g)) for (const refs of poly) {
      const ring: [number, number][] = [];
      for (const ref of refs) {
        const pts = projected.get(ref < 0 ? ~ref : ref)!;
        const arc = (ref < 0 ? [...pts].reverse() : pts).map(unit);
        ring.push(...(ring.length ? arc.slice(1) : arc));
      }
      const distinct = ring.filter((p, k) => k === 0 || p[0] !== ring[k - 1]![0] || p[1] !== ring[k - 1]![1]);
      if (distinct.length > 1 && distinct[0]![0] === distinct.at(-1)![0] && distinct[0]![1] === distinct.at(-1)![1]) distinct.pop();
      if (distinct.length >= 3 && Math.abs(area2(distinct)) / 2 >= MIN_RING_AREA) rings.push(ringPath(distinct));
    }
    return { id: a.id, name: a.name, onsCode: a.onsCode, d: rings.join('') };
  });
  areas.sort((x, y) => x.id.localeCompare(y.id));
  return {
    attribution: ATTRIBUTION,
    source: 'uk_boundaries_topo.json (ONSvisual/uk-topojson), object utla; built by infra/build-region-map.ts',
    grid: { e0, n0, metresPerUnit: METRES_PER_UNIT },
    width: Math.ceil((maxE - e0) / METRES_PER_UNIT) + MARGIN,
    height: Math.ceil((n0 - minN) / METRES_PER_UNIT) + MARGIN,
    areas,
  };
}

/** The file as committed: one area a line, so a change reads as a diff of the areas it touches. */
export function regionMapText(map: RegionMap): string {
  const { areas, ...head } = map;
  const lines = areas.map((a) => `    ${JSON.stringify(a)}`);
  const top = JSON.stringify(head, null, 2).replace(/\n}$/, ',\n  "areas": [\n');
  return `${top}${lines.join(',\n')}\n  ]\n}\n`;
}
