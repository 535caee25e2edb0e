import type { FC } from 'hono/jsx';
import type { Point } from '../domain/geo.ts';
import REGION from './region-map.json' with { type: 'json' };

/**
 * A small map of the Eastern Region on the search results page (issue 14): the eleven
 * authorities' boundaries (ONS, OGL v3.0; ./region-map.json, made by `npm run map`), the child's
 * home outcode and the homes found, numbered as in the result list. Server-rendered SVG, no
 * script, no tiles; every position is an outcode's centre (never a postcode), so it is
 * approximate. Accessible (WCAG 2.2 AA): role="img" named by its title and described by its
 * description, the list stays the text equivalent, the home outcode and the results differ in
 * shape and label as well as colour, and the graphics contrast at least 3:1 with what is behind
 * them. Styled by presentation attributes only (a strict CSP allows no style attribute or element).
 */

export interface MapArea {
  id: string;
  name: string;
  d: string;
}
export interface RegionGrid {
  e0: number;
  n0: number;
  metresPerUnit: number;
}

export const REGION_MAP = REGION as { attribution: string; grid: RegionGrid; width: number; height: number; areas: MapArea[] };

/** Where the map draws a point of the British National Grid, in map units (y down). */
export const toMapUnits = ([e, n]: Point, grid: RegionGrid = REGION_MAP.grid): [number, number] => [(e - grid.e0) / grid.metresPerUnit, (grid.n0 - n) / grid.metresPerUnit];

/** Marker radius and the radius markers at one spot are spread around it, in map units. */
export const MARKER_RADIUS = 17;
const SPREAD = MARKER_RADIUS * 1.25;

export interface Marker {
  /** The result's number in the list (1-based). */
  n: number;
  x: number;
  y: number;
}

/**
 * Markers for the results with a place inside the map: results at the same spot (homes in one
 * outcode) are spread evenly around it so that each stays visible. `points[i]` is result i+1's
 * place, or undefined when it has none. Answers the markers and the numbers left off the map.
 */
export function placeMarkers(points: readonly (Point | undefined)[], map: { grid: RegionGrid; width: number; height: number } = REGION_MAP): { markers: Marker[]; offMap: number[] } {
  const offMap: number[] = [];
  const bySpot = new Map<string, { n: number; x: number; y: number }[]>();
  points.forEach((p, i) => {
    const at = p ? toMapUnits(p, map.grid) : undefined;
    if (!at || at[0] < 0 || at[1] < 0 || at[0] > map.width || at[1] > map.height) {
      offMap.push(i + 1);
      return;
    }
    const key = `${Math.round(at[0])},${Math.round(at[1])}`;
    bySpot.set(key, [...(bySpot.get(key) ?? []), { n: i + 1, x: at[0], y: at[1] }]);
  });
  const markers: Marker[] = [];
  for (const group of bySpot.values()) {
    const r = group.length === 1 ? 0 : SPREAD / Math.sin(Math.PI / Math.max(group.length, 2)); // neighbours on the ring just touch
    group.forEach((m, k) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * k) / group.length;
      markers.push({ n: m.n, x: round1(m.x + r * Math.cos(angle)), y: round1(m.y + r * Math.sin(angle)) });
    });
  }
  markers.sort((a, b) => a.n - b.n);
  return { markers, offMap };
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/** What the map shows, in words (its description). */
export function mapDescription(o: { outcode?: string | undefined; homeOnMap: boolean; shown: number; offMap: readonly number[] }): string {
  const parts = ['The boundaries of the eleven local authorities of the Eastern Region.'];
  if (o.outcode) parts.push(o.homeOnMap ? `A black diamond marks the centre of the child's home outcode, ${o.outcode}.` : `The child's home outcode, ${o.outcode}, lies outside the area shown.`);
  parts.push(o.shown === 0 ? 'No home found is shown.' : `${o.shown === 1 ? 'One blue circle marks the home found' : `${o.shown} blue circles mark the homes found`}, numbered as in the list of results, each at the centre of its home's outcode, so positions are approximate.`);
  if (o.offMap.length) parts.push(`Not on the map: result${o.offMap.length === 1 ? '' : 's'} ${o.offMap.join(', ')} (outside the region, or with no known place).`);
  return parts.join(' ');
}

// colours (GOV.UK palette): lines #505a5f on #f3f2f1 (6.1:1), markers #1d70b8 (4.6:1 on #f3f2f1, 5.2:1 on white), #0b0c0c
const AREA_FILL = '#f3f2f1';
const AREA_LINE = '#505a5f';
const RESULT = '#1d70b8';
const HOME = '#0b0c0c';

export const RegionMap: FC<{ outcode?: string | undefined; home?: Point | undefined; results: readonly (Point | undefined)[]; id?: string }> = ({ outcode, home, results, id = 'region-map' }) => {
  const { markers, offMap } = placeMarkers(results);
  const homeAt = home ? placeMarkers([home]).markers[0] : undefined;
  const h = MARKER_RADIUS * 1.6;
  return (
    <figure class="govuk-!-margin-0 govuk-!-margin-bottom-6" data-testid="region-map">
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-one-half">
          <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby={`${id}-title ${id}-desc`} viewBox={`0 0 ${REGION_MAP.width} ${REGION_MAP.height}`} width="100%" focusable="false">
            <title id={`${id}-title`}>{`Map of the homes found${outcode ? ` near ${outcode}` : ''}`}</title>
            <desc id={`${id}-desc`}>{mapDescription({ outcode, homeOnMap: !!homeAt, shown: markers.length, offMap })}</desc>
            <g fill={AREA_FILL} stroke={AREA_LINE} stroke-width="1.5" stroke-linejoin="round">
              {REGION_MAP.areas.map((a) => <path d={a.d} data-area={a.id} />)}
            </g>
            {homeAt ? (
              <g data-marker="home">
                <path d={`M${homeAt.x} ${round1(homeAt.y - h)}l${h} ${h}-${h} ${h}-${h}-${h}z`} fill={HOME} stroke="#ffffff" stroke-width="2" />
              </g>
            ) : null}
            {markers.map((m) => (
              <g data-marker="result" data-n={String(m.n)}>
                <circle cx={String(m.x)} cy={String(m.y)} r={String(MARKER_RADIUS)} fill={RESULT} stroke="#ffffff" stroke-width="2" />
                <text x={String(m.x)} y={String(m.y)} dy="0.35em" text-anchor="middle" font-size="20" font-weight="bold" font-family="arial, sans-serif" fill="#ffffff">{String(m.n)}</text>
              </g>
            ))}
          </svg>
        </div>
        <figcaption class="govuk-grid-column-one-half govuk-body-s">
          <p class="govuk-body-s govuk-!-font-weight-bold govuk-!-margin-bottom-1">Key</p>
          <ul class="govuk-list govuk-body-s">
            {outcode ? <li>Black diamond: the centre of the child's home outcode ({outcode})</li> : null}
            <li>Numbered blue circles: the homes found, numbered as in the list below, each at the centre of its outcode (approximate)</li>
            {offMap.length ? <li>Not on the map: {offMap.join(', ')}</li> : null}
          </ul>
          <p class="govuk-body-s">{REGION_MAP.attribution} Positions: contains Royal Mail data © Royal Mail copyright and database right 2025.</p>
        </figcaption>
      </div>
    </figure>
  );
};
