import { CONSOLE_CLIENT_ID } from '../domain/sign-in.ts';
import { inLambda } from '../store/env.ts';

/**
 * The console's configuration, read from the environment once:
 * - HUB_OIDC_ISSUER: the OpenID provider's issuer (locally the embedded provider `npm start` runs;
 *   in AWS the Cognito user pool's issuer);
 * - HUB_CONSOLE_CLIENT_ID / HUB_OIDC_CONSOLE_CLIENT_SECRET (or HUB_CONSOLE_CLIENT_SECRET): the
 *   console's client at that provider (a
 *   public client with PKCE when there is no secret);
 * - HUB_OIDC_SIGN_IN_ORIGIN: where that provider's sign-in and sign-out pages are, when not at the
 *   issuer's origin (Cognito's domain): the console's forms may lead there (sign-out), so its
 *   Content-Security-Policy's form-action names it;
 * - cookies are `Secure` in AWS (HTTPS only) and wherever HUB_CONSOLE_SECURE_COOKIES=1.
 */
export interface ConsoleConfig {
  issuer: string | undefined;
  clientId: string;
  clientSecret: string | undefined;
  secureCookies: boolean;
  /** The OpenID provider's origins a console form may post or be redirected to (the issuer's, its sign-in domain's). */
  providerOrigins: string[];
}

const originOf = (url: string | undefined): string[] => {
  try {
    return url ? [new URL(url).origin] : [];
  } catch {
    return [];
  }
};

export function consoleConfig(): ConsoleConfig {
  return {
    issuer: process.env.HUB_OIDC_ISSUER || undefined,
    clientId: process.env.HUB_CONSOLE_CLIENT_ID || CONSOLE_CLIENT_ID,
    clientSecret: process.env.HUB_OIDC_CONSOLE_CLIENT_SECRET || process.env.HUB_CONSOLE_CLIENT_SECRET || undefined,
    secureCookies: inLambda() || process.env.HUB_CONSOLE_SECURE_COOKIES === '1',
    providerOrigins: [...new Set([...originOf(process.env.HUB_OIDC_ISSUER), ...originOf(process.env.HUB_OIDC_SIGN_IN_ORIGIN)])],
  };
}
