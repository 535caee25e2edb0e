import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_JSON_DEPTH, nestsDeeperThan, stableStringify } from '../../functions/http/edge.ts';

/** The recursive canonical form the fingerprint had before: the iterative one must match it byte for byte. */
function recursive(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(recursive).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${recursive((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const deep = (levels: number) => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

describe('the Idempotency-Key fingerprint of a JSON body', () => {
  it('is the canonical form: keys sorted, no whitespace, as before', () => {
    expect(stableStringify({ b: [1, { d: null, c: 'x' }], a: true })).toBe('{"a":true,"b":[1,{"c":"x","d":null}]}');
    expect(stableStringify(undefined)).toBe('null');
    expect(stableStringify([])).toBe('[]');
    expect(stableStringify({})).toBe('{}');
    fc.assert(fc.property(fc.jsonValue(), (v) => stableStringify(v) === recursive(v)), { numRuns: 500 });
  });

  it('takes any depth without overflowing the stack (JSON.parse reads 100,000 levels; recursion does not)', () => {
    const value = deep(100_000);
    expect(() => recursive(value)).toThrow(RangeError);
    expect(stableStringify(value)).toHaveLength(200_000);
  });

  it('measures nesting without recursion', () => {
    expect(nestsDeeperThan(deep(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(deep(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(deep(100_000), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan({ a: [{ b: 1 }], c: 'x' }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: {} }] }, 3)).toBe(true);
    expect(nestsDeeperThan('text', 0)).toBe(false);
  });
});
