import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeLedger, Q, type LedgerAllocation, type LedgerBed } from '../../functions/domain/ledger.ts';
import { addDays, dayNumber, londonToday } from '../../functions/domain/calendar-days.ts';
import { AUTHORITY_SLUGS, type AuthoritySlug } from '../../functions/domain/reference/authorities.ts';

const line = (l: ReturnType<typeof computeLedger>, a: AuthoritySlug) => l.authorities.find((x) => x.authority === a)!;
const bed = (id: string, weeklyCost: number, from: string, to?: string, shares?: LedgerBed['shares']): LedgerBed => ({
  id, kind: 'emergency', weeklyCostPence: Math.round(weeklyCost * 100), from, ...(to ? { to } : {}), ...(shares ? { shares } : {}),
});

describe('ledger arithmetic, worked by hand', () => {
  it('counts nights from start up to, not including, the end; void nights are paid nights not used', () => {
    const l = computeLedger({
      from: '2025-01-01',
      to: '2025-01-10',
      beds: [bed('bed_a', 700, '2024-04-01')],
      allocations: [
        { bedId: 'bed_a', authority: 'essex', startDate: '2025-01-03', endDate: '2025-01-06' }, // nights 3, 4, 5
        { bedId: 'bed_a', authority: 'norfolk', startDate: '2025-01-08' }, // 8, 9, 10: still there
      ],
    });
    expect(l.beds).toEqual([{ bedId: 'bed_a', kind: 'emergency', occupiedNights: 6, voidNights: 4, occupancy: 0.6, voidCost: 400 }]);
    expect(line(l, 'essex')).toMatchObject({ nightsUsed: 3 });
    expect(line(l, 'norfolk')).toMatchObject({ nightsUsed: 3 });
    for (const a of l.authorities) expect(a.fundedShare).toBeCloseTo(1 / 11, 15);
    expect(line(l, 'essex').fairShareNights).toBeCloseTo(6 / 11, 12);
    // (3 − 6/11) × £100 = £245.4545… → £245.45; each other authority (0 − 6/11) × £100 = −£54.5454… → −£54.55
    expect(line(l, 'essex').recharge).toBe(245.45);
    expect(line(l, 'norfolk').recharge).toBe(245.45);
    for (const a of ['bedford', 'luton', 'suffolk'] as const) expect(line(l, a).recharge).toBe(-54.55);
  });

  it('clips allocations at both period edges', () => {
    const l = computeLedger({
      from: '2025-03-10',
      to: '2025-03-12',
      beds: [bed('bed_a', 700, '2025-01-01')],
      allocations: [{ bedId: 'bed_a', authority: 'luton', startDate: '2025-02-01', endDate: '2025-04-01' }],
    });
    expect(l.beds[0]).toMatchObject({ occupiedNights: 3, voidNights: 0, occupancy: 1, voidCost: 0 });
    expect(line(l, 'luton').nightsUsed).toBe(3);
  });

  it('an allocation ending on the first day of the period holds no night in it; one starting on the last day holds one', () => {
    const l = computeLedger({
      from: '2025-03-10',
      to: '2025-03-12',
      beds: [bed('bed_a', 700, '2025-01-01'), bed('bed_b', 700, '2025-01-01')],
      allocations: [
        { bedId: 'bed_a', authority: 'luton', startDate: '2025-03-01', endDate: '2025-03-10' },
        { bedId: 'bed_b', authority: 'bedford', startDate: '2025-03-12' },
      ],
    });
    expect(line(l, 'luton').nightsUsed).toBe(0);
    expect(line(l, 'bedford').nightsUsed).toBe(1);
  });

  it('beds starting or ending mid-period pay only their contract nights (contract to is inclusive)', () => {
    const l = computeLedger({
      from: '2025-06-01',
      to: '2025-06-30',
      beds: [
        bed('bed_late', 1400, '2025-06-21'), // nights 21..30 = 10
        bed('bed_early', 700, '2025-01-01', '2025-06-05'), // nights 1..5 = 5
        bed('bed_after', 700, '2025-07-01'), // none: no line
      ],
      allocations: [
        { bedId: 'bed_late', authority: 'thurrock', startDate: '2025-06-15' }, // only 21..30 are paid: 10
        { bedId: 'bed_early', authority: 'thurrock', startDate: '2025-06-03', endDate: '2025-06-20' }, // 3, 4, 5
      ],
    });
    expect(l.beds.map((b) => b.bedId)).toEqual(['bed_early', 'bed_late']);
    expect(l.beds[0]).toMatchObject({ occupiedNights: 3, voidNights: 2, occupancy: 0.6, voidCost: 200 });
    expect(l.beds[1]).toMatchObject({ occupiedNights: 10, voidNights: 0, occupancy: 1, voidCost: 0 });
    expect(line(l, 'thurrock').nightsUsed).toBe(13);
  });

  it('funded shares weight each bed by its funding in the period; recharge prices at the average nightly cost', () => {
    // bed A £700/wk funded by Essex alone, bed B £1,400/wk by Norfolk alone, both paid all 10 nights.
    // Funding: A £1,000, B £2,000 → Essex 1/3, Norfolk 2/3. Average nightly cost £3,000 / 20 = £150.
    const l = computeLedger({
      from: '2025-01-01',
      to: '2025-01-10',
      beds: [bed('bed_a', 700, '2025-01-01', undefined, { essex: 1 }), bed('bed_b', 1400, '2025-01-01', undefined, { norfolk: 1 })],
      allocations: [{ bedId: 'bed_b', authority: 'essex', startDate: '2025-01-01', endDate: '2025-01-11' }],
    });
    expect(line(l, 'essex').fundedShare).toBeCloseTo(1 / 3, 15);
    expect(line(l, 'norfolk').fundedShare).toBeCloseTo(2 / 3, 15);
    expect(line(l, 'suffolk').fundedShare).toBe(0);
    expect(line(l, 'essex').fairShareNights).toBeCloseTo(10 / 3, 12);
    expect(line(l, 'essex').recharge).toBe(1000); // (10 − 10/3) × £150
    expect(line(l, 'norfolk').recharge).toBe(-1000); // (0 − 20/3) × £150
    expect(line(l, 'suffolk').recharge).toBe(0);
    expect(l.beds.find((b) => b.bedId === 'bed_a')).toMatchObject({ voidNights: 10, voidCost: 1000 });
  });

  it('a bed naming shares splits by them; a bed naming none splits in equal elevenths', () => {
    const l = computeLedger({
      from: '2025-01-01',
      to: '2025-01-07',
      beds: [bed('bed_a', 700, '2025-01-01', undefined, { essex: 0.5, suffolk: 0.3, norfolk: 0.2 }), bed('bed_b', 700, '2025-01-01')],
      allocations: [],
    });
    expect(line(l, 'essex').fundedShare).toBeCloseTo((0.5 + 1 / 11) / 2, 15);
    expect(line(l, 'norfolk').fundedShare).toBeCloseTo((0.2 + 1 / 11) / 2, 15);
    expect(line(l, 'luton').fundedShare).toBeCloseTo(1 / 22, 15);
    expect(l.authorities.reduce((s, a) => s + a.fundedShare, 0)).toBeCloseTo(1, 12);
    expect(l.authorities.every((a) => a.recharge === 0 && a.fairShareNights === 0)).toBe(true);
  });

  it('money stays exact: £5,963.50 a week void for 7 nights is £5,963.50, not a float near it', () => {
    const l = computeLedger({ from: '2025-01-01', to: '2025-01-07', beds: [bed('bed_a', 5963.5, '2025-01-01')], allocations: [] });
    expect(l.beds[0]!.voidCost).toBe(5963.5);
    const three = computeLedger({ from: '2025-01-01', to: '2025-01-03', beds: [bed('bed_a', 1000.01, '2025-01-01')], allocations: [] });
    expect(three.beds[0]!.voidCost).toBe(428.58); // 3 × 100001p / 7 = 42857.57… → 42858p
  });

  it('with no beds in the period every line is zero and shares are an equal eleventh', () => {
    const l = computeLedger({ from: '2025-01-01', to: '2025-01-31', beds: [], allocations: [] });
    expect(l.beds).toEqual([]);
    expect(l.authorities).toHaveLength(11);
    for (const a of l.authorities) expect(a).toMatchObject({ nightsUsed: 0, fairShareNights: 0, recharge: 0 });
  });
});

