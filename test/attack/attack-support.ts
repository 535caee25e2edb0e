import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { AUTHORITY_SLUGS } from '../../functions/domain/reference/authorities.ts';
import { call as hubCall, pageAll as hubPageAll, type CallOptions, type CallResult, isProblem } from '../support/hub.ts';

/**
 * Shared helpers of the attack suite (not a test file): a counting `call`, small concurrent
 * batches, paging a list to its end, and the comparison of a refused answer with the answer
 * for a resource that genuinely does not exist.
 */

export const AUTHORITIES = AUTHORITY_SLUGS.map((s) => `authority:${s}`);
export const PO = 'programme-office';

/** Requests made by this test file (every call goes through `call`). */
export const counter = { requests: 0 };

export function call<T = any>(who: string | null, method: string, path: string, opts: CallOptions = {}): Promise<CallResult<T>> {
  counter.requests++;
  return hubCall<T>(who, method, path, opts);
}

/** Runs the tasks `size` at a time (keeps the shared machine and the local gateway unhurried). */
export async function inBatches<T>(tasks: readonly (() => Promise<T>)[], size = 8): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < tasks.length; i += size) out.push(...(await Promise.all(tasks.slice(i, i + size).map((t) => t()))));
  return out;
}

/** Every item of a list route, paged with its cursor to the end (counted like every call here). */
export const pageAll = <T = any>(who: string, path: string, query: Record<string, string | number> = {}): Promise<T[]> => hubPageAll<T>(who, path, query, call);

/** Every result of a vacancy search, paged to the end. */
export async function searchAll(who: string, body: Record<string, unknown>): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | undefined;
  do {
    const r = await call(who, 'POST', '/v1/vacancies/search', { body: { ...body, limit: 100, ...(cursor ? { cursor } : {}) } });
    expect(r.status, r.text).toBe(200);
    items.push(...r.json.items);
    cursor = r.json.nextCursor;
  } while (cursor);
  return items;
}

/** Headers that differ on every answer whatever it says. */
const VOLATILE = new Set(['date', 'x-request-id', 'content-length', 'connection', 'keep-alive', 'transfer-encoding']);

/**
 * What a client can learn from an answer, with the resource's own id (which the caller sent)
 * masked: status, header names, content type and the exact body.
 */
export function observable(r: CallResult, ids: readonly string[]) {
  let body = r.text;
  for (const id of ids) body = body.split(id).join('<id>');
  return {
    status: r.status,
    contentType: r.headers.get('content-type'),
    headerNames: [...r.headers.keys()].filter((h) => !VOLATILE.has(h)).sort(),
    body,
  };
}

/**
 * A refused answer must say exactly what the answer for a resource that does not exist says:
 * the same 404 problem+json, the same headers, the same body once the ids are masked.
 */
export function expectSameAsMissing(label: string, refused: CallResult, refusedId: string, missing: CallResult, missingId: string): void {
  expect(refused.status, `${label}: ${refused.text}`).toBe(404);
  expect(isProblem(refused), label).toBe(true);
  expect(missing.status, `${label} (baseline): ${missing.text}`).toBe(404);
  expect(observable(refused, [refusedId]), label).toEqual(observable(missing, [missingId]));
}

/** A 7-digit URN nobody holds (checked as the programme office, which reads every home). */
export async function missingUrn(): Promise<string> {
  for (;;) {
    const urn = String(randomInt(9_100_000, 9_999_999));
    if ((await call(PO, 'GET', `/v1/homes/${urn}`)).status === 404) return urn;
  }
}

let urnSeq = randomInt(1_000_000, 8_900_000);
/** A fresh 7-digit URN for a home this file creates (a random start, so files do not collide). */
export const freshUrn = (): string => String(urnSeq++);

/** A made-up id in the shape the pool uses (`req_<slug>_<21 base-36 characters>`). */
export const fakePoolId = (prefix: 'req' | 'alc' | 'plc', slug: string): string =>
  `${prefix}_${slug}_${(BigInt(`0x${randomBytes(16).toString('hex')}`).toString(36) + '000000000000000000000').slice(0, 21)}`;

export const fakeUuid = (): string => randomUUID();

/** A made-up spend batch id (32 hex digits, as the hub's are). */
export const fakeBatchId = (): string => randomBytes(16).toString('hex');

/** One spend line for `month`, with a child reference of its own. */
export const spendLine = (month: string, over: Record<string, unknown> = {}) => ({
  period: month,
  providerName: 'Attack Suite Care Ltd',
  placementType: 'K2',
  placementProvider: 'PR4',
  childRef: `ATK-${randomBytes(6).toString('hex')}`,
  amount: 1234.56,
  ...over,
});

export const slugOf = (principal: string): string => principal.slice(principal.indexOf(':') + 1);

export const homeBody = (over: Record<string, unknown> = {}) => ({
  name: 'Attack Suite House',
  placementType: 'K2',
  registeredPlaces: 4,
  ofstedRating: 'good',
  ageRange: { min: 10, max: 17 },
  sexes: ['female', 'male'],
  supports: ['semh'],
  excludes: [],
  careAlongside: 'group',
  weeklyPrice: 5000,
  ...over,
});

export const poolRequestBody = (today: string, over: Record<string, unknown> = {}) => ({
  kind: 'emergency',
  urgency: 'today',
  neededFrom: today,
  child: { childRef: `ATK-${randomBytes(6).toString('hex')}`, age: 14, sex: 'female', needs: [] },
  ...over,
});

export const referralBody = (shareWith: string[], over: Record<string, unknown> = {}, basis: Record<string, unknown> = {}) => ({
  agreementId: 'commission-east-placements-isp',
  purpose: 'placement-matching',
  child: { childRef: `ATK-${randomBytes(6).toString('hex')}`, age: 14, sex: 'female', needs: ['self-harm'], urgency: 'within-5-days' },
  lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18', ...basis },
  shareWith,
  ...over,
});

/** Providers that are parties to the regional sharing agreement (the demo providers). */
export const PARTY_PROVIDERS = ['provider:harbour-care', 'provider:fenland-childrens-homes', 'provider:meadowview-care'] as const;

export async function created(r: Promise<CallResult> | CallResult, what: string): Promise<any> {
  const res = await r;
  expect([200, 201], `${what}: ${res.status} ${res.text}`).toContain(res.status);
  return res.json;
}
