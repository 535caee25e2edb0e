import type { Child, FC } from 'hono/jsx';
import { raw } from 'hono/html';
import { AUTHORITIES } from '../domain/reference/authorities.ts';
import type { Principal } from '../domain/principal.ts';
import { assetPath } from './assets.ts';
import type { Session } from './session.ts';
import { Csrf } from './forms.tsx';

/**
 * The one page template (the console's pages, and the local OpenID provider's sign-in pages through
 * `documentHtml`): GOV.UK Frontend's generic header (no crown: this is not a GOV.UK
 * service), service navigation for the signed-in person's journeys, the organisation they act
 * for on every page, a skip link, the main column, and a footer with the accessibility statement.
 * Scripts are progressive: every journey works without them.
 */

export const SERVICE_NAME = 'Commission East hub';

/** The organisation a principal is, as people call it ("Programme office" for the programme office). */
export function organisationName(p: Principal, providerName?: string): string {
  if (p.kind === 'programme-office') return 'Programme office';
  if (p.kind === 'authority') return AUTHORITIES.find((a) => a.id === p.id)?.name ?? p.id;
  return providerName ?? p.id;
}

/** GOV.UK Frontend's snippet that marks the body before anything paints, so components style for JavaScript. */
const JS_ENABLED = `document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');`;
const initComponents = (prefix: string) =>
  `import * as govuk from '${prefix + assetPath('govuk-frontend.min.js')}'; import * as moj from '${prefix + assetPath('moj-frontend.min.js')}'; govuk.initAll(); moj.initAll();`;

/** The inline scripts every page carries, exactly as written: the Content-Security-Policy allows these by hash and no other. */
export const inlineScripts = (prefix: string): string[] => [JS_ENABLED, initComponents(prefix)];

export interface DocumentProps {
  title: string;
  prefix: string;
  hasErrors?: boolean | undefined;
  /** Between the header and the page's column (the service navigation). */
  nav?: Child;
  /** In the page's column, above <main>. */
  beforeMain?: Child;
  /** Progressive enhancement (GOV.UK Frontend's and MoJ's scripts); false for a page that carries no script at all (the sign-in pages, where a password is typed). */
  scripts?: boolean;
  children?: Child;
}

/** The GOV.UK document: head, skip link, generic header (no crown), the column with <main>, the footer and the scripts. */
export const Document: FC<DocumentProps> = ({ title, prefix, hasErrors, nav, beforeMain, scripts = true, children }) => {
  const [jsEnabled, init] = inlineScripts(prefix);
  return (
    <html lang="en" class="govuk-template govuk-template--rebranded">
      <head>
        <meta charset="utf-8" />
        <title>{`${hasErrors ? 'Error: ' : ''}${title} – ${SERVICE_NAME}`}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="theme-color" content="#1d70b8" />
        <link rel="stylesheet" href={prefix + assetPath('govuk-frontend.min.css')} />
        <link rel="stylesheet" href={prefix + assetPath('moj-frontend.min.css')} />
        <link rel="stylesheet" href={prefix + assetPath('console.css')} />
      </head>
      <body class="govuk-template__body">
        {scripts ? raw(`<script>${jsEnabled}</script>`) : null}
        <a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">Skip to main content</a>
        <header class="govuk-generic-header" role="banner">
          <div class="govuk-generic-header__container govuk-width-container">
            <div class="govuk-generic-header__logo">
              <a href={`${prefix}/console/`} class="govuk-generic-header__homepage-link">{SERVICE_NAME}</a>
            </div>
          </div>
        </header>
        {nav}
        <div class="govuk-width-container">
          {beforeMain}
          <main class="govuk-main-wrapper" id="main-content">
            {children}
          </main>
        </div>
        <footer class="govuk-footer">
          <div class="govuk-width-container">
            <div class="govuk-footer__meta">
              <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
                <h2 class="govuk-visually-hidden">Support links</h2>
                <ul class="govuk-footer__inline-list">
                  <li class="govuk-footer__inline-list-item">
                    <a class="govuk-footer__link" href={`${prefix}/console/accessibility`}>Accessibility statement</a>
                  </li>
                </ul>
                <p class="govuk-body-s">{SERVICE_NAME}: the Eastern Region's shared placement service. Contains public sector information licensed under the Open Government Licence v3.0.</p>
              </div>
            </div>
          </div>
        </footer>
        {scripts ? raw(`<script type="module">${init}</script>`) : null}
      </body>
    </html>
  );
};

/** A whole HTML document around `body` (markup already made: the OpenID provider's pages pass it with hono/html's `raw`). */
export const documentHtml = (props: Omit<DocumentProps, 'children'>, body: Child): string => '<!DOCTYPE html>' + String(<Document {...props}>{body}</Document>);

export interface NavItem {
  href: string;
  text: string;
}

export interface PageProps {
  title: string;
  /** The public path prefix in front of /console (an API Gateway stage, say); '' locally. */
  prefix: string;
  session?: Session | undefined;
  nav?: readonly NavItem[];
  /** The path of the current page, to mark its navigation item. */
  current?: string;
  /** True when the page shows a form's errors: the title says so (GOV.UK pattern). */
  hasErrors?: boolean;
  children?: Child;
}

export const Page: FC<PageProps> = ({ title, prefix, session, nav = [], current, hasErrors, children }) => (
  <Document
    title={title} prefix={prefix} hasErrors={hasErrors}
    nav={session ? (
        <section aria-label="Service information" class="govuk-service-navigation" data-module="govuk-service-navigation">
          <div class="govuk-width-container">
            <div class="govuk-service-navigation__container">
              <span class="govuk-service-navigation__service-name">
                <span class="govuk-service-navigation__text">{organisationName(session.principal, session.organisation)}</span>
              </span>
              <nav aria-label="Menu" class="govuk-service-navigation__wrapper">
                <ul class="govuk-service-navigation__list" id="navigation">
                  {nav.map((item) => {
                    const active = current === item.href;
                    return (
                      <li class={`govuk-service-navigation__item${active ? ' govuk-service-navigation__item--active' : ''}`}>
                        <a class="govuk-service-navigation__link" href={prefix + item.href} aria-current={active ? 'page' : undefined}>
                          {active ? <strong class="govuk-service-navigation__active-fallback">{item.text}</strong> : item.text}
                        </a>
                      </li>
                    );
                  })}
                </ul>
              </nav>
            </div>
          </div>
        </section>
      ) : null}
    beforeMain={session ? (
          <div class="govuk-grid-row govuk-!-margin-top-3" id="signed-in">
            <p class="govuk-body-s govuk-grid-column-two-thirds">
              Signed in as <strong>{session.email ?? session.sub}</strong> for <strong data-testid="organisation">{organisationName(session.principal, session.organisation)}</strong>
              {session.roles.length > 0 ? ` (${session.roles.join(', ')})` : ''}
            </p>
            <form method="post" action={`${prefix}/console/sign-out`} class="govuk-grid-column-one-third govuk-!-text-align-right">
              <Csrf session={session} />
              <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">Sign out</button>
            </form>
          </div>
        ) : null}
  >
    {children}
  </Document>
);
