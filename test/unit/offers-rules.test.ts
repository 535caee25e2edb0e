import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HubError } from '../../functions/domain/errors.ts';
import type { HomeItem } from '../../functions/domain/homes.ts';
import {
  accepted, admitOffer, closed, newOffer, offerStatus, offerView, requireOpen, weeklyCostOf, type OfferContext, type OfferInput,
} from '../../functions/domain/offers.ts';
import { requireOpenReferral } from '../../functions/domain/referrals.ts';
import { newVacancy } from '../../functions/domain/vacancy.ts';

/** The rules of offers (CONTRACT.md "Offers and placements"), pure. */

const T0 = new Date('2026-05-20T10:00:00Z'); // a Wednesday, 11:00 in London
const HOUR = 3_600_000;
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);
const home: HomeItem = {
  urn: 'SC123456', name: 'Willow', owner: 'provider:harbour-care', provider: { id: 'harbour-care', name: 'Harbour Care', group: 'Harbour' },
  placementType: 'K2', outcode: 'CM1', registeredPlaces: 3, ofstedRating: 'good', ageRange: { min: 10, max: 17 }, sexes: ['female'],
  supports: ['self-harm'], excludes: ['fire-setting'], version: 1, updatedAt: T0.toISOString(),
};
const provider = { kind: 'provider', id: 'harbour-care' } as const;
const child = { childRef: 'ESX-1', age: 14, sex: 'female', needs: ['self-harm'] };
const ALL = ['child.age', 'child.sex', 'child.needs'];
const input = (over: Partial<OfferInput> = {}): OfferInput => ({
  homeUrn: home.urn, startDate: '2026-05-20', weeklyCost: { core: 5200 }, holdUntil: at(48).toISOString(), ...over,
});
const ctx = (over: Partial<OfferContext> = {}): OfferContext => ({ provider, child, disclosed: ALL, home, vacancy: undefined, now: T0, ...over });

function problem(f: () => unknown): { code: string; errors: { path: string; message: string }[] } {
  try {
    f();
  } catch (e) {
    if (e instanceof HubError) return { code: e.code, errors: e.errors ?? [] };
    throw e;
  }
  throw new Error('did not throw');
}

describe('weekly cost (the draft national placements standard split)', () => {
  it('omitted parts are 0 and total is their exact sum, in pence', () => {
    expect(weeklyCostOf({ core: 0.1, additionalSupport: 0.2 })).toEqual({ core: 0.1, additionalSupport: 0.2, education: 0, health: 0, other: 0, total: 0.3 });
    expect(weeklyCostOf({ core: 5963.5, education: 300.25, health: 19.99, other: 0.01 }).total).toBe(6283.75);
  });

  it('is exact for any parts in whole pence', () => {
    const part = fc.integer({ min: 0, max: 10_000_000 }).map((p) => p / 100);
    fc.assert(
      fc.property(part, part, part, part, part, (core, a, e, h, o) => {
        const c = weeklyCostOf({ core, additionalSupport: a, education: e, health: h, other: o });
        expect(Math.round(c.total * 100)).toBe([core, a, e, h, o].reduce((s, x) => s + Math.round(x * 100), 0));
        expect(c.total).toBe(Number(c.total.toFixed(2)));
      }),
    );
  });
});

