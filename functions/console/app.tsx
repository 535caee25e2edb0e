import { Hono } from 'hono/tiny';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Child } from 'hono/jsx';
import { HubError, type FieldError } from '../domain/errors.ts';
import { byOf } from '../domain/principal.ts';
import { PROBLEM_STATUS, problemTitle } from '../http/problems.ts';
import { asset, ASSET_VERSION } from './assets.ts';
import { consoleConfig } from './config.ts';
import { formErrors, type FormErrors } from './forms.tsx';
import { inlineScripts, Page, type NavItem } from './layout.tsx';
import { securityHeaders } from './security.ts';
import { beginSignIn, endSessionUrl, finishSignIn } from './oidc.ts';
import { csrfTokenMatches, LOGIN_COOKIE, LOGIN_SECONDS, SESSION_COOKIE, SESSION_SECONDS, seal, unseal, type LoginState, type Session } from './session.ts';
import type { Who } from './hub.ts';

/**
 * The console: server-rendered pages at /console/ (hono, hono/jsx, GOV.UK Frontend). This file
 * is the shell every journey shares: the session (a sealed cookie, ./session.ts), sign-in and
 * sign-out through the OpenID provider (./oidc.ts), CSRF protection of every POST (the form's
 * token bound to the session, and the Origin — or else the Referer — must be this site), the
 * page template, and errors as pages. Journeys register their pages with `consolePages`.
 */

export interface ConsoleEnv {
  Variables: { session: Session | undefined; prefix: string; requestId: string };
}
export type Ctx = Context<ConsoleEnv>;

/** A group of journeys: its pages (registered on the app) and its navigation for the principals it serves. */
export interface Journeys {
  register(app: Hono<ConsoleEnv>): void;
  nav(session: Session): NavItem[];
}

const PUBLIC = new Set(['/console/sign-in', '/console/auth/callback', '/console/accessibility', '/console/signed-out']);
const STAGE_PREFIX = /^(\/[A-Za-z0-9._-]+)*$/;

/** The path prefix in front of /console in the browser's URL: an API Gateway stage in AWS, '' locally. */
function prefixOf(c: Ctx): string {
  const event = (c.env as { event?: { path?: string; requestContext?: { path?: string } } } | undefined)?.event;
  const outer = event?.requestContext?.path;
  const inner = event?.path;
  if (!outer || !inner || !outer.endsWith(inner)) return '';
  const prefix = outer.slice(0, outer.length - inner.length);
  return STAGE_PREFIX.test(prefix) ? prefix : '';
}

/** This site's origin as the browser sees it. */
function originOf(c: Ctx): string {
  const url = new URL(c.req.url);
  const proto = c.req.header('x-forwarded-proto') ?? url.protocol.replace(':', '');
  return `${proto}://${c.req.header('host') ?? url.host}`;
}

const cookieOptions = (maxAge: number) => ({ httpOnly: true, sameSite: 'Lax' as const, secure: consoleConfig().secureCookies, path: '/', maxAge });

/** The acting person as the hub's code takes them. */
export function whoOf(c: Ctx): Who {
  const s = c.get('session')!;
  return { principal: s.principal, by: byOf(s.principal, s.sub), person: s.sub, roles: s.roles, requestId: c.get('requestId') };
}

let journeys: Journeys[] = [];

/** Renders a page in the shared template. */
export function page(c: Ctx, title: string, body: Child, opts: { status?: number; hasErrors?: boolean } = {}) {
  const session = c.get('session');
  const nav = session ? journeys.flatMap((j) => j.nav(session)) : [];
  const html = '<!DOCTYPE html>' + String(
    <Page title={title} prefix={c.get('prefix')} session={session} nav={nav} current={c.req.path} hasErrors={opts.hasErrors}>
      {body}
    </Page>,
  );
  return c.html(html, (opts.status ?? 200) as 200);
}

/** A path under the console as the browser must request it. */
export const href = (c: Ctx, path: string): string => c.get('prefix') + path;

/** Redirect after a successful POST (303: the browser GETs the next page). */
export const seeOther = (c: Ctx, path: string) => c.redirect(href(c, path), 303);

/** The form's fields: single values as strings, repeated ones (checkboxes) as arrays. */
export async function formOf(c: Ctx): Promise<Record<string, string | string[]>> {
  const body = await c.req.parseBody({ all: true });
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'csrf') continue;
    out[k] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return out;
}

