import { describe, expect, it } from 'vitest';
import { londonToday } from '../../functions/domain/calendar-days.ts';
import { routes, type RouteDef } from '../../functions/routes/index.ts';
import { call, isProblem, pageAll, unique, type CallResult } from '../support/hub.ts';

/**
 * `Idempotency-Key` as the contract words it: same key and same body → the same status and body
 * again, one effect; same key, different body → 422. "The same body" is the body as sent (JSON
 * compared in a canonical form, so layout and key order do not matter; CSV as its text), not the
 * body after the hub has validated and normalised it.
 */

const today = londonToday();
const WHO = 'authority:luton';

const requestBody = (childRef: string) => ({
  kind: 'emergency',
  urgency: 'today',
  neededFrom: today,
  child: { childRef, age: 13, sex: 'male', needs: ['going-missing'] },
});

const postRequest = (key: string, body: unknown) => call(WHO, 'POST', '/v1/pool/requests', { body, headers: { 'idempotency-key': key } });
const postRaw = (key: string, rawBody: string) =>
  call(WHO, 'POST', '/v1/pool/requests', { rawBody, headers: { 'idempotency-key': key, 'content-type': 'application/json' } });

/** The caller's pool requests for these childRefs (as stored: trimmed). */
const requestsFor = async (...refs: string[]) => (await pageAll(WHO, '/v1/pool/requests')).filter((r) => refs.includes(r.child.childRef));

/** A pool request made under a fresh key. */
async function made() {
  const ref = `IDEM-${unique()}`;
  const key = `k-${unique()}`;
  const first = await postRequest(key, requestBody(ref));
  expect(first.status, first.text).toBe(201);
  return { ref, key, first };
}

/** `r` is `first` replayed, and there is still exactly one request for `ref`. */
async function expectReplayOf(r: CallResult, first: CallResult, ref: string) {
  expect(r.status).toBe(first.status);
  expect(r.text).toBe(first.text);
  expect(r.headers.get('idempotent-replayed')).toBe('true');
  expect(await requestsFor(ref)).toHaveLength(1);
}

describe('Idempotency-Key compares the body as sent', () => {
  it('the same JSON laid out differently, keys in another order, is the same body: the first answer again, one effect', async () => {
    const { ref, key, first } = await made();
    const relaid = `{\n  "child": { "needs": ["going-missing"], "sex": "male", "age": 13, "childRef": "${ref}" },\n  "neededFrom": "${today}",\n  "urgency": "today",\n  "kind": "emergency"\n}\n`;
    await expectReplayOf(await postRaw(key, relaid), first, ref);
  });

  it('a value the hub would normalise is still a different body: childRef "  C  " after "C" under one key → 422, nothing created', async () => {
    const { ref, key, first } = await made();
    const padded = await postRequest(key, requestBody(`  ${ref}  `));
    expect(padded.status, padded.text).toBe(422);
    expect(isProblem(padded)).toBe(true);
    expect(padded.headers.get('idempotent-replayed')).toBeNull();
    expect((await requestsFor(ref)).map((r) => r.id)).toEqual([first.json.id]);

    // the padded body is itself valid: under a key of its own it is a request of its own
    const own = await postRequest(`k-${unique()}`, requestBody(`  ${ref}  `));
    expect(own.status, own.text).toBe(201);
    expect(own.json.id).not.toBe(first.json.id);
  });

  it('a different body under a used key is 422 whether or not it would validate', async () => {
    const { ref, key, first } = await made();
    const invalid: [string, () => Promise<CallResult>][] = [
      ['an unknown field', () => postRequest(key, { ...requestBody(ref), name: 'Jane Doe' })],
      ['a value out of range', () => postRequest(key, requestBody(''))],
      ['a missing field', () => postRequest(key, { kind: 'emergency' })],
      ['malformed JSON', () => postRaw(key, '{"kind": "emergency",')],
    ];
    for (const [what, send] of invalid) {
      const r = await send();
      expect(r.status, `${what}: ${r.text}`).toBe(422);
      expect(isProblem(r), what).toBe(true);
    }
    // and the key still replays its first answer
    await expectReplayOf(await postRequest(key, requestBody(ref)), first, ref);
  });

  it('an invalid body under a fresh key is 400 and does not use the key up', async () => {
    const ref = `IDEM-${unique()}`;
    const key = `k-${unique()}`;
    const bad = await postRequest(key, { ...requestBody(ref), name: 'Jane Doe' });
    expect(bad.status, bad.text).toBe(400);
    expect(bad.json.errors).toContainEqual({ path: 'name', message: 'unknown field' });
    const malformed = await postRaw(key, '{"kind":');
    expect(malformed.status, malformed.text).toBe(400);

    const ok = await postRequest(key, requestBody(ref));
    expect(ok.status, ok.text).toBe(201);
    expect(ok.headers.get('idempotent-replayed')).toBeNull();
    expect(await requestsFor(ref)).toHaveLength(1);
  });

  it('CSV is compared as its text: the same text replays, other text carrying the same lines is 422', async () => {
    const ref = `IDEM-${unique()}`;
    const csv = ['Period,Provider Name,Placement Type,Placement Provider,Child Ref,Amount', `2013-02,Idem Care Ltd,K2,PR4,${ref},£100.00`].join('\r\n');
    const key = `k-${unique()}`;
    const post = (text: string) => call(WHO, 'POST', '/v1/spend/batches', { rawBody: text, headers: { 'content-type': 'text/csv', 'idempotency-key': key } });
    const first = await post(csv);
    expect(first.status, first.text).toBe(201);
    const again = await post(csv);
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const other = await post(`${csv}\r\n`);
    expect(other.status, other.text).toBe(422);
    expect(isProblem(other)).toBe(true);
  });
});

