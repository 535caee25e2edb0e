import { beforeAll, describe, expect, it } from 'vitest';
import { resetCursorSecret } from '../../functions/store/env.ts';

/**
 * The console's session cookie and CSRF tokens (functions/console/session.ts): sealed with a key
 * derived from the hub's cursor secret, so a cookie cannot be read, altered, moved between
 * purposes or kept past its expiry; a form's token is bound to its session.
 */
let session: typeof import('../../functions/console/session.ts');
beforeAll(async () => {
  process.env.CURSOR_SECRET = 'a-test-cursor-secret-of-at-least-32-characters';
  resetCursorSecret();
  session = await import('../../functions/console/session.ts');
});

const exp = () => Math.floor(Date.now() / 1000) + 60;

describe('console session', () => {
  it('opens what it sealed, for the same purpose only', () => {
    const sealed = session.seal('hub_console', { sub: 'p1', exp: exp() });
    expect(session.unseal('hub_console', sealed)).toMatchObject({ sub: 'p1' });
    expect(session.unseal('hub_console_login', sealed)).toBeUndefined();
    expect(sealed).not.toContain('p1');
  });

  it('refuses a cookie altered in any byte, truncated, or made up', () => {
    const sealed = session.seal('hub_console', { sub: 'p1', exp: exp() });
    const raw = Buffer.from(sealed, 'base64url');
    for (const i of [0, 12, 20, 28, raw.length - 1]) {
      const bad = Buffer.from(raw);
      bad[i]! ^= 1;
      expect(session.unseal('hub_console', bad.toString('base64url')), `byte ${i}`).toBeUndefined();
    }
    expect(session.unseal('hub_console', sealed.slice(0, -4))).toBeUndefined();
    expect(session.unseal('hub_console', 'not-a-cookie')).toBeUndefined();
    expect(session.unseal('hub_console', undefined)).toBeUndefined();
  });

  it('refuses a session past its expiry', () => {
    const sealed = session.seal('hub_console', { sub: 'p1', exp: Math.floor(Date.now() / 1000) + 1 });
    expect(session.unseal('hub_console', sealed, Date.now() + 2000)).toBeUndefined();
  });

  it("binds a form's token to its session", () => {
    const a = { sid: session.newSid() };
    const b = { sid: session.newSid() };
    expect(session.csrfTokenMatches(a, session.csrfToken(a))).toBe(true);
    expect(session.csrfTokenMatches(a, session.csrfToken(b))).toBe(false);
    expect(session.csrfTokenMatches(a, undefined)).toBe(false);
    expect(session.csrfTokenMatches(a, [session.csrfToken(a)])).toBe(false);
  });
});

describe('console assets', () => {
  it('serves GOV.UK Frontend without the GDS Transport typeface (this is not a GOV.UK service)', async () => {
    const { asset, ASSET_VERSION, withoutGdsTransport } = await import('../../functions/console/assets.ts');
    expect(withoutGdsTransport('@font-face{font-family:GDS Transport;src:url(/x.woff2)}a{font-family:GDS Transport,arial,sans-serif}')).toBe('a{font-family:arial,sans-serif}');
    const css = asset(ASSET_VERSION, 'govuk-frontend.min.css')!;
    expect(css.type).toMatch(/^text\/css/);
    expect(css.body).toContain('govuk-generic-header');
    expect(css.body).not.toContain('GDS Transport');
    expect(asset('0.0.0', 'govuk-frontend.min.css')).toBeUndefined();
    expect(asset(ASSET_VERSION, '../../package.json')).toBeUndefined();
  });
});
