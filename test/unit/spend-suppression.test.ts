import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { suppress, THRESHOLD, type SuppressionList } from '../../functions/domain/suppression.ts';

/**
 * An independent oracle for "derivable": enumerate every assignment of whole numbers to the
 * cells a reader cannot see that agrees with everything the reader can see (published cells,
 * the total when published, each list adding up to the one total, each cell at least its
 * lower bound, and — for an owner — its own cell), and ask whether a hidden cell ever takes
 * two values. No reasoning shared with the implementation.
 */
function derivableCells(
  total: number,
  lists: SuppressionList[],
  result: { totalSuppressed: boolean; suppressed: boolean[][] },
  viewer?: { list: number; cell: number },
): string[] {
  const cap = total + 6; // when the total is hidden, let it range above the truth
  const totals = result.totalSuppressed ? range(1, cap) : [total];
  const seen = lists.map((l) => l.cells.map(() => new Set<number>()));
  for (const T of totals) {
    const perList: Map<number, Set<number>>[] = [];
    let feasible = true;
    lists.forEach((list, li) => {
      const hidden = list.cells.map((_, i) => i).filter((i) => result.suppressed[li]![i] && !(viewer && viewer.list === li && viewer.cell === i));
      const known = list.cells.reduce((s, c, i) => s + (hidden.includes(i) ? 0 : c.value), 0);
      const values = new Map<number, Set<number>>(hidden.map((i) => [i, new Set<number>()]));
      let any = false;
      const walk = (k: number, left: number, chosen: number[]) => {
        if (k === hidden.length) {
          if (left !== 0) return;
          any = true;
          hidden.forEach((i, j) => values.get(i)!.add(chosen[j]!));
          return;
        }
        const lo = list.cells[hidden[k]!]!.lower;
        for (let v = lo; v <= left; v++) walk(k + 1, left - v, [...chosen, v]);
      };
      if (list.cells.length > 0) walk(0, T - known, []);
      else any = T === 0;
      if (!any) feasible = false;
      perList.push(values);
    });
    if (!feasible) continue;
    perList.forEach((values, li) => values.forEach((vs, i) => vs.forEach((v) => seen[li]![i]!.add(v))));
  }
  const out: string[] = [];
  lists.forEach((l, li) =>
    l.cells.forEach((_, i) => {
      const isOwn = viewer && viewer.list === li && viewer.cell === i;
      if (result.suppressed[li]![i] && !isOwn && seen[li]![i]!.size <= 1) out.push(`list ${li} cell ${i}`);
    }),
  );
  return out;
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** Splits `total` into `parts` positive whole numbers using the given cut points. */
function partition(total: number, cuts: number[]): number[] {
  const points = [...new Set(cuts.map((c) => 1 + (c % Math.max(1, total - 1))))].filter((c) => c < total).sort((a, b) => a - b);
  const out: number[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(p - prev);
    prev = p;
  }
  out.push(total - prev);
  return out;
}

describe('primary and secondary suppression', () => {
  it('suppresses every cell below 5 and nothing else when that already protects them', () => {
    const r = suppress(20, [{ ownersKnowOwn: false, cells: [3, 4, 6, 7].map((value, i) => ({ value, lower: 1, order: `g${i}` })) }]);
    expect(r.totalSuppressed).toBe(false);
    expect(r.suppressed[0]).toEqual([true, true, false, false]);
  });

  it('suppresses the next smallest cell when a lone "c" could be found by subtraction', () => {
    const r = suppress(30, [{ ownersKnowOwn: false, cells: [9, 2, 12, 7].map((value, i) => ({ value, lower: 1, order: `g${i}` })) }]);
    expect(r.suppressed[0]).toEqual([false, true, false, true]);
  });

  it('breaks ties between equal next-smallest cells by their order key', () => {
    const r = suppress(20, [{ ownersKnowOwn: false, cells: [7, 3, 7, 3].map((value, i) => ({ value, lower: 1, order: `z${3 - i}` })) }]);
    // two primaries (3+3=6 over two cells of at least 1: slack 4) already protect each other
    expect(r.suppressed[0]).toEqual([false, true, false, true]);
    const s = suppress(17, [{ ownersKnowOwn: false, cells: [7, 3, 7].map((value, i) => ({ value, lower: 1, order: `z${3 - i}` })) }]);
    expect(s.suppressed[0]).toEqual([false, true, true]); // 'z1' sorts before 'z3'
  });

  it('adds a cell when two suppressed cells sit at their lower bounds (1 + 1 = 2 gives both away)', () => {
    const r = suppress(12, [{ ownersKnowOwn: false, cells: [1, 1, 10].map((value, i) => ({ value, lower: 1, order: `g${i}` })) }]);
    expect(r.suppressed[0]).toEqual([true, true, true]);
    expect(r.totalSuppressed).toBe(false);
  });

  it('uses published lower bounds: a provider group of 3 authorities has at least 3 placements', () => {
    // cells 3 (3 authorities) and 4 (4 authorities): the bounds add up to the hidden sum → derivable
    const r = suppress(27, [{ ownersKnowOwn: false, cells: [{ value: 3, lower: 3, order: 'a' }, { value: 4, lower: 4, order: 'b' }, { value: 20, lower: 2, order: 'c' }] }]);
    expect(r.suppressed[0]).toEqual([true, true, true]);
  });

  it('suppresses the total only when nothing else can protect a cell', () => {
    const r = suppress(5, [{ ownersKnowOwn: false, cells: [1, 1, 1, 1, 1].map((value, i) => ({ value, lower: 1, order: `a${i}` })) }]);
    expect(r.totalSuppressed).toBe(true);
    const other = suppress(5, [
      { ownersKnowOwn: false, cells: [1, 1, 1, 1, 1].map((value, i) => ({ value, lower: 1, order: `a${i}` })) },
      { ownersKnowOwn: false, cells: [5].map((value) => ({ value, lower: 1, order: 'x' })) },
    ]);
    // with the total hidden, a list that would add up to it must hide a cell too
    expect(other.totalSuppressed).toBe(true);
    expect(other.suppressed[1]).toEqual([true]);
  });

  it('keeps every other authority safe from an authority that knows its own line', () => {
    // Essex (3) knows its own line: with Norfolk 7 as the only other "c", Essex could subtract.
    const cells = [{ value: 3, lower: 1, order: 'essex' }, { value: 7, lower: 1, order: 'norfolk' }, { value: 9, lower: 1, order: 'suffolk' }];
    const r = suppress(19, [{ ownersKnowOwn: true, cells }]);
    expect(r.suppressed[0]).toEqual([true, true, true]);
    expect(derivableCells(19, [{ ownersKnowOwn: true, cells }], r, { list: 0, cell: 0 })).toEqual([]);
  });

  const listArb = (total: number, withOwners: boolean) =>
    fc.record({
      cuts: fc.array(fc.nat(40), { maxLength: 3 }),
      lowerCut: fc.array(fc.nat(5), { minLength: 4, maxLength: 4 }),
    }).map(({ cuts, lowerCut }) => {
      const values = partition(total, cuts);
      return {
        ownersKnowOwn: withOwners,
        cells: values.map((value, i) => ({ value, lower: Math.max(1, Math.min(value, lowerCut[i]! )), order: `k${i}` })),
      } satisfies SuppressionList;
    });

  it('property: no suppressed cell is derivable from the published cells and totals, for any reader', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 22 }).chain((total) =>
          fc.tuple(fc.constant(total), listArb(total, false), listArb(total, false), listArb(total, true))),
        ([total, a, b, c]) => {
          const lists = [a, b, c];
          const r = suppress(total, lists);
          // primary: every count below 5 is hidden, the total too
          lists.forEach((l, li) => l.cells.forEach((cell, i) => cell.value < THRESHOLD && expect(r.suppressed[li]![i]).toBe(true)));
          if (total < THRESHOLD) expect(r.totalSuppressed).toBe(true);
          // no reader — nor any authority knowing its own line — can pin a hidden cell (an
          // authority that is the only one in the period has nothing but its own data to learn)
          expect(derivableCells(total, lists, r)).toEqual([]);
          if (c.cells.length > 1) c.cells.forEach((_, i) => {
            if (r.suppressed[2]![i]) expect(derivableCells(total, lists, r, { list: 2, cell: i })).toEqual([]);
          });
          // and the total is hidden only when something needed it
          if (r.totalSuppressed && total >= THRESHOLD) {
            expect(lists.some((l, li) => l.cells.every((_, i) => r.suppressed[li]![i]))).toBe(true);
          }
        },
      ),
      { numRuns: 400, seed: 20251123 },
    );
  });
});