describe('exact arithmetic helpers', () => {
  it('reads JSON numbers as the decimals they were written as', () => {
    expect(Q.decimal(0.1)).toEqual(new Q(1n, 10n));
    expect(Q.decimal(1e-7)).toEqual(new Q(1n, 10_000_000n));
    expect(Q.decimal(-2.5)).toEqual(new Q(-5n, 2n));
    expect(Q.decimal(0.1).add(Q.decimal(0.2))).toEqual(Q.decimal(0.3));
  });

  it('rounds halves away from zero', () => {
    expect(new Q(5n, 2n).round()).toBe(3n);
    expect(new Q(-5n, 2n).round()).toBe(-3n);
  });

  it('knows the UK date across midnight and the clock change', () => {
    expect(londonToday(new Date('2025-06-30T23:30:00Z'))).toBe('2025-07-01'); // BST
    expect(londonToday(new Date('2025-12-31T23:30:00Z'))).toBe('2025-12-31'); // GMT
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(addDays('0050-12-31', 1)).toBe('0051-01-01');
    expect(dayNumber('0050-01-01')).toBeLessThan(dayNumber('1950-01-01'));
  });
});

// ------------------------------------------------------------------ properties against a night-by-night oracle

const date = (offset: number) => addDays('2025-01-01', offset);

