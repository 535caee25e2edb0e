import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { cursorSecret, loadCursorSecret } from '../store/env.ts';
import type { PersonRole, Principal } from '../domain/principal.ts';

/**
 * The console's session, kept in the browser as a sealed cookie: AES-256-GCM with a key derived
 * (HKDF) from the hub's cursor secret (../store/env.ts: Secrets Manager in AWS, a random value in
 * the data folder locally), so there is no second secret to provision and no session table to
 * sweep. Sealed, the cookie can be neither read nor altered by its holder; it carries its own
 * expiry, checked on every request. httpOnly and SameSite=Lax always, Secure in AWS (./config.ts).
 */

await loadCursorSecret(); // in Lambda, once at cold start (as ../store/cursor.ts does)

export interface Session {
  /** The person (the token's `sub`). */
  sub: string;
  email?: string;
  principal: Principal;
  roles: PersonRole[];
  /** A provider's name as the hub's directory has it (read once at sign-in); others are named from the principal. */
  organisation?: string;
  /** The CSRF secret bound to this session: every form carries a MAC of it (./csrf.ts). */
  sid: string;
  /** For the provider's end_session_endpoint (id_token_hint). */
  idToken?: string;
  /** Seconds since the epoch after which the session is over. */
  exp: number;
}

/** The state of a sign-in under way, between the redirect to the provider and its callback. */
export interface LoginState {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
  exp: number;
}

export const SESSION_COOKIE = 'hub_console';
export const LOGIN_COOKIE = 'hub_console_login';
/** A working day: a session is signed in again after it. */
export const SESSION_SECONDS = 8 * 3600;
export const LOGIN_SECONDS = 600;

let key: Buffer | undefined;
const sealingKey = (): Buffer =>
  (key ??= Buffer.from(hkdfSync('sha256', cursorSecret(), 'commission-east-hub', 'console-session-v1', 32)));

/** For tests and the local launcher after the secret changed. */
export function resetSessionKey(): void {
  key = undefined;
}

/** Sealed text: base64url(iv | tag | ciphertext); `purpose` is bound as associated data. */
export function seal(purpose: string, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(), iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The value sealed for `purpose`, or undefined for anything altered, foreign or expired. */
export function unseal<T extends { exp: number }>(purpose: string, text: string | undefined, now = Date.now()): T | undefined {
  if (!text || text.length > 8192) return undefined;
  try {
    const raw = Buffer.from(text, 'base64url');
    if (raw.length < 29) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(), raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(raw.subarray(12, 28));
    const value = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as T;
    return typeof value?.exp === 'number' && value.exp * 1000 > now ? value : undefined;
  } catch {
    return undefined;
  }
}

export const newSid = (): string => randomBytes(18).toString('base64url');

/** The token every form of this session carries: a MAC of the session's secret, so it is bound to it. */
export function csrfToken(session: Pick<Session, 'sid'>): string {
  return createHmac('sha256', sealingKey()).update(`csrf\n${session.sid}`).digest('base64url');
}

export function csrfTokenMatches(session: Pick<Session, 'sid'>, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const [a, b] = [Buffer.from(given), Buffer.from(csrfToken(session))];
  return a.length === b.length && timingSafeEqual(a, b);
}
