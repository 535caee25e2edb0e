import type { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { asset, ASSET_VERSION } from './assets.ts';
import { cookieOptions, createConsole, href, originOf, page, type ConsoleEnv, type Journeys } from './app.tsx';
import { reminderBanner } from './banner.tsx';
import { StartPage } from './components.tsx';
import { navFor } from './nav.ts';
import { beginSignIn, endSessionUrl, finishSignIn } from './oidc.ts';
import { LOGIN_COOKIE, LOGIN_SECONDS, SESSION_COOKIE, SESSION_SECONDS, seal, unseal, type LoginState } from './session.ts';

/**
 * The console's shell, its own Lambda (`console` in ../routes/console.ts, every /console path no
 * persona's Lambda is sent): the GOV.UK and MoJ assets, sign-in and sign-out through the OpenID
 * provider (./oidc.ts: the one console Lambda with an OpenID client), each persona's start page
 * (with the reminder banner for authorities and providers), the accessibility statement, and the
 * 404 page for any other path. The persona's pages are in ./pages/, each in its own Lambda.
 */
export const shellPages: Journeys = {
  // assets are public (the OpenID provider's sign-in page uses the stylesheet too) and never start a sign-in
  first(app: Hono<ConsoleEnv>) {
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
  },

  register(app: Hono<ConsoleEnv>) {
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

    // the start page: the person's journeys, below the reminders their organisation has been sent
    // (authorities and providers; the programme office is sent none)
    app.get('/console/', async (c) => {
      const s = c.get('session')!;
      const links = <StartPage links={navFor(s).map((l) => ({ href: href(c, l.href), text: l.text }))} />;
      if (s.principal.kind === 'programme-office') return page(c, 'Home', links);
      return page(c, 'Home', (
        <>
          {await reminderBanner(c)}
          {links}
        </>
      ));
    });
  },
};

/** The shell's app (functions/handlers/console.ts; the local hub's /console paths no persona's Lambda serves). */
export const shellApp = createConsole([shellPages]);

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
