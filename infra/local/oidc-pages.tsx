import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { Field } from '../../functions/console/components.tsx';
import { documentHtml, SERVICE_NAME } from '../../functions/console/layout.tsx';
import { securityHeaders } from '../../functions/console/security.ts';

/**
 * The local OpenID provider's own pages — sign-in, sign-out, errors — in the console's one GOV.UK
 * document (functions/console/layout.tsx: the same header, footer and stylesheets) with the
 * console's form group. Server-rendered forms with no script at all: a page where a password is
 * typed runs nothing, and its Content-Security-Policy allows no inline script.
 */

/** The provider is mounted on the hub's own server: its pages' assets are the console's, at no prefix. */
const PREFIX = '';

/** The headers of every page here: the console's (its CSP fits the same document); forms post to this origin only. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = securityHeaders({ inlineScripts: [] });

export function page(title: string, main: Child, opts: { error?: boolean } = {}): string {
  return documentHtml({ title, prefix: PREFIX, hasErrors: Boolean(opts.error), scripts: false }, (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">{main}</div>
    </div>
  ));
}

/** The sign-in form; `failed` re-shows it with an error summary (a wrong email or password: never which). */
export function signInPage(action: string, opts: { email?: string; failed?: 'wrong' | 'missing-email' | 'missing-password' } = {}): string {
  const { email = '', failed } = opts;
  const message = failed === 'missing-email' ? 'Enter your email address'
    : failed === 'missing-password' ? 'Enter your password'
    : failed === 'wrong' ? 'Enter a correct email address and password' : undefined;
  const field = failed === 'missing-email' ? 'email' : 'password';
  const errorOf = (id: 'email' | 'password') => (message && field === id ? message : undefined);
  const described = (id: 'email' | 'password') => (errorOf(id) ? `${id}-error` : undefined);
  const inputClass = (id: 'email' | 'password', extra = '') => `govuk-input${extra}${errorOf(id) ? ' govuk-input--error' : ''}`;
  return page('Sign in', (
    <>
      {message ? (
        <div class="govuk-error-summary" data-module="govuk-error-summary">
          <div role="alert">
            <h2 class="govuk-error-summary__title">There is a problem</h2>
            <div class="govuk-error-summary__body">
              <ul class="govuk-list govuk-error-summary__list">
                <li><a href={`#${field}`}>{message}</a></li>
              </ul>
            </div>
          </div>
        </div>
      ) : null}
      <h1 class="govuk-heading-l">Sign in</h1>
      <form method="post" action={action} novalidate>
        <Field id="email" label="Email address" error={errorOf('email')}>
          <input class={inputClass('email')} id="email" name="email" type="email" spellcheck={false} autocomplete="email" value={email} aria-describedby={described('email')} />
        </Field>
        <Field id="password" label="Password" error={errorOf('password')}>
          <input class={inputClass('password', ' govuk-!-width-two-thirds')} id="password" name="password" type="password" autocomplete="current-password" aria-describedby={described('password')} />
        </Field>
        <button type="submit" class="govuk-button" data-module="govuk-button">Sign in</button>
      </form>
    </>
  ), { error: Boolean(message) });
}

/** Sign-out at the provider: the provider's own form (hidden fields, including its xsrf token) and one button. */
export function signOutPage(form: string): string {
  // oidc-provider's form names itself op.logoutForm; our button submits it with logout=yes
  return page('Sign out', (
    <>
      <h1 class="govuk-heading-l">Sign out</h1>
      <p class="govuk-body">Sign out of {SERVICE_NAME} on this device.</p>
      {raw(form)}
      <button type="submit" form="op.logoutForm" name="logout" value="yes" class="govuk-button" data-module="govuk-button">Sign out</button>
    </>
  ));
}

export function signedOutPage(): string {
  return page('You have signed out', (
    <>
      <h1 class="govuk-heading-l">You have signed out</h1>
      <p class="govuk-body"><a class="govuk-link" href={`${PREFIX}/console/`}>Sign in again</a></p>
    </>
  ));
}

export function errorPage(detail: string): string {
  return page('Sorry, there is a problem', (
    <>
      <h1 class="govuk-heading-l">Sorry, there is a problem</h1>
      <p class="govuk-body">{detail}</p>
      <p class="govuk-body"><a class="govuk-link" href={`${PREFIX}/console/`}>Start again</a></p>
    </>
  ));
}
