import { CONSOLE_CLIENT_ID } from '../domain/sign-in.ts';
import { inLambda } from '../store/env.ts';

/**
 * The console's configuration, read from the environment once:
 * - HUB_OIDC_ISSUER: the OpenID provider's issuer (locally the embedded provider `npm start` runs;
 *   in AWS the Cognito user pool's issuer);
 * - HUB_CONSOLE_CLIENT_ID / HUB_OIDC_CONSOLE_CLIENT_SECRET (or HUB_CONSOLE_CLIENT_SECRET): the
 *   console's client at that provider (a
 *   public client with PKCE when there is no secret);
 * - cookies are `Secure` in AWS (HTTPS only) and wherever HUB_CONSOLE_SECURE_COOKIES=1.
 */
export interface ConsoleConfig {
  issuer: string | undefined;
  clientId: string;
  clientSecret: string | undefined;
  secureCookies: boolean;
}

export function consoleConfig(): ConsoleConfig {
  return {
    issuer: process.env.HUB_OIDC_ISSUER || undefined,
    clientId: process.env.HUB_CONSOLE_CLIENT_ID || CONSOLE_CLIENT_ID,
    clientSecret: process.env.HUB_OIDC_CONSOLE_CLIENT_SECRET || process.env.HUB_CONSOLE_CLIENT_SECRET || undefined,
    secureCookies: inLambda() || process.env.HUB_CONSOLE_SECURE_COOKIES === '1',
  };
}
