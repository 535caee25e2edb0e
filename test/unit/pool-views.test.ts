import { describe, expect, it } from 'vitest';
import {
  allocationView, bedView, newBedOf, newRequestOf, requestView, seesAllocation, stepDownRefusal, whyBedRefuses,
  type Allocation, type Bed, type PoolRequest,
} from '../../functions/domain/pool.ts';
import { ledgerFor, type Ledger } from '../../functions/domain/ledger.ts';
import type { Principal } from '../../functions/domain/principal.ts';

const PO: Principal = { kind: 'programme-office' };
const essex: Principal = { kind: 'authority', id: 'essex' };
const suffolk: Principal = { kind: 'authority', id: 'suffolk' };
const provider: Principal = { kind: 'provider', id: 'harbour-care' };

const bed = (over: Partial<Bed> = {}): Bed => ({
  id: 'bed_1', homeUrn: 'SC000001', kind: 'emergency', weeklyCostPence: 596_350, contractRef: 'B-1', from: '2025-01-01',
  status: 'available', availableFrom: '2025-01-01', createdAt: '2025-01-01T00:00:00Z', createdBy: 'programme-office', version: 1, ...over,
});
const held = bed({
  status: 'occupied',
  allocation: { id: 'alc_essex_1', requestId: 'req_essex_1', authority: 'essex', startDate: '2025-02-01' },
  claim: { id: 'clm_x', until: Number.MAX_SAFE_INTEGER },
});

describe('what each caller sees of a bed', () => {
  it('shows the allocation to the programme office and the authority it is for, and to no one else', () => {
    expect(seesAllocation(PO, { authority: 'essex' })).toBe(true);
    expect(seesAllocation(essex, { authority: 'essex' })).toBe(true);
    expect(seesAllocation(suffolk, { authority: 'essex' })).toBe(false);
    expect(seesAllocation(provider, { authority: 'essex' })).toBe(false);
    expect(bedView(held, PO).allocation).toEqual(held.allocation);
    expect(bedView(held, essex).allocation).toEqual(held.allocation);
    expect(bedView(held, suffolk)).not.toHaveProperty('allocation');
    expect(bedView(held, suffolk).status).toBe('occupied');
  });

  it('gives money in GBP, availableFrom only while free, and never the claim or storage fields', () => {
    const free = bedView(bed({ to: '2026-01-01', shares: { essex: 1 } }), suffolk);
    expect(free).toEqual({
      id: 'bed_1', homeUrn: 'SC000001', kind: 'emergency', status: 'available', weeklyCost: 5963.5, contractRef: 'B-1', from: '2025-01-01',
      to: '2026-01-01', shares: { essex: 1 }, availableFrom: '2025-01-01',
    });
    for (const who of [PO, essex, suffolk]) {
      const v = bedView(held, who);
      expect(v).not.toHaveProperty('availableFrom');
      expect(Object.keys(v)).not.toEqual(expect.arrayContaining(['claim']));
      expect(v).not.toHaveProperty('version');
      expect(v).not.toHaveProperty('createdBy');
    }
  });

  it('shows requests and allocations without their bookkeeping', () => {
    const r: PoolRequest = {
      id: 'req_essex_1', authority: 'essex', kind: 'emergency', urgency: 'today', neededFrom: '2025-02-01',
      child: { childRef: 'C1', age: 14, sex: 'female', needs: [] }, status: 'pending', createdAt: '2025-01-31T00:00:00Z',
    };
    expect(requestView({ ...r, ...({ ttl: 1, cancelledAt: 'x' } as object) })).toEqual(r);
    const a: Allocation = {
      id: 'alc_essex_1', requestId: 'req_essex_1', bedId: 'bed_1', authority: 'essex', startDate: '2025-02-01', status: 'ended', endDate: '2025-02-09',
      reason: 'CARPL', createdAt: 'x', createdBy: 'programme-office', endedAt: 'y', endedBy: 'authority:essex',
    };
    expect(allocationView(a)).toEqual({ id: 'alc_essex_1', requestId: 'req_essex_1', bedId: 'bed_1', authority: 'essex', startDate: '2025-02-01', status: 'ended', endDate: '2025-02-09', reason: 'CARPL' });
  });
});

