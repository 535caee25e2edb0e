import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HubError } from '../../functions/domain/errors.ts';
import type { HomeItem } from '../../functions/domain/homes.ts';
import {
  confirmed, effectiveStatus, hasRoom, heldBeds, heldBedsDelta, lapsed, newVacancy, patched, placesCoverOpenBeds, requirePlacesForOpenBeds,
  requireRoom, viewOf, type StoredStatus, type VacancyItem,
} from '../../functions/domain/vacancy.ts';

/** The vacancy lifecycle and its limits (pure). */

const DAY = 86_400_000;
const T0 = new Date('2026-03-10T12:00:00Z');
const home: HomeItem = {
  urn: 'SC123456', name: 'Willow', owner: 'provider:harbour-care', placementType: 'K2', registeredPlaces: 3, ofstedRating: 'good',
  ageRange: { min: 10, max: 17 }, sexes: ['female'], supports: [], excludes: [], version: 4, updatedAt: T0.toISOString(),
};
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const fresh = (beds = 1) => newVacancy(home, { beds, availableFrom: '2026-04-01' }, { id: 'v1', now: T0 });
const withStatus = (status: StoredStatus, beds = 1): VacancyItem => ({ ...fresh(beds), status });

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof HubError ? e.code : 'other';
  }
  return undefined;
};

describe('lifecycle', () => {
  it('a new vacancy is open, version 1, expires 7 days after confirmation, and copies its home', () => {
    const v = fresh(2);
    expect(v).toMatchObject({ status: 'open', version: 1, beds: 2, homeUrn: home.urn, owner: home.owner, confirmedAt: T0.toISOString() });
    expect(Date.parse(v.expiresAt) - T0.getTime()).toBe(7 * DAY);
    expect(v.home).toMatchObject({ v: 4, name: 'Willow', registeredPlaces: 3 });
    expect(v).not.toHaveProperty('weeklyPrice');
  });

  it('lapses at exactly 7 days, whether or not the job has run', () => {
    const v = fresh();
    expect(effectiveStatus(v, at(7 - 1e-6))).toBe('open');
    expect(effectiveStatus(v, at(7))).toBe('lapsed');
    expect(viewOf(v, at(8)).status).toBe('lapsed');
    expect(lapsed(v, at(6))).toBeUndefined();
    expect(lapsed(v, at(8))).toMatchObject({ status: 'lapsed', version: 2, lapsedAt: at(8).toISOString() });
    expect(lapsed(withStatus('withdrawn'), at(8))).toBeUndefined();
  });

  it('confirming moves the expiry on and reopens a lapsed vacancy; withdrawn or filled is 409', () => {
    const c = confirmed({ ...fresh(), status: 'lapsed', lapsedAt: at(8).toISOString() }, at(9));
    expect(c).toMatchObject({ status: 'open', confirmedAt: at(9).toISOString(), expiresAt: at(16).toISOString(), version: 2 });
    expect(c).not.toHaveProperty('lapsedAt');
    expect(codeOf(() => confirmed(withStatus('withdrawn'), at(1)))).toBe('conflict');
    expect(codeOf(() => confirmed(withStatus('filled'), at(1)))).toBe('conflict');
  });

  it('patching: beds or a final status; asking a final vacancy for its own status changes nothing; anything else on it is 409', () => {
    expect(patched(fresh(), { beds: 2 }, at(1))).toMatchObject({ beds: 2, status: 'open', version: 2 });
    expect(patched(fresh(), { status: 'filled' }, at(1))).toMatchObject({ status: 'filled', version: 2 });
    const w = withStatus('withdrawn');
    expect(patched(w, { status: 'withdrawn' }, at(1))).toBe(w);
    expect(codeOf(() => patched(w, { status: 'filled' }, at(1)))).toBe('conflict');
    expect(codeOf(() => patched(w, { beds: 1 }, at(1)))).toBe('conflict');
    expect(patched(fresh(), { beds: 2 }, at(8))).toMatchObject({ status: 'lapsed', lapsedAt: at(8).toISOString() });
  });
});

describe('beds against registered places', () => {
  it('only a vacancy stored open holds beds', () => {
    expect(heldBeds(withStatus('open', 2))).toBe(2);
    for (const s of ['lapsed', 'withdrawn', 'filled'] as const) expect(heldBeds(withStatus(s, 2))).toBe(0);
    expect(heldBeds(undefined)).toBe(0);
    expect(heldBedsDelta(undefined, withStatus('open', 2))).toBe(2);
    expect(heldBedsDelta(withStatus('open', 2), withStatus('withdrawn', 2))).toBe(-2);
    expect(heldBedsDelta(withStatus('lapsed', 2), withStatus('open', 2))).toBe(2);
    expect(heldBedsDelta(withStatus('open', 1), withStatus('open', 3))).toBe(2);
  });

  it('a home never holds more open beds than its places; 0 places (unstated by the register) limit nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: -5, max: 20 }), (places, open, delta) => {
        const ok = hasRoom({ registeredPlaces: places }, open, delta);
        expect(ok).toBe(delta <= 0 || places === 0 || open + delta <= places);
        expect(codeOf(() => requireRoom({ registeredPlaces: places }, open, delta))).toBe(ok ? undefined : 'unprocessable');
      }),
    );
  });

  it('the 422 names beds, or registeredPlaces for a home whose places would fall below its open beds', () => {
    try {
      requireRoom({ registeredPlaces: 3 }, 2, 2);
      expect.unreachable();
    } catch (e) {
      expect((e as HubError).errors).toEqual([{ path: 'beds', message: 'at most 1 more open beds in this home' }]);
    }
    expect(placesCoverOpenBeds(3, 3)).toBe(true);
    expect(placesCoverOpenBeds(2, 3)).toBe(false);
    expect(placesCoverOpenBeds(0, 9)).toBe(true);
    try {
      requirePlacesForOpenBeds(2, 3);
      expect.unreachable();
    } catch (e) {
      expect((e as HubError).code).toBe('unprocessable');
      expect((e as HubError).errors?.[0]?.path).toBe('registeredPlaces');
    }
  });
});
