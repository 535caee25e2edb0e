import { beforeAll, describe, expect, it } from 'vitest';
import { resetCursorSecret } from '../../functions/store/env.ts';
import { CONSOLE_PATHS, consoleLambdaFor, type ConsoleLambda } from '../../functions/routes/console.ts';
import type { Principal } from '../../functions/domain/principal.ts';

/**
 * The console split by persona (issue 16 item 4; functions/routes/console.ts): every page each
 * console Lambda registers is sent to that Lambda — by API Gateway's resources (CONSOLE_PATHS,
 * the most specific resource winning over `/console/{proxy+}`) and by the local hub
 * (consoleLambdaFor) alike; and a person who opens another persona's page is refused as the one
 * console refused them (403 "You cannot do this"), or sent to sign in when signed out.
 */
type App = { fetch: (r: Request) => Response | Promise<Response>; routes: { method: string; path: string }[] };
let apps: Record<ConsoleLambda, App>;
let sealSession: (principal: Principal) => string;

beforeAll(async () => {
  process.env.CURSOR_SECRET = 'a-test-cursor-secret-of-at-least-32-characters';
  resetCursorSecret();
  const session = await import('../../functions/console/session.ts');
  session.resetSessionKey();
  sealSession = (principal) =>
    session.seal(session.SESSION_COOKIE, { sub: 'p1', principal, roles: [], sid: 'sid', exp: Math.floor(Date.now() / 1000) + 600 });
  apps = {
    console: (await import('../../functions/console/shell.tsx')).shellApp,
    'console-officer': (await import('../../functions/console/pages/officer.tsx')).officerApp,
    'console-provider': (await import('../../functions/console/pages/provider.tsx')).providerApp,
    'console-programme': (await import('../../functions/console/pages/programme.tsx')).programmeApp,
    'console-search': (await import('../../functions/console/pages/search.tsx')).searchApp,
  } as unknown as Record<ConsoleLambda, App>;
});

/** API Gateway's choice among the console's resources: a literal segment beats {proxy+}, the longer match the shorter. */
function gatewayLambdaFor(path: string): ConsoleLambda | undefined {
  const segments = path.split('/').filter(Boolean);
  let best: { name: ConsoleLambda; score: number } | undefined;
  for (const [name, resources] of Object.entries(CONSOLE_PATHS) as [ConsoleLambda, readonly string[]][]) {
    for (const resource of resources) {
      const parts = resource.split('/').filter(Boolean);
      const proxy = parts.at(-1) === '{proxy+}';
      const literal = proxy ? parts.slice(0, -1) : parts;
      const matches = literal.every((p, i) => segments[i] === p) && (proxy ? segments.length > literal.length : segments.length === literal.length);
      const score = literal.length * 2 + (proxy ? 0 : 1);
      if (matches && (!best || score > best.score)) best = { name, score };
    }
  }
  return best?.name;
}

/** A concrete path for a route's pattern. */
const concrete = (pattern: string) => pattern.replace(/:[A-Za-z]+/g, 'x-1');

describe('the console split by persona', () => {
  it("sends every page each console Lambda serves to that Lambda, on API Gateway and on the local hub", () => {
    const misrouted: string[] = [];
    let pages = 0;
    for (const [name, app] of Object.entries(apps) as [ConsoleLambda, App][]) {
      for (const r of app.routes) {
        if (!r.path.startsWith('/console') || r.path.includes('*') || r.method === 'ALL') continue;
        pages++;
        const path = concrete(r.path);
        const [gateway, local] = [gatewayLambdaFor(path), consoleLambdaFor(path)];
        if (gateway !== name || local !== name) misrouted.push(`${r.method} ${r.path}: served by ${name}, API Gateway → ${gateway}, local → ${local}`);
      }
    }
    expect(misrouted).toEqual([]);
    expect(pages).toBeGreaterThan(40);
  });

  it('sends any other /console path to the shell, which answers 404', async () => {
    for (const path of ['/console', '/console/', '/console/nothing-here', '/console/searching', '/console/sign-in', '/console/assets/x/y.css']) {
      expect([path, gatewayLambdaFor(path)]).toEqual([path, 'console']);
      expect([path, consoleLambdaFor(path)]).toEqual([path, 'console']);
    }
    const res = await apps.console.fetch(new Request('http://hub.test/console/nothing-here', { headers: { cookie: `hub_console=${sealSession({ kind: 'programme-office' })}` } }));
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Page not found');
  });

  it("refuses a person another persona's pages (403), as the one console did, and sends a signed-out person to sign in", async () => {
    const personas: [ConsoleLambda, string, Principal][] = [
      ['console-officer', '/console/referrals', { kind: 'authority', id: 'essex' }],
      ['console-search', '/console/search', { kind: 'authority', id: 'essex' }],
      ['console-provider', '/console/shared', { kind: 'provider', id: 'prov-1' }],
      ['console-programme', '/console/board', { kind: 'programme-office' }],
    ];
    for (const [name, path, own] of personas) {
      for (const [, , principal] of personas.filter(([, , other]) => other.kind !== own.kind)) {
        const res = await apps[name].fetch(new Request(`http://hub.test${path}`, { headers: { cookie: `hub_console=${sealSession(principal)}` } }));
        const html = await res.text();
        expect([name, principal.kind, res.status]).toEqual([name, principal.kind, 403]);
        expect(html).toContain('You cannot do this');
        expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      }
      const out = await apps[name].fetch(new Request(`http://hub.test${path}?a=1`));
      expect([name, out.status, out.headers.get('location')]).toEqual([name, 302, `/console/sign-in?returnTo=${encodeURIComponent(`${path}?a=1`)}`]);
    }
  });
});
