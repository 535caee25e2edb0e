import { principalId, type Principal } from './principal.ts';

/**
 * Who may see a home — and so its vacancies. THE one rule, used by reads (`GET /v1/homes/{urn}`,
 * `GET /v1/vacancies/{id}`) and by the vacancy search alike (CONTRACT "Homes and vacancies"):
 * - its owner always;
 * - an authority: any provider's home, and another authority's in-house home only when it is
 *   shared with the region;
 * - the programme office reads every home, but the search finds an in-house home only when it
 *   is shared ("found by itself always, and by others only when shareWithRegion is true");
 * - a provider: only its own.
 * Anything else is, to that caller, not there (404, or absent from search).
 */
export type Sight = 'read' | 'search';

export function canSeeHome(p: Principal, home: { readonly owner: string; readonly shareWithRegion?: boolean }, sight: Sight = 'read'): boolean {
  if (home.owner === principalId(p)) return true;
  const unsharedInHouse = home.owner.startsWith('authority:') && home.shareWithRegion !== true;
  switch (p.kind) {
    case 'programme-office':
      return sight === 'read' || !unsharedInHouse;
    case 'authority':
      return !unsharedInHouse;
    case 'provider':
      return false;
  }
}

/** Whether `p` owns the home (only an owner writes a home or its vacancies). */
export const ownsHome = (p: Principal, home: { readonly owner: string }): boolean => home.owner === principalId(p);
