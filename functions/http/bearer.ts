import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { CLAIM_PRINCIPAL, CLAIM_ROLES } from '../domain/sign-in.ts';
import { parsePrincipal, personRolesOf, type PersonRole, type Principal } from '../domain/principal.ts';

/**
 * Access tokens from the hub's OpenID provider, verified with the provider's published keys:
 * signature (RS256 only: `alg: none` and HMAC tokens never verify), issuer, audience, expiry.
 * Configuration comes from the environment, read once at the first token (in Lambda: the first
 * invocation of a cold start): HUB_OIDC_ISSUER, HUB_OIDC_JWKS_URL, and either HUB_OIDC_AUDIENCE
 * (the `aud` the token must carry: the local provider's resource indicator) or HUB_OIDC_CLIENT_IDS
 * (Cognito puts no `aud` in access tokens; it names the app client in `client_id` and says
 * `token_use: access`). Without HUB_OIDC_ISSUER no token is accepted. The key set is fetched once
 * and kept across invocations (refetched only for a `kid` it does not hold, at most every 30 s).
 */
export interface TokenIdentity {
  principal: Principal;
  /** The person: the token's `sub`. */
  person: string;
  roles: PersonRole[];
}

interface TokenConfig {
  issuer: string;
  audience?: string;
  clientIds?: string[];
  keys: ReturnType<typeof createRemoteJWKSet>;
}

let loaded: TokenConfig | null | undefined;

function tokenConfig(): TokenConfig | null {
  if (loaded !== undefined) return loaded;
  const env = process.env;
  const issuer = env.HUB_OIDC_ISSUER;
  if (!issuer) return (loaded = null);
  const audience = env.HUB_OIDC_AUDIENCE || undefined;
  const clientIds = env.HUB_OIDC_CLIENT_IDS ? env.HUB_OIDC_CLIENT_IDS.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  if (!audience && !clientIds?.length) throw new Error('HUB_OIDC_ISSUER is set without HUB_OIDC_AUDIENCE or HUB_OIDC_CLIENT_IDS: tokens cannot be checked');
  const jwksUrl = new URL(env.HUB_OIDC_JWKS_URL || `${issuer}/.well-known/jwks.json`);
  loaded = { issuer, audience, clientIds, keys: createRemoteJWKSet(jwksUrl, { cooldownDuration: 30_000, cacheMaxAge: 60 * 60_000, timeoutDuration: 3_000 }) };
  return loaded;
}

/** Forgets the configuration (a test that starts another provider). */
export function resetTokenConfig(): void {
  loaded = undefined;
}

/** The `Bearer` token of an Authorization header value; undefined for any other scheme or shape. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)\s*$/i.exec(header ?? '');
  return m?.[1];
}

const rolesOf = (claim: unknown): string[] =>
  Array.isArray(claim) ? claim.filter((r): r is string => typeof r === 'string') : typeof claim === 'string' ? claim.split(/\s+/).filter(Boolean) : [];

/**
 * Who a token names, once it verifies; undefined for any token that does not (bad signature,
 * another issuer or audience, expired, no `sub`, a malformed `hub:principal`). Roles the
 * principal's kind cannot hold are dropped.
 */
export async function verifyAccessToken(token: string): Promise<TokenIdentity | undefined> {
  const config = tokenConfig();
  if (!config) return undefined;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, config.keys, {
      issuer: config.issuer,
      ...(config.audience ? { audience: config.audience } : {}),
      algorithms: ['RS256'],
      requiredClaims: ['sub', 'exp', 'iat'],
      clockTolerance: 5,
    }));
  } catch {
    return undefined;
  }
  if (config.clientIds && (payload.token_use !== 'access' || !config.clientIds.includes(String(payload.client_id)))) return undefined;
  const principal = typeof payload[CLAIM_PRINCIPAL] === 'string' ? parsePrincipal(payload[CLAIM_PRINCIPAL]) : undefined;
  if (!principal || !payload.sub) return undefined;
  return { principal, person: payload.sub, roles: personRolesOf(principal.kind, rolesOf(payload[CLAIM_ROLES])) };
}