/**
 * The hub's refusal of a form as errors to show beside the fields: a 400 or 422 from the same
 * schemas and rules the API applies. Anything else propagates (404, 403, 409 become pages).
 */
export function refusal(e: unknown): { errors: FormErrors; detail?: string } | undefined {
  if (!(e instanceof HubError)) return undefined;
  const status = PROBLEM_STATUS[e.code];
  if (status !== 400 && status !== 422 && status !== 409) return undefined;
  const errors: FieldError[] = e.errors ?? [];
  return { errors: formErrors(errors), ...(e.detail ? { detail: e.detail } : {}) };
}

const ErrorPage = ({ status, detail }: { status: number; detail?: string | undefined }) => (
  <>
    <h1 class="govuk-heading-l">{status === 404 ? 'Page not found' : status === 403 ? 'You cannot do this' : problemTitle(status)}</h1>
    <p class="govuk-body">{detail ?? (status === 404 ? 'There is nothing here that you may see. Check the address, or go back to the start.' : 'The hub refused this.')}</p>
  </>
);

export function createConsole(groups: Journeys[]): Hono<ConsoleEnv> {
  journeys = groups;
  const app = new Hono<ConsoleEnv>();

  app.use('*', async (c, next) => {
    c.set('prefix', prefixOf(c));
    c.set('requestId', crypto.randomUUID());
    c.set('session', unseal<Session>(SESSION_COOKIE, getCookie(c, SESSION_COOKIE)));
    await next();
    c.header('x-request-id', c.get('requestId'));
    // every response: CSP (inline scripts by hash; forms to this site and the OpenID provider), nosniff,
    // same-origin referrers, no framing; no-store unless the response says how it may be cached (assets)
    const headers = securityHeaders({ inlineScripts: inlineScripts(c.get('prefix')), formOrigins: consoleConfig().providerOrigins });
    for (const [k, v] of Object.entries(headers)) if (k !== 'cache-control' || !c.res.headers.has(k)) c.header(k, v);
  });

  // assets are public (the OpenID provider's sign-in page uses the stylesheet too) and never start a sign-in
  app.get('/console/assets/:version/:name', (c) => {
    const a = asset(c.req.param('version'), c.req.param('name'));
    if (!a) return c.text('Not found', 404);
    return c.body(a.body, 200, { 'content-type': a.type, 'cache-control': 'public, max-age=31536000, immutable' });
  });
  // unversioned, for pages outside the console (the local provider's): cached for an hour only
  app.get('/console/assets/:name', (c) => {
    const a = asset(ASSET_VERSION, c.req.param('name'));
    if (!a) return c.text('Not found', 404);
    return c.body(a.body, 200, { 'content-type': a.type, 'cache-control': 'public, max-age=3600' });
  });
  app.get('/console/assets/*', (c) => c.text('Not found', 404));

  // CSRF: every POST comes from this site (Origin, or else Referer) and carries the session's token
  app.use('*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const origin = c.req.header('origin') ?? (c.req.header('referer') ? new URL(c.req.header('referer')!).origin : undefined);
      const session = c.get('session');
      const refuse = () => page(c, 'You cannot do this', <ErrorPage status={403} detail="This form did not come from the console, or your session changed. Go back, reload the page and try again." />, { status: 403 });
      if (!origin || origin !== originOf(c) || c.req.header('sec-fetch-site') === 'cross-site') return refuse();
      const type = c.req.header('content-type') ?? '';
      if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return refuse();
      const token = (await c.req.parseBody()).csrf;
      if (!session || !csrfTokenMatches(session, token)) return refuse();
    }
    await next();
  });

  // everything but sign-in, the callback, the accessibility statement and assets needs a session
  app.use('/console/*', async (c, next) => {
    if (!c.get('session') && !PUBLIC.has(c.req.path)) {
      const returnTo = c.req.method === 'GET' ? c.req.path + (new URL(c.req.url).search || '') : '/console/';
      return c.redirect(href(c, `/console/sign-in?returnTo=${encodeURIComponent(returnTo)}`), 302);
    }
    await next();
  });

  // hono/tiny's router is not strict: '/console' also matches '/console/', which must not redirect to itself
  app.get('/console', async (c, next) => (c.req.path === '/console' ? c.redirect(href(c, '/console/'), 301) : next()));

  app.get('/console/sign-in', async (c) => {
    const asked = c.req.query('returnTo') ?? '/console/';
    const returnTo = asked.startsWith('/console/') && !asked.startsWith('//') ? asked : '/console/';
    const { url, login } = await beginSignIn(`${originOf(c)}${href(c, '/console/auth/callback')}`, returnTo);
    setCookie(c, LOGIN_COOKIE, seal(LOGIN_COOKIE, login), cookieOptions(LOGIN_SECONDS));
    return c.redirect(url.href, 302);
  });

  app.get('/console/auth/callback', async (c) => {
    const login = unseal<LoginState>(LOGIN_COOKIE, getCookie(c, LOGIN_COOKIE));
    if (!login) return c.redirect(href(c, '/console/sign-in'), 302); // expired or foreign: start again
    deleteCookie(c, LOGIN_COOKIE, { path: '/' });
    const url = new URL(c.req.url);
    const current = new URL(`${originOf(c)}${href(c, url.pathname)}${url.search}`);
    const session = await finishSignIn(current, login);
    setCookie(c, SESSION_COOKIE, seal(SESSION_COOKIE, session), cookieOptions(SESSION_SECONDS));
    return c.redirect(href(c, login.returnTo), 303);
  });

  app.post('/console/sign-out', async (c) => {
    const session = c.get('session');
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    const end = await endSessionUrl(session, `${originOf(c)}${href(c, '/console/signed-out')}`).catch(() => undefined);
    return c.redirect(end?.href ?? href(c, '/console/signed-out'), 303);
  });

  app.get('/console/signed-out', (c) =>
    page(c, 'You have signed out', (
      <>
        <h1 class="govuk-heading-l">You have signed out</h1>
        <p class="govuk-body">You have signed out of the console and of your account.</p>
        <p class="govuk-body"><a class="govuk-link" href={href(c, '/console/')}>Sign in again</a></p>
      </>
    )),
  );

  app.get('/console/accessibility', (c) => page(c, 'Accessibility statement', <AccessibilityStatement />));

  for (const j of groups) j.register(app);

  app.notFound((c) => page(c, 'Page not found', <ErrorPage status={404} />, { status: 404 }));
  app.onError((e, c) => {
    if (e instanceof HubError) {
      const status = PROBLEM_STATUS[e.code];
      return page(c, problemTitle(status), <ErrorPage status={status} detail={e.detail} />, { status });
    }
    console.error(JSON.stringify({ level: 'ERROR', message: 'console error', requestId: c.get('requestId'), error: String((e as Error)?.stack ?? e), cause: String(((e as Error)?.cause as Error | undefined)?.message ?? '') }));
    return page(c, 'Sorry, there is a problem', <ErrorPage status={500} detail={`Something went wrong on our side. Quote ${c.get('requestId')} if you contact the programme office.`} />, { status: 500 });
  });
  return app;
}

