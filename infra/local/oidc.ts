import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { personBySub, personWithPassword } from '../../functions/store/people.ts';
import {
  CLAIM_PRINCIPAL, CLAIM_ROLES, CLI_CLIENT_ID, CLI_REDIRECT_URI, CONSOLE_CLIENT_ID, HUB_API_RESOURCE, HUB_API_SCOPE,
  consolePostLogoutUris, consoleRedirectUri,
} from '../../functions/domain/sign-in.ts';
import { writeFileAtomic } from './stack.ts';
import { errorPage, PAGE_HEADERS, signedOutPage, signInPage, signOutPage } from './oidc-pages.tsx';

/**
 * The local OpenID provider: `oidc-provider` (a certified OpenID provider library) mounted on the
 * hub's own HTTP server at /oidc, so its issuer is `http://127.0.0.1:$PORT/oidc`. Authorization
 * code flow with PKCE (S256, every client); discovery at /oidc/.well-known/openid-configuration;
 * keys at /oidc/jwks; access tokens for the hub API are JWTs (resource indicator
 * HUB_API_RESOURCE, the `aud`) naming `sub`, `hub:principal` and `hub:roles`. People and their
 * password hashes are in the table (functions/store/people.ts). Signing and cookie keys are made
 * once per data folder (`oidc-keys.json`, like cursor-secret) or per run without one. Sessions and
 * codes live in memory: a restart signs everyone out, tokens already issued stay valid.
 */
export interface LocalOidc {
  issuer: string;
  jwksUri: string;
  /** The console's client secret (a confidential client, client_secret_basic). */
  consoleClientSecret: string;
  /** Serves a request under /oidc; false when the path is not the provider's. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  provider: Provider;
}

export const OIDC_MOUNT = '/oidc';
/**
 * A second resource the provider also issues tokens for, so that a token with the wrong audience
 * can come from the real provider (tests); the hub API refuses it.
 */
export const OTHER_RESOURCE = 'urn:commission-east:not-the-hub';

interface KeptKeys {
  jwks: { keys: Record<string, unknown>[] };
  cookieKeys: string[];
  consoleClientSecret: string;
}

function makeKeys(): KeptKeys {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return {
    jwks: { keys: [{ ...jwk, kid: `hub-${randomBytes(6).toString('hex')}`, alg: 'RS256', use: 'sig' }] },
    cookieKeys: [randomBytes(32).toString('base64url')],
    consoleClientSecret: randomBytes(32).toString('base64url'),
  };
}

/** The provider's keys: kept in `dataDir/oidc-keys.json` (made once, mode 0600), or made for this run. */
export function localOidcKeys(dataDir?: string): KeptKeys {
  if (!dataDir) return makeKeys();
  const file = join(dataDir, 'oidc-keys.json');
  if (existsSync(file)) {
    try {
      const kept = JSON.parse(readFileSync(file, 'utf8')) as KeptKeys;
      if (kept.jwks?.keys?.length && kept.cookieKeys?.length && kept.consoleClientSecret) return kept;
    } catch {
      // a file that is not ours: make new keys (tokens it signed stop verifying, as after a key rotation)
    }
  }
  const made = makeKeys();
  writeFileAtomic(file, `${JSON.stringify(made, null, 2)}\n`, 0o600);
  return made;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req) {
    text += (chunk as Buffer).toString('utf8');
    if (text.length > 8192) break;
  }
  return new URLSearchParams(text);
}

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' });
  res.end(body);
}

