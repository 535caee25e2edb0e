import { createHash } from 'node:crypto';

/**
 * The security headers of every console page and of the sign-in pages (issue 14): a
 * Content-Security-Policy that lets a page load scripts, styles and images from this site only —
 * its two inline scripts (GOV.UK Frontend's `js-enabled` snippet and the module that starts the
 * components) allowed by their SHA-256 hashes, no `unsafe-inline` — post forms only to this site
 * and to the OpenID provider, be framed by nobody and set no <base>; no MIME sniffing; the referrer
 * sent to this site only (the CSRF check reads Origin, and Referer as a fallback, both same-site);
 * and, where a page may show personal data, no caching anywhere.
 */

/** `'sha256-…'`: a CSP source allowing exactly this inline script text. */
export const scriptHash = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export interface PolicyOptions {
  /** The inline scripts the page carries, exactly as written between <script> and </script>. */
  inlineScripts: readonly string[];
  /** Origins besides this site's that the page's forms may post to or be redirected to (the OpenID provider's). */
  formOrigins?: readonly string[];
}

export function contentSecurityPolicy({ inlineScripts, formOrigins = [] }: PolicyOptions): string {
  const scripts = [...new Set(inlineScripts.map(scriptHash))];
  return [
    "default-src 'self'",
    `script-src 'self'${scripts.length ? ` ${scripts.join(' ')}` : ''}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    `form-action 'self'${formOrigins.length ? ` ${[...new Set(formOrigins)].join(' ')}` : ''}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Every header a page gets: the policy, nosniff, same-origin referrers, no framing, and no-store. */
export function securityHeaders(opts: PolicyOptions): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(opts),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
  };
}
