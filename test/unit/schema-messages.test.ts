import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zodErrors } from '../../functions/http/edge.ts';
import { AuthoritySlug, ChildRef, ListQuery, Money } from '../../schemas/common.ts';
import { SpendMonth } from '../../schemas/spend.ts';

/**
 * The schemas are built with zod/mini, which, unlike zod classic, sets no error messages of its
 * own: schemas/meta.ts sets zod's English ones. These are the messages problem+json `errors[]`
 * carried under zod classic (CONTRACT.md "Conventions": bad input → 400 with errors[]); without
 * the English locale every one of them would read "Invalid input".
 */
const errorsOf = (schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, value: unknown) => {
  const result = schema.safeParse(value);
  expect(result.success).toBe(false);
  return zodErrors(result.error as Parameters<typeof zodErrors>[0]);
};

describe('validation messages (zod/mini with the English locale)', () => {
  it('says what was wrong, as zod classic did', () => {
    expect(errorsOf(ChildRef, '')).toEqual([
      { path: '(body)', message: 'Too small: expected string to have >=1 characters' },
      { path: '(body)', message: 'letters, digits and . _ : / - only' },
    ]);
    expect(errorsOf(ChildRef, 42)).toEqual([{ path: '(body)', message: 'Invalid input: expected string, received number' }]);
    expect(errorsOf(AuthoritySlug, 'kent')[0]!.message).toMatch(/^Invalid option: expected one of "bedford"\|"cambridgeshire"\|/);
    expect(errorsOf(ListQuery, { limit: '0', extra: 'x' })).toEqual([
      { path: 'limit', message: 'Too small: expected number to be >=1' },
      { path: 'extra', message: 'unknown field' },
    ]);
    expect(errorsOf(Money, 0.001)).toEqual([{ path: '(body)', message: 'GBP with at most 2 decimal places' }]);
    expect(errorsOf(SpendMonth, '2025-10-01')).toEqual([
      { path: '(body)', message: 'Too big: expected string to have <=7 characters' },
      { path: '(body)', message: 'a month as YYYY-MM' },
    ]);
  });
});

describe('zod/mini only', () => {
  it('no module under functions/ or schemas/ imports zod classic (25 KB more in every Lambda that parses, twice the schemas\' build time at cold start)', () => {
    const root = join(import.meta.dirname, '../..');
    const sources = ['functions', 'schemas'].flatMap((dir) =>
      (readdirSync(join(root, dir), { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f)).map((f) => join(dir, f)));
    expect(sources.length).toBeGreaterThan(100);
    const classic = sources.filter((f) => /from 'zod(\/v4)?(\/classic)?'/.test(readFileSync(join(root, f), 'utf8')));
    expect(classic).toEqual([]);
  });
});
