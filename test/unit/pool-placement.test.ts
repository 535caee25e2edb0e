import { describe, expect, it } from 'vitest';
import { allocationPlacement, allocationRefusal, rankCandidates, settingRefusal, stepDownRefusal, type AllocationPlacementInput, type BedFacts, type PoolHome } from '../../functions/domain/pool.ts';
import { BankHolidaysUnknown } from '../../functions/domain/working-days.ts';

/**
 * Pool allocations are placements (CONTRACT.md), and their setting must be lawful: CPPCR 2010
 * reg 13(4)(a) (the notice of an emergency placement within five working days of its start),
 * regs 27A (SI 2021/161) and 27C (SI 2023/416).
 */

const input = (over: Partial<AllocationPlacementInput> = {}): AllocationPlacementInput => ({
  id: 'plc_southend-on-sea_0000000001',
  noticeId: 'ntc_0000000001',
  allocation: { id: 'alc_southend-on-sea_0000000001', authority: 'southend-on-sea', startDate: '2026-12-18' },
  bed: { kind: 'emergency', weeklyCostPence: 735_050 },
  request: { child: { childRef: 'SOS-1', age: 14, sex: 'female', needs: ['self-harm'] }, homeOutcode: 'SS1', urgency: 'within-5-days' },
  home: { urn: 'SC741249', name: 'Beech House', owner: 'provider:harbour-care', provider: { id: 'harbour-care', name: 'Harbour Care Ltd' }, placementType: 'K2', outcode: 'AL1', sector: 'private' },
  by: { principal: 'programme-office' },
  now: new Date('2026-12-18T09:00:00Z'),
  ...over,
});

describe('the placement an allocation makes', () => {
  it("is the requesting authority's, at the bed's weekly cost, naming the allocation", () => {
    const p = allocationPlacement(input());
    expect(p).toMatchObject({
      id: 'plc_southend-on-sea_0000000001', authority: 'southend-on-sea', childRef: 'SOS-1', allocationId: 'alc_southend-on-sea_0000000001',
      homeUrn: 'SC741249', placementType: 'K2', placementProvider: 'PR4', startDate: '2026-12-18', weeklyCost: 7350.5,
      hostAuthority: { name: 'Hertfordshire' }, location: 'at-distance', approval: { required: 'director-of-childrens-services', status: 'pending' },
    });
    expect(p.referralId).toBeUndefined();
    expect(p.distanceMiles).toBeGreaterThan(20);
  });

  it('from an emergency bed: the reg 13(4) notice is due on the 5th working day after the start (Fri 18 Dec 2026 → Tue 29 Dec)', () => {
    const [notice] = allocationPlacement(input()).notices;
    expect(notice).toMatchObject({ regulation: '13(4)', to: { name: 'Hertfordshire' }, dueBy: '2026-12-29', deliveredTo: 'hertfordshire' });
  });

  it('from a move-on bed asked for on a planned basis: due by the start; asked for today (an emergency): the 5th working day', () => {
    expect(allocationPlacement(input({ bed: { kind: 'move-on', weeklyCostPence: 245_000 } })).notices[0]!.dueBy).toBe('2026-12-18');
    const today = input({ bed: { kind: 'move-on', weeklyCostPence: 245_000 }, request: { ...input().request, urgency: 'today' } });
    expect(allocationPlacement(today).notices[0]!.dueBy).toBe('2026-12-29');
  });

  it('a step-down is a planned move: its notice is due by its start, whatever the first request said', () => {
    const stepDown = input({ bed: { kind: 'move-on', weeklyCostPence: 245_000 }, request: { ...input().request, urgency: 'today' }, stepDown: true });
    expect(allocationPlacement(stepDown).notices[0]!.dueBy).toBe('2026-12-18');
  });

  it('in area: no notice and no approval', () => {
    const p = allocationPlacement(input({ home: { ...input().home, outcode: 'SS1' } }));
    expect(p).toMatchObject({ location: 'in-area', notices: [], status: 'confirmed', approval: { required: 'none' } });
  });

  it('an emergency start the bank holiday feed does not cover is refused (422), not guessed', () => {
    expect(() => allocationPlacement(input({ allocation: { ...input().allocation, startDate: '2003-03-21' } }))).toThrow(BankHolidaysUnknown);
  });
});

describe('setting legality of an allocation (regs 27A, 27C)', () => {
  const facts = (placementType: string, min = 11): PoolHome => ({
    ageRange: { min, max: 17 }, sexes: ['female', 'male'], supports: [], excludes: [], ofstedRating: 'good', outcode: 'CM1', placementType,
  });
  const bed: BedFacts = { id: 'bed_a', homeUrn: 'SC000001', kind: 'emergency', status: 'available', from: '2025-01-01', availableFrom: '2025-01-01' };
  const request = (age: number) => ({ status: 'pending' as const, kind: 'emergency' as const, urgency: 'today' as const, neededFrom: '2026-06-01', child: { age, sex: 'female' as const, needs: [] } });

  it('reg 27A: a child under 16 is never placed in supported accommodation (K3) → 422 naming reg-27A', () => {
    const r = allocationRefusal(bed, request(15), facts('K3'), '2026-06-01');
    expect(r).toMatchObject({ code: 'unprocessable', reason: 'reg-27A', field: 'bedId' });
    expect(r!.detail).toMatch(/reg-27A: a child under 16 may not be placed in registered supported accommodation/);
  });

  it('a 16-year-old may be in K3; anyone may be in a children\'s home (K2)', () => {
    expect(allocationRefusal(bed, request(16), facts('K3'), '2026-06-01')).toBeUndefined();
    expect(allocationRefusal(bed, request(15), facts('K2'), '2026-06-01')).toBeUndefined();
  });

  it('reg 27C: a 16-year-old is not placed in unregistered semi-independent living (H5); from 2025-26 H5 is no code at all', () => {
    expect(settingRefusal('H5', 16, '2024-06-01')).toMatchObject({ reason: 'reg-27C' });
    expect(settingRefusal('H5', 16, '2025-06-01')!.detail).toMatch(/not an SSDA903 PLACE code in 2025-26/);
    expect(settingRefusal('H5', 18, '2025-06-01')).toMatchObject({ reason: 'place-code-withdrawn' });
  });

  it('the home\'s own hard rules come first: an age range that does not take the child is home-cannot-take-child', () => {
    expect(allocationRefusal(bed, request(15), facts('K3', 16), '2026-06-01')).toMatchObject({ reason: 'home-cannot-take-child' });
  });

  it('a step-down into a K3 move-on bed for a 15-year-old is refused on stepDownTo', () => {
    const moveOn: BedFacts = { ...bed, id: 'bed_m', kind: 'move-on' };
    expect(stepDownRefusal('bed_a', moveOn, request(15).child, facts('K3'), '2026-06-01')).toMatchObject({ reason: 'reg-27A', field: 'stepDownTo' });
    expect(stepDownRefusal('bed_a', moveOn, request(16).child, facts('K3'), '2026-06-01')).toBeUndefined();
  });

  it('candidates never offer a bed an allocation would refuse: no K3 bed for a 15-year-old, which a 16-year-old is offered', () => {
    const beds = [{ bed, home: facts('K3') }, { bed: { ...bed, id: 'bed_b' }, home: facts('K2') }];
    const offered = (age: number) => rankCandidates({ ...request(age), homeOutcode: 'CM2' }, beds, '2026-06-01').map((c) => c.bedId);
    expect(offered(15)).toEqual(['bed_b']);
    expect(offered(16).sort()).toEqual(['bed_a', 'bed_b']);
  });
});