interface Scenario {
  from: string;
  to: string;
  beds: LedgerBed[];
  allocations: LedgerAllocation[];
}

const authorityArb = fc.constantFrom(...AUTHORITY_SLUGS);
const sharesArb = fc.option(
  fc.uniqueArray(fc.tuple(authorityArb, fc.integer({ min: 1, max: 100 })), { minLength: 1, maxLength: 5, selector: ([a]) => a }).map((pairs) => {
    // shares written with up to 2 dp that sum to exactly 1 as decimals
    const total = pairs.reduce((s, [, w]) => s + w, 0);
    let left = 100;
    const out: Partial<Record<AuthoritySlug, number>> = {};
    pairs.forEach(([a, w], i) => {
      const pct = i === pairs.length - 1 ? left : Math.floor((w * 100) / total);
      left -= pct;
      if (pct > 0) out[a] = pct / 100;
    });
    return out;
  }),
  { nil: undefined },
);

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    periodStart: fc.integer({ min: 0, max: 60 }),
    periodLength: fc.integer({ min: 1, max: 60 }),
    beds: fc.array(
      fc.record({
        start: fc.integer({ min: 0, max: 100 }),
        length: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
        weeklyPence: fc.integer({ min: 1, max: 2_000_000 }),
        shares: sharesArb,
        // stays: [gap before, nights, ended?] laid end to end so they never overlap
        stays: fc.array(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 30 }), fc.boolean(), authorityArb), { maxLength: 6 }),
      }),
      { minLength: 0, maxLength: 6 },
    ),
  })
  .map(({ periodStart, periodLength, beds }) => {
    const allocations: LedgerAllocation[] = [];
    const out: LedgerBed[] = beds.map((b, i) => {
      const id = `bed_${String(i).padStart(3, '0')}`;
      let cursor = b.start - 20;
      for (const [gap, nights, ended, authority] of b.stays) {
        const s = cursor + gap;
        const open = !ended;
        allocations.push({ bedId: id, authority, startDate: date(s), ...(open ? {} : { endDate: date(s + nights) }) });
        if (open) break;
        cursor = s + nights;
      }
      return {
        id,
        kind: i % 2 ? 'move-on' : 'emergency',
        weeklyCostPence: b.weeklyPence,
        from: date(b.start),
        ...(b.length ? { to: date(b.start + b.length - 1) } : {}),
        ...(b.shares ? { shares: b.shares } : {}),
      };
    });
    return { from: date(periodStart), to: date(periodStart + periodLength - 1), beds: out, allocations };
  });

/** Walks every night of the period and asks who holds each bed. */
function oracle(s: Scenario) {
  const beds = new Map<string, { contracted: number; occupied: number }>();
  const used = new Map<string, number>();
  for (let d = dayNumber(s.from); d <= dayNumber(s.to); d++) {
    for (const b of s.beds) {
      const paid = d >= dayNumber(b.from) && (b.to === undefined || d <= dayNumber(b.to));
      if (!paid) continue;
      const row = beds.get(b.id) ?? { contracted: 0, occupied: 0 };
      row.contracted++;
      const holder = s.allocations.find((a) => a.bedId === b.id && d >= dayNumber(a.startDate) && (a.endDate === undefined || d < dayNumber(a.endDate)));
      if (holder) {
        row.occupied++;
        used.set(holder.authority, (used.get(holder.authority) ?? 0) + 1);
      }
      beds.set(b.id, row);
    }
  }
  return { beds, used };
}

