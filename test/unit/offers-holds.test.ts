import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HubError } from '../../functions/domain/errors.ts';
import type { HomeItem } from '../../functions/domain/homes.ts';
import {
  bedTaken, compactHolds, freeSlot, isLiveHold, liveHolds, newVacancy, patched, slotOf, unheldBeds, viewOf, type VacancyItem,
} from '../../functions/domain/vacancy.ts';

/**
 * Bed holds (CONTRACT.md "Offers and placements": an offer naming a vacancy holds one of its beds
 * until holdUntil; no vacancy's beds go below 0). A pure model of the slot rule the store writes
 * with conditions (store/vacancies.ts `takeHoldWrite`): a taker reads the vacancy — possibly a
 * stale copy, as a concurrent writer would — picks a free slot, and its write lands only if, on
 * the vacancy as it is NOW, the slot is below `beds` and free (absent or lapsed) and the vacancy
 * open. Whole-item writes (an acceptance's `bedTaken`, a PATCH of beds) are conditioned on the
 * version, so they apply to the current vacancy.
 */

const T0 = new Date('2026-05-20T10:00:00Z');
const MIN = 60_000;
const home: HomeItem = {
  urn: 'SC123456', name: 'Willow', owner: 'provider:harbour-care', placementType: 'K2', registeredPlaces: 10, ofstedRating: 'good',
  ageRange: { min: 10, max: 17 }, sexes: ['female'], supports: [], excludes: [], version: 1, updatedAt: T0.toISOString(),
};

type Op =
  | { kind: 'take'; stale: number; minutes: number }
  | { kind: 'release'; pick: number }
  | { kind: 'accept'; pick: number }
  | { kind: 'patch'; beds: number }
  | { kind: 'tick'; minutes: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('take' as const), stale: fc.nat(4), minutes: fc.integer({ min: 1, max: 120 }) }) },
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('accept' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('patch' as const), beds: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('tick' as const), minutes: fc.integer({ min: 1, max: 90 }) }),
);

const conflictOrNothing = (f: () => VacancyItem, current: VacancyItem): VacancyItem => {
  try {
    return f();
  } catch (e) {
    if (e instanceof HubError && e.code === 'conflict') return current;
    throw e;
  }
};

describe('holds never let unheld beds go below zero', () => {
  it('under any interleaving of stale takes, releases, acceptances, bed changes and time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 60 }), (beds, ops) => {
        let now = T0;
        let v = newVacancy(home, { beds, availableFrom: '2026-05-01' }, { id: 'v1', now: T0 });
        const history: VacancyItem[] = [v];
        let n = 0;
        for (const o of ops) {
          const liveOffers = Object.values(v.holds ?? {}).filter((h) => isLiveHold(h, now)).map((h) => h.o);
          if (o.kind === 'take') {
            const seen = history[Math.max(0, history.length - 1 - o.stale)]!; // what a concurrent taker read
            const slot = freeSlot(seen, now);
            if (slot !== undefined && v.status === 'open' && Number(slot) < v.beds && !isLiveHold(v.holds?.[slot], now)) {
              v = { ...v, holds: { ...(v.holds ?? {}), [slot]: { o: `off_${n++}`, u: new Date(now.getTime() + o.minutes * MIN).toISOString() } }, version: v.version + 1 };
            }
          } else if (o.kind === 'release' && liveOffers.length > 0) {
            const id = liveOffers[o.pick % liveOffers.length]!;
            const slot = slotOf(v.holds, id)!;
            const { [slot]: _gone, ...rest } = v.holds!;
            v = { ...v, holds: rest, version: v.version + 1 };
          } else if (o.kind === 'accept' && liveOffers.length > 0) {
            const current = v;
            v = conflictOrNothing(() => bedTaken(current, liveOffers[o.pick % liveOffers.length]!, now), current);
          } else if (o.kind === 'patch') {
            const current = v;
            v = conflictOrNothing(() => patched(current, { beds: o.beds }, now), current);
          } else if (o.kind === 'tick') {
            now = new Date(now.getTime() + o.minutes * MIN);
          }
          history.push(v);
          // the invariant: live holds never outnumber beds; beds never below 0; every live hold sits below beds
          expect(v.beds).toBeGreaterThanOrEqual(0);
          expect(v.beds - liveHolds(v.holds, now)).toBeGreaterThanOrEqual(0);
          for (const [slot, h] of Object.entries(v.holds ?? {})) if (isLiveHold(h, now)) expect(Number(slot)).toBeLessThan(v.beds);
          expect(viewOf(v, now).beds + viewOf(v, now).heldBeds).toBe(v.beds);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('the slot rule', () => {
  const v = newVacancy(home, { beds: 2, availableFrom: '2026-05-01' }, { id: 'v1', now: T0 });
  const until = (minutes: number) => new Date(T0.getTime() + minutes * MIN).toISOString();

  it('search and GET show beds less live holds; a lapsed hold frees its bed by itself', () => {
    const held = { ...v, holds: { 0: { o: 'a', u: until(10) } } };
    expect(unheldBeds(held, T0)).toBe(1);
    expect(freeSlot(held, T0)).toBe('1');
    expect(viewOf(held, T0)).toMatchObject({ beds: 1, heldBeds: 1 });
    expect(unheldBeds(held, new Date(Date.parse(until(10))))).toBe(2);
    expect(freeSlot({ ...held, holds: { ...held.holds, 1: { o: 'b', u: until(5) } } }, T0)).toBeUndefined();
  });

  it('fewer beds than live holds is 409; otherwise the live holds move into the slots that remain', () => {
    const two = { ...v, holds: { 0: { o: 'a', u: until(10) }, 1: { o: 'b', u: until(10) } } };
    expect(() => patched(two, { beds: 1 }, T0)).toThrow(HubError);
    const one = { ...v, holds: { 0: { o: 'a', u: until(-1) }, 1: { o: 'b', u: until(10) } } };
    expect(patched(one, { beds: 1 }, T0).holds).toEqual({ 0: { o: 'b', u: until(10) } });
    expect(compactHolds({ 3: { o: 'x', u: until(1) } }, 1, T0)).toEqual({ 0: { o: 'x', u: until(1) } });
  });

  it('an accepted offer takes its own held bed: one bed fewer, its hold released, filled at 0', () => {
    const two = { ...v, holds: { 0: { o: 'a', u: until(10) }, 1: { o: 'b', u: until(10) } } };
    const after = bedTaken(two, 'a', T0);
    expect(after).toMatchObject({ beds: 1, status: 'open', holds: { 0: { o: 'b', u: until(10) } }, version: v.version + 1 });
    expect(bedTaken(after, 'b', T0)).toMatchObject({ beds: 0, status: 'filled', holds: {} });
    // an offer without a hold cannot take a bed others hold
    expect(() => bedTaken(two, 'c', T0)).toThrow(HubError);
    expect(() => bedTaken({ ...v, status: 'withdrawn' }, 'a', T0)).toThrow(HubError);
  });
});
