/**
 * The names sign-in is built from, shared by the local OpenID provider (infra/local/oidc.ts), the
 * authorizer, the console and the `hub people` command. In AWS the Cognito stack (infra/stack.ts)
 * uses the same resource server identifier and scope.
 */

/** The hub API as an OAuth resource (RFC 8707 resource indicator): the `aud` of the local provider's access tokens. */
export const HUB_API_RESOURCE = 'urn:commission-east:hub-api';
/** The one scope of the hub API resource. */
export const HUB_API_SCOPE = 'hub';
/** Claims a hub access token carries beside `sub`. */
export const CLAIM_PRINCIPAL = 'hub:principal';
export const CLAIM_ROLES = 'hub:roles';

/** The local provider's clients. */
export const CONSOLE_CLIENT_ID = 'hub-console';
export const CLI_CLIENT_ID = 'hub-cli';
/** The scripts' client is a native app (RFC 8252): a loopback redirect; `hub people token` reads the code from it without listening. */
export const CLI_REDIRECT_URI = 'http://127.0.0.1/hub-cli/callback';
/** Where the provider sends the console's browser back, under the hub's own origin. */
export const consoleRedirectUri = (origin: string): string => `${origin}/console/auth/callback`;
export const consolePostLogoutUris = (origin: string): string[] => [`${origin}/console/`, `${origin}/console/signed-out`];