const AccessibilityStatement = () => (
  <div class="govuk-grid-row">
    <div class="govuk-grid-column-two-thirds">
      <h1 class="govuk-heading-l">Accessibility statement for the Commission East hub console</h1>
      <p class="govuk-body">This statement applies to the console of the Commission East hub, run by the Eastern Region's regional programme office for the eleven local authorities and the providers who use it.</p>
      <p class="govuk-body">We want as many people as possible to be able to use it. You should be able to change colours, contrast levels and fonts; zoom in up to 400% without the text spilling off the screen; navigate the whole console using just a keyboard; use it without JavaScript; and use it with a screen reader.</p>
      <h2 class="govuk-heading-m">How accessible the console is</h2>
      <p class="govuk-body">The console is built with the GOV.UK Design System and is tested on every change: each journey is completed in a real browser with JavaScript turned off and with the keyboard alone, and every page is checked with axe-core against WCAG 2.2 AA.</p>
      <h2 class="govuk-heading-m">Compliance status</h2>
      <p class="govuk-body">This console is fully compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, as far as automated and keyboard testing shows. It has not yet been audited by people who use assistive technology.</p>
      <h2 class="govuk-heading-m">Feedback and contact information</h2>
      <p class="govuk-body">If you find a problem, or need information in a different format, contact the regional programme office. We will reply within 5 working days.</p>
      <h2 class="govuk-heading-m">Enforcement procedure</h2>
      <p class="govuk-body">The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS).</p>
      <h2 class="govuk-heading-m">Preparation of this statement</h2>
      <p class="govuk-body">This statement was prepared in December 2026. It is reviewed with each release.</p>
    </div>
  </div>
);
