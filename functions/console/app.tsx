import { Hono } from 'hono/tiny';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Child } from 'hono/jsx';
import { HubError, type FieldError } from '../domain/errors.ts';
import { byOf } from '../domain/principal.ts';
import { PROBLEM_STATUS, problemTitle } from '../http/problems.ts';
import { consoleConfig } from './config.ts';
import { formErrors, type FormErrors } from './forms.tsx';
import { inlineScripts, Page } from './layout.tsx';
import { navFor } from './nav.ts';
import { securityHeaders } from './security.ts';
import { csrfTokenMatches, SESSION_COOKIE, unseal, type Session } from './session.ts';
import type { Who } from './hub.ts';

/**
 * The console: server-rendered pages at /console/ (hono, hono/jsx, GOV.UK Frontend), served by
 * four Lambdas (../routes/console.ts): the shell (./shell.tsx: sign-in and sign-out, start pages,
 * assets) and one per persona (./pages/*.tsx). This file is what each of them is built from once
 * (`createConsole`): the session (a sealed cookie, ./session.ts), the security headers, CSRF
 * protection of every POST (the form's token bound to the session, and the Origin — or else the
 * Referer — must be this site), a session required outside the public pages, the page template
 * with the signed-in person's navigation (./nav.ts), and errors as pages. It holds no OpenID
 * client: the persona Lambdas only open the sealed session cookie.
 */

export interface ConsoleEnv {
  Variables: { session: Session | undefined; prefix: string; requestId: string };
}
export type Ctx = Context<ConsoleEnv>;

/** A group of pages: `first` before the CSRF and session checks (public assets), `register` after them. */
export interface Journeys {
  first?(app: Hono<ConsoleEnv>): void;
  register(app: Hono<ConsoleEnv>): void;
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
export function originOf(c: Ctx): string {
  const url = new URL(c.req.url);
  const proto = c.req.header('x-forwarded-proto') ?? url.protocol.replace(':', '');
  return `${proto}://${c.req.header('host') ?? url.host}`;
}

export const cookieOptions = (maxAge: number) => ({ httpOnly: true, sameSite: 'Lax' as const, secure: consoleConfig().secureCookies, path: '/', maxAge });

/** The acting person as the hub's code takes them. */
export function whoOf(c: Ctx): Who {
  const s = c.get('session')!;
  return { principal: s.principal, by: byOf(s.principal, s.sub), person: s.sub, roles: s.roles, requestId: c.get('requestId') };
}

/** Renders a page in the shared template. */
export function page(c: Ctx, title: string, body: Child, opts: { status?: number; hasErrors?: boolean } = {}) {
  const session = c.get('session');
  const nav = session ? navFor(session) : [];
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

  for (const g of groups) g.first?.(app);

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
