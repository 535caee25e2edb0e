import * as oidc from 'openid-client';
import { unauthorized } from '../domain/errors.ts';
import { parsePrincipal, personRolesOf } from '../domain/principal.ts';
import { providerName } from '../store/providers.ts';
import { consoleConfig } from './config.ts';
import { LOGIN_SECONDS, SESSION_SECONDS, newSid, type LoginState, type Session } from './session.ts';

/**
 * Sign-in as an OpenID Connect relying party: authorization code with PKCE (S256), state and
 * nonce, against the issuer the hub trusts for Bearer tokens (locally the embedded provider,
 * in AWS Cognito). `openid-client` 6 (a certified RP library on the dependency-free
 * oauth4webapi and jose) does discovery, the code exchange and the ID token's checks
 * (signature, issuer, audience, expiry, nonce); the console adds only what the hub's tokens
 * mean: `hub:principal` and `hub:roles` (CONTRACT "Organisations and people").
 */

let discovered: { issuer: string; config: Promise<oidc.Configuration> } | undefined;

function configuration(): Promise<oidc.Configuration> {
  const { issuer, clientId, clientSecret } = consoleConfig();
  if (!issuer) throw unauthorized('Sign-in is not configured: HUB_OIDC_ISSUER is not set.');
  if (discovered?.issuer !== issuer) {
    const url = new URL(issuer);
    // plain http only to a provider on this machine (the local hub's embedded one)
    const loopback = url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    const config = oidc
      .discovery(url, clientId, clientSecret, clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(), loopback ? { execute: [oidc.allowInsecureRequests] } : undefined)
      .catch((e: unknown) => {
        discovered = undefined; // try again on the next sign-in
        throw e;
      });
    discovered = { issuer, config };
  }
  return discovered.config;
}

/** Where to send the browser to sign in, and the state to keep (sealed) until it comes back. */
export async function beginSignIn(redirectUri: string, returnTo: string): Promise<{ url: URL; login: LoginState }> {
  const config = await configuration();
  const verifier = oidc.randomPKCECodeVerifier();
  const login: LoginState = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier, returnTo, exp: Math.floor(Date.now() / 1000) + LOGIN_SECONDS };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email hub',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: login.state,
    nonce: login.nonce,
  });
  return { url, login };
}

const claimsOf = (jwt: string | undefined): Record<string, unknown> => {
  try {
    return jwt ? (JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/**
 * The callback: the code exchanged (PKCE verifier, state and nonce checked), and the session the
 * person's verified claims make. `hub:principal` and `hub:roles` are read from the ID token, or
 * else from the access token that came in the same token response, straight from the provider
 * over the back channel (OIDC Core 3.1.3.7: such a response is authenticated by its channel),
 * after checking it names the same issuer and person.
 */
export async function finishSignIn(currentUrl: URL, login: LoginState): Promise<Session> {
  const config = await configuration();
  const tokens = await oidc.authorizationCodeGrant(config, currentUrl, { pkceCodeVerifier: login.verifier, expectedState: login.state, expectedNonce: login.nonce, idTokenExpected: true });
  const id = tokens.claims()!;
  const access = claimsOf(tokens.access_token);
  const sameIssuer = access.iss === id.iss && access.sub === id.sub;
  const claim = (name: string) => id[name] ?? (sameIssuer ? access[name] : undefined);
  const principal = typeof claim('hub:principal') === 'string' ? parsePrincipal(claim('hub:principal') as string) : undefined;
  if (!principal) throw unauthorized('Your account is not linked to an organisation in the hub.');
  const rolesClaim = claim('hub:roles');
  const roles = personRolesOf(principal.kind, Array.isArray(rolesClaim) ? rolesClaim.map(String) : typeof rolesClaim === 'string' ? rolesClaim.split(' ') : []);
  const exp = Math.min(Math.floor(Date.now() / 1000) + SESSION_SECONDS, typeof id.exp === 'number' ? id.exp + SESSION_SECONDS : Infinity);
  return {
    sub: id.sub,
    ...(typeof id.email === 'string' ? { email: id.email } : typeof access.email === 'string' ? { email: access.email } : {}),
    principal,
    roles,
    ...(principal.kind === 'provider' ? { organisation: await providerName(principal.id) } : {}),
    sid: newSid(),
    ...(tokens.id_token ? { idToken: tokens.id_token } : {}),
    exp,
  };
}

/** The provider's end_session_endpoint, so signing out of the console signs out there too; undefined when it has none. */
export async function endSessionUrl(session: Pick<Session, 'idToken'> | undefined, postLogoutRedirectUri: string): Promise<URL | undefined> {
  const config = await configuration();
  if (!config.serverMetadata().end_session_endpoint) return undefined;
  const { clientId } = consoleConfig();
  return oidc.buildEndSessionUrl(config, {
    client_id: clientId,
    post_logout_redirect_uri: postLogoutRedirectUri,
    ...(session?.idToken ? { id_token_hint: session.idToken } : {}),
  });
}
