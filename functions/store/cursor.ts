import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../domain/errors.ts';

/**
 * Opaque, tamper-proof list cursors: base64url(JSON payload) + "." + base64url(HMAC-SHA256),
 * keyed by CURSOR_SECRET (set per deployment; a fixed default serves the local hub). A cursor
 * is bound to a purpose (the list it pages), so one list's cursor is refused by another.
 * Anything altered, truncated or made up is a 400 naming the `cursor` field.
 */

const LOCAL_DEFAULT_SECRET = 'commission-east-local-cursor-secret-not-for-production';

function secret(): string {
  return process.env.CURSOR_SECRET || LOCAL_DEFAULT_SECRET;
}

function mac(purpose: string, body: string): Buffer {
  return createHmac('sha256', secret()).update(`${purpose}\n${body}`).digest();
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
