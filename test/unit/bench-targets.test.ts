import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allOf, judge, missedTargets, targetScale } from '../../test/bench/targets.ts';

/** The verdict logic `npm run bench` exits by (test/bench/targets.ts, test/bench/run.ts). */
describe('bench targets', () => {
  it('judges each comparison from the value measured', () => {
    expect(judge(4.9, '≤', 5, 'ms', undefined, 1)).toEqual({ target: '≤ 5 ms', ok: true });
    expect(judge(5, '≤', 5, 'ms', undefined, 1).ok).toBe(true);
    expect(judge(5.01, '≤', 5, 'ms', undefined, 1).ok).toBe(false);
    expect(judge(100, '<', 100, 'ms', undefined, 1).ok).toBe(false);
    expect(judge(99.9, '<', 100, 'ms', undefined, 1).ok).toBe(true);
    expect(judge(0.5, '≥', 0.5, '×', undefined, 1).ok).toBe(true);
    expect(judge(0.49, '≥', 0.5, '×', undefined, 1).ok).toBe(false);
    expect(judge(1, '>', 1, '', undefined, 1).ok).toBe(false);
    expect(judge(0, '=', 0, 'Scans', undefined, 1)).toEqual({ target: '= 0 Scans', ok: true });
    expect(judge(1, '=', 0, 'Scans', undefined, 1).ok).toBe(false);
  });

  it('a measurement that failed (NaN) never meets a target', () => {
    for (const op of ['≤', '<', '≥', '>', '='] as const) expect(judge(NaN, op, 5, 'ms', undefined, 1).ok).toBe(false);
  });

  it('shows a computed limit beside what it was computed from', () => {
    expect(judge(2.1, '≤', 1.5 * 1.2, 's', '1.5× read + parse', 1)).toEqual({ target: '≤ 1.5× read + parse (1.8 s)', ok: false });
  });

  it('BENCH_TARGET_SCALE tightens (or loosens) every limit but counts of outcomes', () => {
    expect(targetScale({})).toBe(1);
    expect(targetScale({ BENCH_TARGET_SCALE: '0.001' })).toBe(0.001);
    for (const bad of ['0', '-1', 'fast', 'Infinity']) expect(() => targetScale({ BENCH_TARGET_SCALE: bad })).toThrow(/positive number/);
    expect(judge(4, '≤', 5, 'ms', undefined, 0.5)).toEqual({ target: '≤ 2.5 ms (scaled ×0.5)', ok: false });
    expect(judge(0.6, '≥', 0.5, '×', undefined, 0.5).ok).toBe(false); // tightened: ≥ 1
    expect(judge(4, '≤', 5, 'ms', undefined, 2).ok).toBe(true);
    expect(judge(3, '=', 3, 'winners', undefined, 0.001).ok).toBe(true);
  });

  it('allOf holds only when every part does', () => {
    expect(allOf(judge(0, '=', 0, 'Scans', undefined, 1), judge(5, '≤', 9, 'requests', undefined, 1))).toEqual({ target: '= 0 Scans; ≤ 9 requests', ok: true });
    expect(allOf(judge(1, '=', 0, 'Scans', undefined, 1), judge(5, '≤', 9, 'requests', undefined, 1)).ok).toBe(false);
  });

  it('names every missed target, and counts a target left unjudged as missed', () => {
    const missed = missedTargets([
      { bench: 'a', rows: [
        { name: 'met', value: 1, unit: 'ms', ...judge(1, '≤', 5, 'ms', undefined, 1) },
        { name: 'no target', value: 1, unit: 'ms' },
        { name: 'over', value: 9, unit: 'ms', ...judge(9, '≤', 5, 'ms', undefined, 1) },
      ] },
      { bench: 'b', rows: [
        { name: 'said but not judged', value: 3, unit: 'requests', target: 'bounded' },
        { name: 'judged false without a target', value: 3, unit: '', ok: false },
      ] },
    ]);
    expect(missed).toEqual([
      { bench: 'a', figure: 'over', value: '9 ms', target: '≤ 5 ms', why: 'missed' },
      { bench: 'b', figure: 'said but not judged', value: '3 requests', target: 'bounded', why: 'unjudged' },
      { bench: 'b', figure: 'judged false without a target', value: '3', target: '(none stated)', why: 'missed' },
    ]);
    expect(missedTargets([{ bench: 'a', rows: [{ name: 'met', value: 1, unit: 'ms', ...judge(1, '≤', 5, 'ms', undefined, 1) }] }])).toEqual([]);
  });

  it('no bench states a verdict by hand (`ok: true` / `ok: false`)', () => {
    const dir = join(import.meta.dirname, '../bench');
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.bench.ts'))) {
      expect(readFileSync(join(dir, f), 'utf8'), f).not.toMatch(/\bok:\s*(true|false)\b/);
    }
  });
});