describe('why a bed refuses (one explanation for rules and refused writes)', () => {
  const now = 1_000_000;
  it('unknown 422; out of service, occupied, taken this moment, not yet free 409; otherwise nothing', () => {
    expect(whyBedRefuses(undefined)).toMatchObject({ code: 'unprocessable', reason: 'unknown bed', field: 'bedId' });
    expect(whyBedRefuses(bed({ status: 'out-of-service' }))).toMatchObject({ code: 'conflict', reason: 'bed-not-available', detail: 'The bed is out of service.' });
    expect(whyBedRefuses(bed({ status: 'occupied' }))).toMatchObject({ code: 'conflict', detail: 'The bed is occupied.' });
    expect(whyBedRefuses({ status: 'available', availableFrom: '2025-01-01', allocation: {} })).toMatchObject({ detail: 'The bed is occupied.' });
    expect(whyBedRefuses(bed({ claim: { id: 'clm_other', until: now } }), { now })).toMatchObject({ code: 'conflict', detail: 'Another allocation is taking this bed at this moment.' });
    expect(whyBedRefuses(bed({ availableFrom: '2025-03-01' }), { startDate: '2025-02-28' })).toMatchObject({ detail: 'The bed is free from 2025-03-01.' });
    expect(whyBedRefuses(bed(), { startDate: '2025-01-01', now })).toBeUndefined();
  });

  it('a lapsed claim, the caller\'s own claim, or a claim with no moment given, stands in no one\'s way', () => {
    expect(whyBedRefuses(bed({ claim: { id: 'clm_other', until: now - 1 } }), { now })).toBeUndefined();
    expect(whyBedRefuses(bed({ claim: { id: 'clm_mine', until: now + 5 } }), { now, ownClaim: 'clm_mine' })).toBeUndefined();
    expect(whyBedRefuses(bed({ claim: { id: 'clm_other', until: now + 5 } }))).toBeUndefined();
  });

  it('names the field and the move-on bed it concerns', () => {
    expect(whyBedRefuses(bed({ status: 'occupied' }), { field: 'stepDownTo', moveOn: true })).toMatchObject({ field: 'stepDownTo', detail: 'The move-on bed is occupied.' });
    expect(stepDownRefusal('bed_1', undefined, undefined, undefined, '2025-06-01')).toMatchObject({ code: 'unprocessable', reason: 'unknown bed', field: 'stepDownTo', errors: [{ path: 'stepDownTo', message: 'unknown bed' }] });
    expect(stepDownRefusal('bed_1', bed({ id: 'bed_2', kind: 'move-on', availableFrom: '2025-07-01' }), undefined, undefined, '2025-06-01')).toMatchObject({ code: 'conflict', field: 'stepDownTo', detail: 'The move-on bed is free from 2025-07-01.' });
  });
});

describe('inputs and the ledger as each caller sees it', () => {
  it('a new bed is costed in pence; a new request names each need once and only a known outcode', () => {
    expect(newBedOf({ homeUrn: 'SC000001', kind: 'move-on', weeklyCost: 5963.5, contractRef: 'B', from: '2025-01-01' })).toEqual({ homeUrn: 'SC000001', kind: 'move-on', weeklyCostPence: 596_350, contractRef: 'B', from: '2025-01-01' });
    const body = { kind: 'emergency' as const, urgency: 'today' as const, neededFrom: '2025-01-01', child: { childRef: 'C', age: 9, sex: 'male' as const, needs: ['semh', 'semh'] as ('semh')[] } };
    expect(newRequestOf({ ...body, homeOutcode: 'CM2' }).child.needs).toEqual(['semh']);
    expect(() => newRequestOf({ ...body, homeOutcode: 'ZZ99' })).toThrow(expect.objectContaining({ code: 'invalid', errors: [expect.objectContaining({ path: 'homeOutcode' })] }));
  });

  it('the programme office sees every authority line; an authority only its own; bed lines are for all', () => {
    const line = (authority: 'essex' | 'suffolk') => ({ authority, nightsUsed: 1, fundedShare: 0.5, fairShareNights: 1, recharge: 0 });
    const ledger: Ledger = { from: 'a', to: 'b', beds: [{ bedId: 'bed_1', kind: 'emergency', occupiedNights: 2, voidNights: 0, occupancy: 1, voidCost: 0 }], authorities: [line('essex'), line('suffolk')] };
    expect(ledgerFor(ledger, PO)).toEqual(ledger);
    expect(ledgerFor(ledger, essex)).toEqual({ ...ledger, authorities: [line('essex')] });
    expect(ledgerFor(ledger, provider).authorities).toEqual([]);
    expect(ledger.authorities).toHaveLength(2); // not changed in place
  });
});
