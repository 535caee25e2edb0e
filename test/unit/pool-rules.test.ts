import { describe, expect, it } from 'vitest';
import {
  allocationRefusal, endRefusal, ownerOfId, rankCandidates, sharesSumToOne, stepDownRefusal,
  type BedFacts, type RequestFacts, type RequestStatus,
} from '../../functions/domain/pool.ts';
import type { HomeFacts } from '../../functions/domain/matching.ts';

const home = (over: Partial<HomeFacts> = {}): HomeFacts => ({
  ageRange: { min: 11, max: 17 },
  sexes: ['female', 'male'],
  supports: [],
  excludes: [],
  ofstedRating: 'good',
  outcode: 'CM1',
  ...over,
});
const bed = (id: string, over: Partial<BedFacts> = {}): BedFacts => ({
  id, homeUrn: 'SC000001', kind: 'emergency', status: 'available', from: '2025-01-01', availableFrom: '2025-01-01', ...over,
});
const request = (over: Partial<RequestFacts & { status: RequestStatus }> = {}): RequestFacts & { status: RequestStatus } => ({
  status: 'pending',
  kind: 'emergency',
  urgency: 'today',
  neededFrom: '2025-06-01',
  child: { age: 14, sex: 'female', needs: ['self-harm'] },
  homeOutcode: 'CM2',
  ...over,
});

describe('pool candidates (ranked by the one matching module)', () => {
  it('drops beds whose home excludes a need, or whose age range or sexes do not fit; ranks support above silence', () => {
    const beds = [
      { bed: bed('bed_excludes'), home: home({ excludes: ['self-harm'] }) },
      { bed: bed('bed_tooyoung'), home: home({ ageRange: { min: 16, max: 17 } }) },
      { bed: bed('bed_boysonly'), home: home({ sexes: ['male'] }) },
      { bed: bed('bed_silent'), home: home() },
      { bed: bed('bed_supports'), home: home({ supports: ['self-harm'] }) },
    ];
    const ranked = rankCandidates(request(), beds, '2025-06-01');
    expect(ranked.map((c) => c.bedId)).toEqual(['bed_supports', 'bed_silent']);
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
    for (const c of ranked) {
      expect(c.score).toBeGreaterThanOrEqual(0);
      expect(c.score).toBeLessThanOrEqual(1);
      expect(c.reasons.length).toBeGreaterThan(0);
      expect(c.distanceMiles).toBeTypeOf('number');
    }
  });

  it('keeps only available beds of the kind asked for, whose contract covers the date and that are free by then', () => {
    const beds = [
      { bed: bed('bed_ok'), home: home() },
      { bed: bed('bed_moveon', { kind: 'move-on' }), home: home() },
      { bed: bed('bed_occupied', { status: 'occupied' }), home: home() },
      { bed: bed('bed_oos', { status: 'out-of-service' }), home: home() },
      { bed: bed('bed_later', { from: '2025-07-01', availableFrom: '2025-07-01' }), home: home() },
      { bed: bed('bed_over', { to: '2025-05-31' }), home: home() },
      { bed: bed('bed_busy', { availableFrom: '2025-06-10' }), home: home() },
      { bed: bed('bed_nohome'), home: undefined },
    ];
    expect(rankCandidates(request(), beds, '2025-06-01').map((c) => c.bedId)).toEqual(['bed_ok']);
    // a request needed from a past date is judged for today
    expect(rankCandidates(request({ neededFrom: '2025-05-01' }), beds, '2025-06-10').map((c) => c.bedId).sort()).toEqual(['bed_busy', 'bed_ok']);
  });

  it('nearer homes rank first when otherwise equal; no home outcode → distance null', () => {
    const beds = [
      { bed: bed('bed_far'), home: home({ outcode: 'NR1' }) },
      { bed: bed('bed_near'), home: home({ outcode: 'CM1' }) },
    ];
    const ranked = rankCandidates(request({ homeOutcode: 'CM2' }), beds, '2025-06-01');
    expect(ranked.map((c) => c.bedId)).toEqual(['bed_near', 'bed_far']);
    expect(ranked[0]!.distanceMiles!).toBeLessThan(ranked[1]!.distanceMiles!);
    const unlocated = rankCandidates(request({ homeOutcode: undefined }), beds, '2025-06-01');
    expect(unlocated.every((c) => c.distanceMiles === null)).toBe(true);
  });
});