describe('Idempotency-Key values', () => {
  it.each([
    ['a UUID in braces', `{${crypto.randomUUID().toUpperCase()}}`],
    ['base64', `${Buffer.from(unique()).toString('base64')}+/==`],
    ['every kind of visible ASCII punctuation', `!"#$%&'()*+,/;<=>?@[\\]^_\`{|}~-${unique()}`],
    ['255 characters', `k${unique()}`.padEnd(255, 'x')],
  ])('accepts %s: the first answer, then the same answer replayed', async (_what, key) => {
    const ref = `IDEM-${unique()}`;
    const first = await postRequest(key, requestBody(ref));
    expect(first.status, first.text).toBe(201);
    await expectReplayOf(await postRequest(key, requestBody(ref)), first, ref);
    expect((await postRequest(key, requestBody(`${ref}-other`))).status).toBe(422);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'k'.padEnd(256, 'x')],
    ['a space', 'two words'],
    ['a tab', 'tab\tkey'],
    ['a non-ASCII character', 'clé'],
  ])('refuses a key that is %s with 400 naming the header, and creates nothing', async (_what, key) => {
    const ref = `IDEM-${unique()}`;
    const r = await postRequest(key, requestBody(ref));
    expect(r.status, r.text).toBe(400);
    expect(isProblem(r)).toBe(true);
    expect(r.json.errors).toEqual([{ path: 'Idempotency-Key', message: expect.any(String) }]);
    expect(await requestsFor(ref)).toEqual([]);
  });
});

describe('a deeply nested JSON body', () => {
  /** Path parameters each route's schema accepts: the first candidate that parses. */
  const CANDIDATES = ['SC123456', 'bed_0000000000', 'req_essex_0000000000', 'alc_essex_0000000000', 'abc-123'];
  function pathOf(key: string, def: RouteDef): string {
    const [, path] = key.split(' ') as [string, string];
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const values: Record<string, string> = {};
    for (const n of names) {
      values[n] = CANDIDATES.find((c) => def.params?.safeParse({ ...Object.fromEntries(names.map((x) => [x, values[x] ?? c])), [n]: c }).success) ?? CANDIDATES[0]!;
    }
    return path.replace(/\{(\w+)\}/g, (_, n: string) => values[n]!);
  }
  const idempotent = Object.entries(routes as Record<string, RouteDef>).filter(([, def]) => def.idempotent);
  const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

  it('lists the idempotent routes it checks', () => {
    expect(idempotent.map(([k]) => k)).toContain('POST /v1/spend/batches');
    expect(idempotent.length).toBeGreaterThanOrEqual(5);
  });

  it.each(idempotent)('%s: ≈5,000 levels are a 400 problem, with an Idempotency-Key and without', async (key, def) => {
    const who = def.access === 'public' ? null : def.access[0] === 'authority' ? WHO : def.access[0] === 'provider' ? 'provider:harbour-care' : 'programme-office';
    const [method] = key.split(' ') as [string];
    const path = pathOf(key, def);
    for (const headers of [{ 'idempotency-key': `deep-${unique()}` }, {}] as Record<string, string>[]) {
      const r = await call(who, method, path, { rawBody: deep(5000), headers: { 'content-type': 'application/json', ...headers } });
      expect(r.status, `${key} ${JSON.stringify(headers)}: ${r.text}`).toBe(400);
      expect(isProblem(r)).toBe(true);
    }
  });

  it('nested deep inside a spend line, with a key: a 400 problem, not a stack overflow', async () => {
    const body = `{"lines":[{"period":"2013-02","providerName":"Deep Care","placementType":"K2","placementProvider":"PR4","amount":1,"note":${deep(5000)}}]}`;
    for (const headers of [{ 'idempotency-key': `deep-${unique()}` }, {}] as Record<string, string>[]) {
      const r = await call(WHO, 'POST', '/v1/spend/batches', { rawBody: body, headers: { 'content-type': 'application/json', ...headers } });
      expect(r.status, r.text).toBe(400);
      expect(isProblem(r)).toBe(true);
    }
  });
});