describe('ledger invariants (property-based, against a night-by-night oracle)', () => {
  it('nights match the oracle; shares sum to 1; fair shares sum to the occupied nights; each recharge is the exact figure to the nearest penny', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const l = computeLedger(s);
        const o = oracle(s);
        expect(l.beds.map((b) => b.bedId)).toEqual([...o.beds.keys()].sort());
        let occupied = 0;
        let contracted = 0;
        let funding = 0;
        for (const b of l.beds) {
          const want = o.beds.get(b.bedId)!;
          expect(b.occupiedNights).toBe(want.occupied);
          expect(b.voidNights).toBe(want.contracted - want.occupied);
          // occupancy is given to 4 decimal places: at most half a unit of the 4th away (1/32 = 0.03125 → 0.0313)
          expect(Math.abs(b.occupancy - want.occupied / want.contracted)).toBeLessThanOrEqual(0.00005 + 1e-12);
          const weekly = s.beds.find((x) => x.id === b.bedId)!.weeklyCostPence;
          expect(Math.abs(b.voidCost * 100 - (b.voidNights * weekly) / 7)).toBeLessThanOrEqual(0.5 + 1e-9);
          expect(Number.isInteger(Math.round(b.voidCost * 100)) && Math.abs(b.voidCost * 100 - Math.round(b.voidCost * 100)) < 1e-6).toBe(true);
          occupied += want.occupied;
          contracted += want.contracted;
          funding += want.contracted * weekly;
        }
        expect(l.authorities.map((a) => a.authority)).toEqual([...AUTHORITY_SLUGS]);
        for (const a of l.authorities) expect(a.nightsUsed).toBe(o.used.get(a.authority) ?? 0);
        expect(l.authorities.reduce((t, a) => t + a.nightsUsed, 0)).toBe(occupied);
        expect(l.authorities.reduce((t, a) => t + a.fundedShare, 0)).toBeCloseTo(1, 9);
        expect(l.authorities.reduce((t, a) => t + a.fairShareNights, 0)).toBeCloseTo(occupied, 6);
        for (const a of l.authorities) expect(a.fairShareNights).toBeCloseTo(a.fundedShare * occupied, 6);
        expect(Math.abs(l.authorities.reduce((t, a) => t + Math.round(a.recharge * 100), 0))).toBeLessThanOrEqual(l.authorities.length / 2);
        const nightlyPence = contracted ? funding / 7 / contracted : 0;
        for (const a of l.authorities) {
          const exactPence = (a.nightsUsed - a.fairShareNights) * nightlyPence;
          expect(Math.abs(a.recharge * 100 - exactPence)).toBeLessThanOrEqual(0.5 + 1e-6 * Math.max(1, Math.abs(exactPence)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('nights are additive: a period split in two gives the same nights as the whole', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 59 }), (s, cut) => {
        const length = dayNumber(s.to) - dayNumber(s.from) + 1;
        fc.pre(cut < length - 1);
        const mid = addDays(s.from, cut);
        const whole = computeLedger(s);
        const a = computeLedger({ ...s, to: mid });
        const b = computeLedger({ ...s, from: addDays(mid, 1) });
        const nights = (l: typeof whole, id: string) => l.beds.find((x) => x.bedId === id) ?? { occupiedNights: 0, voidNights: 0 };
        for (const bed of whole.beds) {
          expect(nights(a, bed.bedId).occupiedNights + nights(b, bed.bedId).occupiedNights).toBe(bed.occupiedNights);
          expect(nights(a, bed.bedId).voidNights + nights(b, bed.bedId).voidNights).toBe(bed.voidNights);
        }
        whole.authorities.forEach((w, i) => expect(a.authorities[i]!.nightsUsed + b.authorities[i]!.nightsUsed).toBe(w.nightsUsed));
      }),
      { numRuns: 150 },
    );
  });

  it('is reproducible: the same history in any order gives the same ledger', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const shuffled = { ...s, beds: [...s.beds].reverse(), allocations: [...s.allocations].reverse() };
        expect(computeLedger(shuffled)).toEqual(computeLedger(s));
      }),
      { numRuns: 100 },
    );
  });
});

