/**
 * The local OpenID provider's own pages — sign-in, sign-out, errors — as GOV.UK Design System
 * pages (govuk-frontend 6.6.0 classes; the console serves its stylesheet at /console/assets/).
 * Server-rendered forms: every page works without JavaScript.
 */

export const SERVICE = 'Commission East hub';
/** Where the console serves govuk-frontend's compiled stylesheet (dist/govuk/). */
export const STYLESHEET = '/console/assets/govuk-frontend.min.css';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export function page(title: string, main: string, opts: { error?: boolean } = {}): string {
  return `<!DOCTYPE html>
<html lang="en" class="govuk-template govuk-template--rebranded">
<head>
  <meta charset="utf-8">
  <title>${opts.error ? 'Error: ' : ''}${esc(title)} – ${SERVICE}</title>
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <meta name="robots" content="noindex, nofollow">
  <link rel="stylesheet" href="${STYLESHEET}">
</head>
<body class="govuk-template__body">
  <a href="#main-content" class="govuk-skip-link">Skip to main content</a>
  <header class="govuk-generic-header" role="banner">
    <div class="govuk-generic-header__container govuk-width-container">
      <div class="govuk-generic-header__logo">
        <a href="/console/" class="govuk-generic-header__homepage-link">${SERVICE}</a>
      </div>
    </div>
  </header>
  <div class="govuk-width-container">
    <main class="govuk-main-wrapper" id="main-content">
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
${main}
        </div>
      </div>
    </main>
  </div>
  <footer class="govuk-footer">
    <div class="govuk-width-container">
      <div class="govuk-footer__meta">
        <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
          <p class="govuk-body-s">The Eastern Region's placement hub for children in care.</p>
        </div>
      </div>
    </div>
  </footer>
</body>
</html>
`;
}

/** The sign-in form; `failed` re-shows it with an error summary (a wrong email or password: never which). */
export function signInPage(action: string, opts: { email?: string; failed?: 'wrong' | 'missing-email' | 'missing-password' } = {}): string {
  const { email = '', failed } = opts;
  const message = failed === 'missing-email' ? 'Enter your email address'
    : failed === 'missing-password' ? 'Enter your password'
    : failed === 'wrong' ? 'Enter a correct email address and password' : undefined;
  const field = failed === 'missing-email' ? 'email' : 'password';
  const summary = message ? `
          <div class="govuk-error-summary" data-module="govuk-error-summary">
            <div role="alert">
              <h2 class="govuk-error-summary__title">There is a problem</h2>
              <div class="govuk-error-summary__body">
                <ul class="govuk-list govuk-error-summary__list">
                  <li><a href="#${field}">${message}</a></li>
                </ul>
              </div>
            </div>
          </div>` : '';
  const group = (id: 'email' | 'password', label: string, input: string) => {
    const err = message && field === id;
    return `
            <div class="govuk-form-group${err ? ' govuk-form-group--error' : ''}">
              <label class="govuk-label" for="${id}">${label}</label>${err ? `
              <p id="${id}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${message}</p>` : ''}
              ${input.replace('class="govuk-input', `${err ? `aria-describedby="${id}-error" ` : ''}class="govuk-input${err ? ' govuk-input--error' : ''}`)}
            </div>`;
  };
  return page('Sign in', `${summary}
          <h1 class="govuk-heading-l">Sign in</h1>
          <form method="post" action="${esc(action)}" novalidate>${group('email', 'Email address', `<input class="govuk-input" id="email" name="email" type="email" spellcheck="false" autocomplete="email" value="${esc(email)}">`)}${group('password', 'Password', '<input class="govuk-input govuk-!-width-two-thirds" id="password" name="password" type="password" autocomplete="current-password">')}
            <button type="submit" class="govuk-button" data-module="govuk-button">Sign in</button>
          </form>`, { error: Boolean(message) });
}

/** Sign-out at the provider: the provider's own form (hidden fields, including its xsrf token) and one button. */
export function signOutPage(form: string): string {
  // oidc-provider's form names itself op.logoutForm; our button submits it with logout=yes
  return page('Sign out', `
          <h1 class="govuk-heading-l">Sign out</h1>
          <p class="govuk-body">Sign out of ${SERVICE} on this device.</p>
          ${form}
          <button type="submit" form="op.logoutForm" name="logout" value="yes" class="govuk-button" data-module="govuk-button">Sign out</button>`);
}

export function signedOutPage(): string {
  return page('You have signed out', `
          <h1 class="govuk-heading-l">You have signed out</h1>
          <p class="govuk-body"><a class="govuk-link" href="/console/">Sign in again</a></p>`);
}

export function errorPage(detail: string): string {
  return page('Sorry, there is a problem', `
          <h1 class="govuk-heading-l">Sorry, there is a problem</h1>
          <p class="govuk-body">${esc(detail)}</p>
          <p class="govuk-body"><a class="govuk-link" href="/console/">Start again</a></p>`);
}
