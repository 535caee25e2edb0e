import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../domain/errors.ts';
import { cursorSecret, loadCursorSecret } from './env.ts';

/**
 * Opaque, tamper-proof list cursors: base64url(JSON payload) + "." + base64url(HMAC-SHA256),
 * keyed by the cursor secret (./env.ts: Secrets Manager in AWS, a random value kept in the
 * data folder locally). A cursor is bound to a purpose (the list it pages), so one list's cursor
 * is refused by another. Anything altered, truncated or made up is a 400 naming the `cursor` field.
 */

// In Lambda: the secret is fetched here, once, at cold start; a Lambda that cannot get it fails
// its init rather than a request. The stack gives CURSOR_SECRET_ARN and read access to exactly
// the functions whose bundle holds this module (infra/bundling.ts bundleHolds).
await loadCursorSecret();

function mac(purpose: string, body: string): Buffer {
  return createHmac('sha256', cursorSecret()).update(`${purpose}\n${body}`).digest();
}

export function sealCursor(purpose: string, payload: unknown): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${mac(purpose, body).toString('base64url')}`;
}

const invalid = (path: string) => badRequest('The cursor is not valid: use nextCursor exactly as it was returned.', [{ path, message: 'invalid cursor' }]);

/** The payload of a cursor this hub sealed for `purpose`; 400 for anything else. */
export function openCursor<T = unknown>(purpose: string, cursor: string, path = 'cursor'): T {
  const dot = cursor.indexOf('.');
  if (dot <= 0 || dot !== cursor.lastIndexOf('.')) throw invalid(path);
  const body = cursor.slice(0, dot);
  const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
  const expected = mac(purpose, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid(path);
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
  } catch {
    throw invalid(path);
  }
}

/**
 * One page of a list computed in memory: the items from the cursor's offset, and a sealed
 * cursor for the rest when there is more. A cursor another list (purpose) gave is refused.
 */
export function pageInMemory<T>(purpose: string, all: readonly T[], limit: number, cursor: string | undefined): { items: T[]; nextCursor?: string } {
  let from = 0;
  if (cursor !== undefined) {
    const payload = openCursor<{ o?: unknown }>(purpose, cursor);
    const o = payload?.o;
    if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) throw invalid('cursor');
    from = o;
  }
  const next = from + limit;
  return { items: all.slice(from, next), ...(next < all.length ? { nextCursor: sealCursor(purpose, { o: next }) } : {}) };
}
