import { inject } from 'vitest';
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

/** Every item of a list, paged to its end with `limit=100`. */
export async function listAll<T = any>(who: string, path: string, query: Record<string, string> = {}): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(who, 'GET', path, { query: { ...query, limit: 100, ...(cursor ? { cursor } : {}) } });
    if (page.status !== 200) throw new Error(`${path} → ${page.status}`);
    items.push(...page.json.items);
    cursor = page.json.nextCursor;
  } while (cursor);
  return items;
}
