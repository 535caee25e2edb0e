import { locateHome, outcodeCentroid, type Point } from '../domain/geo.ts';
import { canSeeHome } from '../domain/visibility.ts';
import { getHomes } from '../store/homes.ts';
import type { Caller } from './caller.ts';

/**
 * Where the search results' homes are, for the results page's map (./map.tsx): each home's
 * outcode centre, or its authority's where its outcode is not known (domain/geo.ts locateHome,
 * as ranking places it) — never a postcode. One BatchGetItem of the page's homes (≤ 100), each
 * shown only where the caller may see the home as search does (domain/visibility.ts); a home
 * the caller may not see, or that is gone, has no place (undefined).
 */
export async function homePlaces(who: Caller, urns: readonly string[]): Promise<(Point | undefined)[]> {
  if (urns.length === 0) return [];
  const homes = await getHomes([...new Set(urns)]);
  return urns.map((urn) => {
    const home = homes.get(urn);
    return home && canSeeHome(who.principal, home, 'search') ? locateHome(home)?.point : undefined;
  });
}

/** The centre of the child's home outcode, or undefined when the hub does not know it. */
export const outcodePlace = (outcode: string | undefined): Point | undefined => (outcode ? outcodeCentroid(outcode) : undefined);
