import { CONSOLE_CLIENT_ID } from '../domain/sign-in.ts';
import { inLambda, required, signedHeaders } from '../store/env.ts';

/**
 * The console's configuration, read from the environment once:
 * - HUB_OIDC_ISSUER: the OpenID provider's issuer (locally the embedded provider `npm start` runs;
 *   in AWS the Cognito user pool's issuer);
 * - HUB_CONSOLE_CLIENT_ID: the console's client at that provider;
 * - its client secret: in Lambda, read once at cold start from Cognito itself
 *   (loadConsoleClientSecret: DescribeUserPoolClient on HUB_COGNITO_USER_POOL_ID, the one action
 *   the console's role may take there), never from an environment variable or the template;
 *   elsewhere HUB_OIDC_CONSOLE_CLIENT_SECRET (or HUB_CONSOLE_CLIENT_SECRET), the local provider's;
 *   without one the console is a public client with PKCE;
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

let cognitoSecret: string | undefined;
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
    clientSecret: inLambda() ? cognitoSecret : process.env.HUB_OIDC_CONSOLE_CLIENT_SECRET || process.env.HUB_CONSOLE_CLIENT_SECRET || undefined,
    secureCookies: inLambda() || process.env.HUB_CONSOLE_SECURE_COOKIES === '1',
    providerOrigins: [...new Set([...originOf(process.env.HUB_OIDC_ISSUER), ...originOf(process.env.HUB_OIDC_SIGN_IN_ORIGIN)])],
  };
}

/**
 * In Lambda, the console client's secret, read once from Cognito (the console's Lambda awaits this
 * at cold start; a failure fails the init, which Lambda retries on the next request); elsewhere
 * nothing to do.
 */
export async function loadConsoleClientSecret(): Promise<void> {
  if (!inLambda() || cognitoSecret) return;
  cognitoSecret = await describeClientSecret(required('HUB_COGNITO_USER_POOL_ID', /^[\w-]+_[0-9a-zA-Z]+$/), required('HUB_CONSOLE_CLIENT_ID', /^[\w+-]+$/));
}

/**
 * Cognito's DescribeUserPoolClient (its JSON protocol, SigV4-signed with the execution role's
 * credentials as ../store/env.ts signs Secrets Manager calls, sent with fetch: no SDK client for
 * one call): the client's secret, the one Cognito generated and keeps. Cognito is the only copy,
 * so nothing is to be kept in step when the secret is rotated there.
 * AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER points it elsewhere, as it does the SDK.
 */
export async function describeClientSecret(userPoolId: string, clientId: string): Promise<string> {
  const region = required('AWS_REGION');
  const url = new URL(process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER ?? `https://cognito-idp.${region}.amazonaws.com/`);
  const body = JSON.stringify({ UserPoolId: userPoolId, ClientId: clientId });
  const headers = await signedHeaders('cognito-idp', url, 'application/x-amz-json-1.1', 'AWSCognitoIdentityProviderService.DescribeUserPoolClient', body);
  const res = await fetch(url, { method: 'POST', headers, body });
  const answer = await res.text();
  const secret = res.ok ? (JSON.parse(answer) as { UserPoolClient?: { ClientSecret?: string } }).UserPoolClient?.ClientSecret : undefined;
  if (!secret) throw new Error(`Configuration: no client secret for ${clientId} in ${userPoolId}: HTTP ${res.status} ${answer.slice(0, 200)}`);
  return secret;
}