export function startLocalOidc(opts: { origin: string; dataDir?: string; accessTokenTtlSeconds?: number }): LocalOidc {
  const issuer = `${opts.origin}${OIDC_MOUNT}`;
  const kept = localOidcKeys(opts.dataDir);
  const ttl = opts.accessTokenTtlSeconds ?? Number(process.env.HUB_OIDC_ACCESS_TOKEN_TTL ?? 3600);
  const resourceServer = (audience: string) => ({
    scope: HUB_API_SCOPE,
    audience,
    accessTokenTTL: ttl,
    accessTokenFormat: 'jwt' as const,
    jwt: { sign: { alg: 'RS256' as const } },
  });

  const configuration: Configuration = {
    clients: [
      {
        client_id: CONSOLE_CLIENT_ID,
        client_secret: kept.consoleClientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        redirect_uris: [consoleRedirectUri(opts.origin)],
        post_logout_redirect_uris: consolePostLogoutUris(opts.origin),
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
      {
        client_id: CLI_CLIENT_ID,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: [CLI_REDIRECT_URI],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: kept.jwks as Configuration['jwks'],
    cookies: { keys: kept.cookieKeys },
    responseTypes: ['code'],
    pkce: { required: () => true },
    scopes: ['openid', 'email'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    ttl: { AccessToken: ttl, AuthorizationCode: 60, IdToken: 3600, Interaction: 3600, Session: 8 * 3600, Grant: 8 * 3600 },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => HUB_API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource === HUB_API_RESOURCE || resource === OTHER_RESOURCE) return resourceServer(resource);
          throw new errors.InvalidTarget();
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: KoaContextWithOIDC, form: string) => {
          ctx.type = 'html';
          ctx.set(PAGE_HEADERS);
          ctx.body = signOutPage(form);
        },
        postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => {
          ctx.type = 'html';
          ctx.set(PAGE_HEADERS);
          ctx.body = signedOutPage();
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `${OIDC_MOUNT}/interaction/${interaction.uid}` },
    // The hub's clients are its own: the person consents to nothing beyond signing in.
    loadExistingGrant: async (ctx) => {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(oidc.client!.clientId);
      if (grantId) {
        const grant = await oidc.provider.Grant.find(grantId);
        if (grant) return grant;
      }
      const grant = new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId! });
      grant.addOIDCScope('openid email');
      grant.addResourceScope(HUB_API_RESOURCE, HUB_API_SCOPE);
      grant.addResourceScope(OTHER_RESOURCE, HUB_API_SCOPE);
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx, sub) => {
      const person = await personBySub(sub);
      if (!person) return undefined;
      return { accountId: sub, claims: () => ({ sub, email: person.email, email_verified: true }) };
    },
    extraTokenClaims: async (_ctx, token) => {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const person = await personBySub(token.accountId);
      if (!person) throw new errors.InvalidGrant('the person no longer exists');
      return { [CLAIM_PRINCIPAL]: person.principal, [CLAIM_ROLES]: person.roles };
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.set(PAGE_HEADERS);
      ctx.body = errorPage(out.error_description ?? out.error);
    },
  };

  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, login: boolean): Promise<void> {
    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return html(res, 400, errorPage('This sign-in has expired or was started elsewhere. Go back to the service and sign in again.'));
    }
    if (details.uid !== uid) return html(res, 400, errorPage('This sign-in page does not belong to your sign-in. Start again.'));
    const action = `${OIDC_MOUNT}/interaction/${uid}/login`;
    if (details.prompt.name !== 'login') {
      // a consent prompt: the hub's own clients are granted by loadExistingGrant; finish it
      return provider.interactionFinished(req, res, { consent: {} }, { mergeWithLastSubmission: true });
    }
    if (!login) return html(res, 200, signInPage(action));
    const form = await readForm(req);
    const email = (form.get('email') ?? '').trim();
    const password = form.get('password') ?? '';
    if (!email) return html(res, 200, signInPage(action, { failed: 'missing-email' }));
    if (!password) return html(res, 200, signInPage(action, { email, failed: 'missing-password' }));
    const person = await personWithPassword(email, password);
    if (!person) return html(res, 200, signInPage(action, { email, failed: 'wrong' }));
    await provider.interactionFinished(req, res, { login: { accountId: person.sub } }, { mergeWithLastSubmission: false });
  }

  function handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '/';
    if (url !== OIDC_MOUNT && !url.startsWith(`${OIDC_MOUNT}/`) && !url.startsWith(`${OIDC_MOUNT}?`)) return false;
    const path = url.split('?')[0]!;
    const m = /^\/oidc\/interaction\/([A-Za-z0-9_-]{1,64})(\/login)?$/.exec(path);
    if (m) {
      const login = m[2] !== undefined;
      if ((login && req.method !== 'POST') || (!login && req.method !== 'GET')) {
        res.writeHead(405, { allow: login ? 'POST' : 'GET' }).end();
        return true;
      }
      interaction(req, res, m[1]!, login).catch((e) => {
        console.error('sign-in failed', e);
        if (!res.headersSent) html(res, 500, errorPage('Something went wrong on our side. Try again.'));
      });
      return true;
    }
    // the provider's own routes: mounted as express would (originalUrl keeps the mount path)
    Object.assign(req, { originalUrl: url, url: url.slice(OIDC_MOUNT.length) || '/' });
    void callback(req, res);
    return true;
  }

  return { issuer, jwksUri: `${issuer}/jwks`, consoleClientSecret: kept.consoleClientSecret, handle, provider };
}
