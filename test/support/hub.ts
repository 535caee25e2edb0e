import { expect, inject } from 'vitest';
import { parsePrincipal } from '../../functions/domain/principal.ts';
import { createApiKey } from '../../functions/store/api-keys.ts';

/** HTTP access to the hub the test run started, as an integrator would call it. */
export const baseUrl = (): string => inject('baseUrl');

const keyCache = new Map<string, Promise<string>>();

/** A fresh API key for a principal (`authority:essex`, `provider:x`, `programme-office`), cached per test file. */
export function keyFor(principal: string): Promise<string> {
  let k = keyCache.get(principal);
  if (!k) {
    const p = parsePrincipal(principal);
    if (!p) throw new Error(`not a principal: ${principal}`);
    k = createApiKey(p);
    keyCache.set(principal, k);
  }
  return k;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as-is (a string is not JSON-encoded). */
  rawBody?: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  /** Another hub than the run's (an isolated one, test/support/isolated.ts). */
  baseUrl?: string;
}

export interface CallResult<T = any> {
  status: number;
  headers: Headers;
  json: T;
  text: string;
}

/** Calls the hub as `who` (a principal, whose key is made on first use, or null for no key). */
export async function call<T = any>(who: string | null, method: string, path: string, opts: CallOptions = {}): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (who !== null) headers['x-api-key'] ??= await keyFor(who);
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const url = new URL(path, opts.baseUrl ?? baseUrl());
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** Asserts nothing of the problem's shape here; tests use expectProblem. */
export function isProblem(r: CallResult): boolean {
  return (r.headers.get('content-type') ?? '').startsWith('application/problem+json') && typeof r.json?.status === 'number';
}

/** A unique suffix for test data so files never collide. */
export const unique = (): string => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

/** Every item of a list route, paged with its cursor to the end (`via`: another `call`, e.g. a counting one). */
export async function pageAll<T = any>(who: string, path: string, query: Record<string, string | number> = {}, via: typeof call = call): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const r = await via(who, 'GET', path, { query: { ...query, limit: 100, ...(cursor ? { cursor } : {}) } });
    expect(r.status, `${who} GET ${path}: ${r.text}`).toBe(200);
    items.push(...r.json.items);
    cursor = r.json.nextCursor;
    expect(++pages, `${path} never ends`).toBeLessThan(500);
  } while (cursor);
  return items;
}
