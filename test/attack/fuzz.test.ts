import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeList } from '../../functions/routes/index.ts';
import { startIsolatedHub, type IsolatedHub } from '../support/isolated.ts';

/**
 * Property-based fuzzing of every route in the table: random and hostile paths, queries and
 * bodies (malformed JSON, huge numbers, odd Unicode, deep nesting, oversized bodies) from a
 * caller allowed to use the route. Never a 5xx, never a stack trace, always problem+json for an
 * error, and nothing written by a refused request.
 */
let hub: IsolatedHub;

beforeAll(async () => {
  hub = await startIsolatedHub('fuzz');
});
afterAll(async () => hub?.stop());

const principalFor = (access: (typeof routeList)[number]['def']['access']): string | null =>
  access === 'public' ? null : access.includes('authority') ? 'authority:essex' : access.includes('programme-office') ? 'programme-office' : 'provider:fuzz-provider';

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('SC123456', '1234567', '../../etc/passwd', '%00', '\u0000', '\ud800', '🏠🏠', 'ＳＣ１２３４５６', "' OR 1=1 --", '${jndi:x}', 'a'.repeat(5000)),
);
const hugeNumber = fc.constantFrom('1e999', '-1e999', '123456789012345678901234567890', '-0', '0.000000000000000000001', 'NaN');
const rawBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.dictionary(fc.constantFrom('child', 'age', 'sex', 'needs', 'lines', 'period', 'beds', 'status', 'name', 'urn', 'owner', 'authority', 'principal'), fc.jsonValue({ maxDepth: 3 })).map((v) => JSON.stringify(v)),
  hugeNumber.map((n) => `{"beds":${n},"age":${n},"weeklyPrice":${n},"amount":${n}}`),
  fc.constantFrom('{', '{"a":', '[]', 'null', '"x"', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', `${'['.repeat(5000)}${']'.repeat(5000)}`, '\ufeff{}', '{"a":"\\ud800"}'),
);

describe('fuzzing every route', () => {
  it('never answers 5xx, never leaks a stack, and refused requests write nothing', async () => {
    const failures: string[] = [];
    const callers = new Map<string, string>();
    for (const { def } of routeList) {
      const who = principalFor(def.access);
      if (who) callers.set(who, await hub.key(who));
    }
    for (const { method, path, def } of routeList) {
      const who = principalFor(def.access);
      await fc.assert(
        fc.asyncProperty(
          fc.array(hostileString, { minLength: 3, maxLength: 3 }),
          fc.dictionary(fc.oneof(fc.constantFrom('limit', 'cursor', 'from', 'to', 'referralId', 'authority'), fc.string({ maxLength: 8 })), fc.oneof(hostileString, hugeNumber), { maxKeys: 3 }),
          fc.option(rawBody, { nil: undefined }),
          fc.constantFrom('application/json', 'text/csv', 'text/plain', 'application/json; charset=utf-16'),
          async (params, query, body, contentType) => {
            let i = 0;
            // a lone surrogate cannot travel in a URL (UTF-8): it is sent as U+FFFD, as fuzz-schemas.test.ts does
            const p = path.replace(/\{\w+\}/g, () => encodeURIComponent((params[i++ % params.length] || 'x').replace(/\p{Cs}/gu, '\uFFFD')));
            const url = new URL(p, hub.baseUrl);
            for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
            const headers: Record<string, string> = { 'content-type': contentType };
            if (who) headers['x-api-key'] = callers.get(who)!;
            const mutating = method !== 'GET';
            const before = mutating ? await hub.itemCount() : 0;
            const res = await fetch(url, { method, headers, body: method === 'GET' ? undefined : body });
            const text = await res.text();
            if (res.status >= 500) failures.push(`${method} ${url.pathname} → ${res.status} ${text.slice(0, 200)}`);
            expect(text).not.toMatch(/\n\s+at .+:\d+:\d+|node_modules|\.ts:\d+/);
            if (res.status >= 400) {
              expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
              expect(JSON.parse(text).status).toBe(res.status);
              if (mutating) expect(await hub.itemCount(), `${method} ${url.pathname} → ${res.status} wrote`).toBe(before);
            }
          },
        ),
        { numRuns: 20, seed: 20261123 },
      );
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
