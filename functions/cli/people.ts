import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_CLIENT_ID, CLI_REDIRECT_URI } from '../domain/sign-in.ts';
import { parsePrincipal } from '../domain/principal.ts';
import { principalIsKnown } from '../store/api-keys.ts';
import { addPerson, checkPerson, newPassword, type Person } from '../store/people.ts';
import { dataDir } from './target.ts';

/**
 * `hub people`: demo people of the local OpenID provider. `add` makes a person with a random
 * password (kept hashed in the table, and in clear only in .local/demo-people.json, for local
 * use); `token` signs a demo person in at the running hub's provider — the authorization code
 * flow with PKCE, through its sign-in form, as a browser would — and prints the access token.
 */
export interface DemoPerson {
  email: string;
  password: string;
  principal: string;
  roles: string[];
}

export const peopleFile = (dir = dataDir()): string => join(dir, 'demo-people.json');

export function readPeople(file = peopleFile()): DemoPerson[] {
  if (!existsSync(file)) return [];
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(parsed) ? parsed.filter((p): p is DemoPerson => typeof p?.email === 'string' && typeof p?.password === 'string') : [];
  } catch {
    return [];
  }
}

export function writePeople(people: DemoPerson[], file = peopleFile()): void {
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, `${JSON.stringify(people, null, 2)}\n`, { mode: 0o600 });
  renameSync(partial, file);
}

/** `hub people add`: a new person of a principal the hub knows, with a random password, added to demo-people.json. */
export async function addPersonCommand(o: { email: string; principal: string; roles: string }): Promise<{ person: Person; password: string }> {
  const roles = o.roles.split(/[\s,]+/).filter(Boolean);
  const checked = checkPerson({ email: o.email, principal: o.principal, roles });
  if (!(await principalIsKnown(parsePrincipal(checked.principal)!))) throw new Error(`the hub does not know ${checked.principal}`);
  const password = newPassword();
  const person = await addPerson({ ...checked, password });
  writePeople([...readPeople().filter((p) => p.email !== person.email), { email: person.email, password, principal: person.principal, roles: person.roles }]);
  return { person, password };
}

/** A cookie jar for one sign-in: name → value (one host; paths are not told apart). */
export class Jar {
  #cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface TokenSet {
  access_token: string;
  id_token?: string;
  expires_in: number;
  token_type: string;
  scope?: string;
}

/**
 * Signs a person in at an OpenID provider (the local one: its sign-in form fields `email` and
 * `password`) with the authorization code flow and PKCE, as the scripts' client, and exchanges
 * the code for tokens. `resource` asks for a token of another audience (tests); `jar` keeps the
 * provider's cookies (its session) for what follows, as a browser would.
 */
export async function signInWithPassword(o: { issuer: string; email: string; password: string; resource?: string; clientId?: string; redirectUri?: string; jar?: Jar }): Promise<TokenSet> {
  const clientId = o.clientId ?? CLI_CLIENT_ID;
  const redirectUri = o.redirectUri ?? CLI_REDIRECT_URI;
  const discovery = (await (await fetch(`${o.issuer}/.well-known/openid-configuration`)).json()) as { authorization_endpoint: string; token_endpoint: string; issuer: string };
  if (discovery.issuer !== o.issuer) throw new Error(`the provider at ${o.issuer} names itself ${discovery.issuer}`);
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const auth = new URL(discovery.authorization_endpoint);
  auth.search = new URLSearchParams({
    client_id: clientId, response_type: 'code', scope: 'openid email', redirect_uri: redirectUri, state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    ...(o.resource ? { resource: o.resource } : {}),
  }).toString();
  const jar = o.jar ?? new Jar();
  const go = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
    jar.take(res);
    return res;
  };
  const location = (res: Response, from: string) => {
    const to = res.headers.get('location');
    if (res.status < 300 || res.status > 399 || !to) throw new Error(`sign-in stopped at ${from}: HTTP ${res.status}`);
    return new URL(to, from).href;
  };
  // 1. the authorization request → the sign-in page
  let url = location(await go(auth.href), auth.href);
  const form = await go(url);
  const html = await form.text();
  const action = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(html)?.[1];
  if (form.status !== 200 || !action) throw new Error(`no sign-in form at ${url} (HTTP ${form.status})`);
  // 2. the person's email and password, posted as the form would be
  const post = new URL(action.replace(/&amp;/g, '&'), url).href;
  const signedIn = await go(post, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: o.email, password: o.password }).toString() });
  if (signedIn.status === 200) throw new Error(`${o.email} could not sign in: wrong email or password`);
  url = location(signedIn, post);
  // 3. back to the provider, which redirects to the client with the code
  for (let hops = 0; !url.startsWith(redirectUri); hops++) {
    if (hops > 5) throw new Error('sign-in did not come back to the client');
    url = location(await go(url), url);
  }
  const back = new URL(url);
  if (back.searchParams.get('error')) throw new Error(`sign-in refused: ${back.searchParams.get('error')} ${back.searchParams.get('error_description') ?? ''}`.trim());
  if (back.searchParams.get('state') !== state) throw new Error('sign-in came back with another state');
  // 4. the code for tokens, with the PKCE verifier
  const token = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier }).toString(),
  });
  const body = (await token.json()) as TokenSet & { error?: string; error_description?: string };
  if (!token.ok) throw new Error(`token request refused: ${body.error} ${body.error_description ?? ''}`.trim());
  return body;
}

/** `hub people token --email`: a demo person's access token from the running local hub's provider. */
export async function tokenCommand(email: string): Promise<string> {
  const issuer = process.env.HUB_OIDC_ISSUER;
  if (!issuer) throw new Error('no local hub is running: start it with npm start (people sign in at its OpenID provider)');
  const person = readPeople().find((p) => p.email.toLowerCase() === email.trim().toLowerCase());
  if (!person) throw new Error(`${email} is not a demo person (see ${peopleFile()}; add one with hub people add)`);
  return (await signInWithPassword({ issuer, email: person.email, password: person.password })).access_token;
}