describe('allocation rules', () => {
  it('refuses a kind mismatch, a date outside the contract and a home that cannot take the child (422)', () => {
    expect(allocationRefusal(bed('b', { kind: 'move-on' }), request(), home(), '2025-06-01')).toMatchObject({ code: 'unprocessable', reason: 'kind-mismatch' });
    expect(allocationRefusal(bed('b', { to: '2025-05-31' }), request(), home(), '2025-06-01')).toMatchObject({ code: 'unprocessable', reason: 'outside-contract' });
    expect(allocationRefusal(bed('b'), request(), home({ excludes: ['self-harm'] }), '2025-06-01')).toMatchObject({ code: 'unprocessable', reason: 'home-cannot-take-child' });
  });

  it('refuses an unknown request (422) and one no longer pending (409) before looking at the bed', () => {
    expect(allocationRefusal(bed('b', { kind: 'move-on' }), undefined, home(), '2025-06-01')).toMatchObject({ code: 'unprocessable', reason: 'unknown request', field: 'requestId' });
    expect(allocationRefusal(bed('b', { kind: 'move-on' }), request({ status: 'cancelled' }), home(), '2025-06-01')).toMatchObject({ code: 'conflict', reason: 'request-not-pending' });
    expect(allocationRefusal(bed('b'), request({ status: 'allocated' }), home(), '2025-06-01')).toMatchObject({ code: 'conflict', reason: 'request-not-pending' });
  });

  it('refuses a bed that is not free (409 bed-not-available)', () => {
    expect(allocationRefusal(bed('b', { status: 'occupied' }), request(), home(), '2025-06-01')).toMatchObject({ code: 'conflict', reason: 'bed-not-available' });
    expect(allocationRefusal(bed('b', { status: 'out-of-service' }), request(), home(), '2025-06-01')).toMatchObject({ code: 'conflict', reason: 'bed-not-available' });
    expect(allocationRefusal(bed('b', { availableFrom: '2025-06-02' }), request(), home(), '2025-06-01')).toMatchObject({ code: 'conflict', reason: 'bed-not-available' });
    expect(allocationRefusal(bed('b', { availableFrom: '2025-06-01' }), request(), home(), '2025-06-01')).toBeUndefined();
  });

  it('ends only active allocations, never before they started; steps down only into another free move-on bed', () => {
    expect(endRefusal({ status: 'ended', startDate: '2025-06-01' }, '2025-06-02')).toMatchObject({ code: 'conflict', reason: 'allocation-not-active' });
    expect(endRefusal({ status: 'active', startDate: '2025-06-01' }, '2025-05-31')).toMatchObject({ code: 'unprocessable', reason: 'end-before-start' });
    expect(endRefusal({ status: 'active', startDate: '2025-06-01' }, '2025-06-01')).toBeUndefined();
    const child = request().child;
    expect(stepDownRefusal('b1', bed('b1', { kind: 'move-on' }), child, home(), '2025-06-05')).toMatchObject({ reason: 'same-bed' });
    expect(stepDownRefusal('b1', bed('b2'), child, home(), '2025-06-05')).toMatchObject({ reason: 'not-move-on' });
    expect(stepDownRefusal('b1', bed('b2', { kind: 'move-on', status: 'occupied' }), child, home(), '2025-06-05')).toMatchObject({ code: 'conflict', field: 'stepDownTo' });
    expect(stepDownRefusal('b1', bed('b2', { kind: 'move-on' }), child, home(), '2025-06-05')).toBeUndefined();
  });

  it('reads the owning authority from request and allocation ids, and nothing else', () => {
    expect(ownerOfId('req_essex_0abcdefgh1234')).toBe('essex');
    expect(ownerOfId('alc_southend-on-sea_0abcdefgh1234')).toBe('southend-on-sea');
    expect(ownerOfId('req_atlantis_0abcdefgh1234')).toBeUndefined();
    expect(ownerOfId('bed_0abcdefgh1234')).toBeUndefined();
  });

  it('shares must sum to 1', () => {
    expect(sharesSumToOne({ essex: 0.5, norfolk: 0.5 })).toBe(true);
    expect(sharesSumToOne({ essex: 0.1, norfolk: 0.2, suffolk: 0.7 })).toBe(true);
    expect(sharesSumToOne({ essex: 0.5, norfolk: 0.4 })).toBe(false);
    expect(sharesSumToOne({})).toBe(false);
  });
});