describe('who may offer what', () => {
  it('admits a fitting home of the provider own, from today, held at most 7 days', () => {
    expect(admitOffer(input(), ctx())).toEqual({ home });
    expect(admitOffer(input({ holdUntil: at(7 * 24).toISOString() }), ctx()).home).toBe(home);
  });

  it('422 for a home that is not the provider own', () => {
    const p = problem(() => admitOffer(input(), ctx({ home: { ...home, owner: 'provider:someone-else' } })));
    expect(p).toMatchObject({ code: 'unprocessable', errors: [{ path: 'homeUrn' }] });
    expect(problem(() => admitOffer(input(), ctx({ home: undefined }))).code).toBe('unprocessable');
  });

  it('422 naming each hard rule the home fails (the matching module search uses)', () => {
    const p = problem(() => admitOffer(input(), ctx({ child: { ...child, age: 18, sex: 'male', needs: ['fire-setting'] } })));
    expect(p.code).toBe('unprocessable');
    expect(p.errors.map((e) => e.message)).toEqual([
      'the home excludes fire-setting', 'the home takes ages 10-17, child is 18', 'the home does not take male children',
    ]);
  });

  it('422 naming reg-27A for a child under 16 in registered supported accommodation (K3)', () => {
    const k3 = { ...home, placementType: 'K3' as const, ageRange: { min: 14, max: 18 } };
    const p = problem(() => admitOffer(input(), ctx({ home: k3, child: { ...child, age: 15 } })));
    expect(p.code).toBe('unprocessable');
    expect(p.errors.some((e) => e.message.startsWith('reg-27A'))).toBe(true);
    expect(admitOffer(input(), ctx({ home: k3, child: { ...child, age: 16 } })).home).toBe(k3);
  });

  it('422 for a PLACE code the start year no longer has (H5 from 2025-26)', () => {
    const h5 = { ...home, placementType: 'H5' as never, ageRange: { min: 16, max: 18 } };
    const p = problem(() => admitOffer(input(), ctx({ home: h5, child: { ...child, age: 17 } })));
    expect(p.errors.map((e) => e.message).join(' ')).toMatch(/H5 is not an SSDA903 PLACE code in 2026-27/);
  });

  it('startDate is today in London or later; holdUntil after now and at most 7 days ahead', () => {
    // 23:30 UTC on 20 May is 00:30 on 21 May in London (BST): 20 May is then yesterday
    const late = new Date('2026-05-20T23:30:00Z');
    expect(problem(() => admitOffer(input({ holdUntil: '2026-05-21T10:00:00Z' }), ctx({ now: late }))).errors).toEqual([
      { path: 'startDate', message: 'today (2026-05-21) or later' },
    ]);
    expect(problem(() => admitOffer(input({ startDate: '2026-05-19' }), ctx())).errors[0]!.path).toBe('startDate');
    expect(problem(() => admitOffer(input({ holdUntil: T0.toISOString() }), ctx())).errors).toEqual([{ path: 'holdUntil', message: 'after now' }]);
    expect(problem(() => admitOffer(input({ holdUntil: new Date(T0.getTime() + 7 * 24 * HOUR + 1).toISOString() }), ctx())).errors).toEqual([
      { path: 'holdUntil', message: 'at most 7 days ahead' },
    ]);
  });

  it('a named vacancy must be an open one of that home (422); with every bed held, 409', () => {
    const v = newVacancy(home, { beds: 1, availableFrom: '2026-05-01' }, { id: 'v1', now: at(-1) });
    expect(admitOffer(input({ vacancyId: 'v1' }), ctx({ vacancy: v }))).toEqual({ home, slot: '0' });
    expect(problem(() => admitOffer(input({ vacancyId: 'v1' }), ctx({ vacancy: undefined }))).errors[0]!.path).toBe('vacancyId');
    expect(problem(() => admitOffer(input({ vacancyId: 'v1' }), ctx({ vacancy: { ...v, homeUrn: 'SC000001' } }))).code).toBe('unprocessable');
    expect(problem(() => admitOffer(input({ vacancyId: 'v1' }), ctx({ vacancy: { ...v, status: 'withdrawn' } }))).code).toBe('unprocessable');
    const held = { ...v, holds: { 0: { o: 'off_x_12345678', u: at(1).toISOString() } } };
    expect(problem(() => admitOffer(input({ vacancyId: 'v1' }), ctx({ vacancy: held }))).code).toBe('conflict');
    // a hold that has passed frees its bed by itself
    expect(admitOffer(input({ vacancyId: 'v1' }), ctx({ vacancy: held, now: at(2), })).slot).toBe('0');
  });
});

describe('status on every read', () => {
  const o = newOffer('off_r1_12345678', 'r1', input(), home, { principal: 'provider:harbour-care' }, T0);

  it('a new offer is open, with its costs split and the provider named', () => {
    expect(offerView(o, {}, T0)).toMatchObject({
      id: 'off_r1_12345678', referralId: 'r1', provider: { id: 'harbour-care', name: 'Harbour Care' }, homeUrn: 'SC123456', homeName: 'Willow',
      weeklyCost: { core: 5200, additionalSupport: 0, education: 0, health: 0, other: 0, total: 5200 }, status: 'open', createdAt: T0.toISOString(),
    });
  });

  it('expired from holdUntil on, with no job; superseded once another offer is accepted', () => {
    expect(offerStatus(o, {}, at(47.99))).toBe('open');
    expect(offerStatus(o, {}, at(48))).toBe('expired');
    const placed = { status: 'placed' as const, placedAt: at(1).toISOString(), acceptedOfferId: 'off_r1_other000' };
    expect(offerStatus(o, placed, at(2))).toBe('superseded');
    expect(offerStatus(o, placed, at(100))).toBe('superseded'); // it was superseded before its hold passed
    expect(offerStatus(o, { ...placed, placedAt: at(49).toISOString() }, at(100))).toBe('expired');
    expect(offerStatus(accepted(o, { principal: 'authority:essex' }, at(1)), { ...placed, acceptedOfferId: o.id }, at(100))).toBe('accepted');
    expect(offerStatus(closed(o, { status: 'declined', reason: 'price' }, { principal: 'authority:essex' }, at(1)), {}, at(2))).toBe('declined');
  });

  it('only an open offer can be declined, withdrawn or accepted (409)', () => {
    expect(() => requireOpen(o, {}, at(1))).not.toThrow();
    expect(problem(() => requireOpen(o, {}, at(48))).code).toBe('conflict');
    const w = closed(o, { status: 'withdrawn' }, { principal: 'provider:harbour-care' }, at(1));
    expect(problem(() => requireOpen(w, {}, at(2))).code).toBe('conflict');
  });

  it('a placed referral takes no more offers or responses (409)', () => {
    expect(() => requireOpenReferral({})).not.toThrow();
    expect(() => requireOpenReferral({ status: 'open' })).not.toThrow();
    expect(problem(() => requireOpenReferral({ status: 'placed' })).code).toBe('conflict');
  });
});
