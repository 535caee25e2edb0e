import { spawn } from 'node:child_process';
import { startGatewayProcess } from '../support/gateway-process.ts';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Jar, signInWithPassword } from '../../functions/cli/people.ts';
import { putHome } from '../support/pool-fixtures.ts';
import { addPerson, newPassword } from '../../functions/store/people.ts';
import { readPlacement } from '../../functions/store/placements.ts';
import { startLocalOidc, OTHER_RESOURCE } from '../../infra/local/oidc.ts';
import { baseUrl, call, unique } from '../support/hub.ts';
import { HOMES, placed } from '../support/placement-fixtures.ts';
import { referral } from './offers-fixtures.ts';

/**
 * People sign in (CONTRACT "Organisations and people") at the REAL embedded OpenID provider of
 * the run's hub (oidc-provider at /oidc on the gateway's own server), through its sign-in form
 * with the code flow and PKCE, and call the API with `Authorization: Bearer`. Tokens that must
 * not work come from real providers too: another instance (another issuer, other keys), another
 * resource (audience), or the hub's own gateway run with 1-second tokens (expiry).
 */

const issuer = () => `${baseUrl()}/oidc`;

interface Someone {
  email: string;
  password: string;
  sub: string;
}

async function person(principal: string, roles: string[]): Promise<Someone> {
  const email = `${roles[0]}-${unique()}@people-test.example`;
  const password = newPassword();
  const { sub } = await addPerson({ email, principal, roles, password });
  return { email, password, sub };
}

const tokenOf = async (who: Someone, o: { issuer?: string; resource?: string } = {}) =>
  (await signInWithPassword({ issuer: o.issuer ?? issuer(), email: who.email, password: who.password, ...(o.resource ? { resource: o.resource } : {}) })).access_token;

const authUrl = () =>
  `${issuer()}/auth?${new URLSearchParams({ client_id: 'hub-cli', response_type: 'code', scope: 'openid', redirect_uri: 'http://127.0.0.1/hub-cli/callback', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`;
const consoleAuthUrl = () =>
  `${issuer()}/auth?${new URLSearchParams({ client_id: 'hub-console', response_type: 'code', scope: 'openid email', redirect_uri: `${baseUrl()}/console/auth/callback`, code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`;
const asBearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const partsOf = (token: string) => token.split('.').map((p, i) => (i < 2 ? JSON.parse(Buffer.from(p, 'base64url').toString()) : p));

let officer: Someone;
let nominated: Someone;
let director: Someone;
let suffolk: Someone;

beforeAll(async () => {
  [officer, nominated, director, suffolk] = await Promise.all([
    person('authority:essex', ['placement-officer']),
    person('authority:essex', ['nominated-officer']),
    person('authority:essex', ['director-of-childrens-services']),
    person('authority:suffolk', ['placement-officer']),
  ]);
});

describe('the embedded OpenID provider', () => {
  it('publishes its discovery document and keys: code flow with PKCE (S256), issuer under the hub', async () => {
    const d = (await (await fetch(`${issuer()}/.well-known/openid-configuration`)).json()) as any;
    expect(d.issuer).toBe(issuer());
    expect(d.response_types_supported).toEqual(['code']);
    expect(d.code_challenge_methods_supported).toEqual(['S256']);
    expect(d.end_session_endpoint).toBe(`${issuer()}/session/end`);
    const jwks = (await (await fetch(d.jwks_uri)).json()) as any;
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' })]);
    expect(JSON.stringify(jwks)).not.toMatch(/"d":/); // public keys only
  });

  it('its sign-in page is a GOV.UK form ("Email address", "Password", "Sign in") that says what is wrong without JavaScript', async () => {
    const start = await fetch(authUrl(), { redirect: 'manual' });
    expect(start.status).toBe(303);
    const cookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const pageUrl = new URL(start.headers.get('location')!, issuer()).href;
    const html = await (await fetch(pageUrl, { headers: { cookie } })).text();
    expect(html).toMatch(/<label class="govuk-label" for="email">Email address<\/label>/);
    expect(html).toMatch(/<label class="govuk-label" for="password">Password<\/label>/);
    expect(html).toMatch(/<button type="submit" class="govuk-button"[^>]*>Sign in<\/button>/);
    expect(html).not.toMatch(/<script/);
    const wrong = await fetch(`${pageUrl}/login`, {
      method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: officer.email, password: 'not-the-password' }).toString(),
    });
    const again = await wrong.text();
    expect(wrong.status).toBe(200);
    expect(again).toContain('govuk-error-summary');
    expect(again).toContain('Enter a correct email address and password');
    expect(again).toMatch(/<title>Error: Sign in/);
  });

  it('issues an RS256 JWT access token for the hub API naming the person, their organisation and roles', async () => {
    const [header, claims] = partsOf(await tokenOf(director));
    expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(claims).toMatchObject({ iss: issuer(), aud: 'urn:commission-east:hub-api', sub: director.sub, 'hub:principal': 'authority:essex', 'hub:roles': ['director-of-childrens-services'] });
    expect(claims.exp - claims.iat).toBe(3600);
  });

  it('signs out at the provider (RP-initiated logout): a GOV.UK "Sign out" page that needs no JavaScript, then the next sign-in asks again', async () => {
    const jar = new Jar();
    const { id_token } = await signInWithPassword({ issuer: issuer(), email: officer.email, password: officer.password, jar });
    // signed in: the console's authorization goes straight back to it with a code, no form (a
    // native client like hub-cli is asked every time, RFC 8252)
    const again = await fetch(consoleAuthUrl(), { redirect: 'manual', headers: { cookie: jar.header() } });
    expect(again.headers.get('location')).toMatch(new RegExp(`^${baseUrl()}/console/auth/callback\\?code=`));
    const end = await fetch(`${issuer()}/session/end?${new URLSearchParams({ id_token_hint: id_token!, client_id: 'hub-cli' })}`, { headers: { cookie: jar.header() } });
    const html = await end.text();
    expect(end.status).toBe(200);
    expect(html).toMatch(/<button type="submit" form="op.logoutForm" name="logout" value="yes" class="govuk-button"[^>]*>Sign out<\/button>/);
    expect(html).not.toMatch(/<script/);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const confirmed = await fetch(action, { method: 'POST', redirect: 'manual', headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ xsrf, logout: 'yes' }).toString() });
    jar.take(confirmed);
    expect(confirmed.status).toBe(303);
    const after = await fetch(consoleAuthUrl(), { redirect: 'manual', headers: { cookie: jar.header() } });
    expect(after.headers.get('location')).toMatch(/\/oidc\/interaction\//); // the sign-in form again
  });
});

describe('Authorization: Bearer', () => {
  it('a token from the provider works: the person reads as their organisation', async () => {
    const r = await call(null, 'GET', '/v1/authorities', asBearer(await tokenOf(officer)));
    expect(r.status, r.text).toBe(200);
    expect(r.json.items).toHaveLength(11);
  });

  it('refuses (401) a token the hub did not ask for: another issuer, another audience, tampered, alg none, garbage', async () => {
    // another real provider: its own issuer and keys, the same people
    const other = createServer();
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const foreign = startLocalOidc({ origin });
    other.on('request', (req, res) => foreign.handle(req, res) || res.writeHead(404).end());
    try {
      const elsewhere = await tokenOf(officer, { issuer: foreign.issuer });
      expect(partsOf(elsewhere)[1]).toMatchObject({ iss: `${origin}/oidc`, 'hub:principal': 'authority:essex' });
      expect((await call(null, 'GET', '/v1/authorities', asBearer(elsewhere))).status).toBe(401);
    } finally {
      other.close();
    }
    // the hub's own provider, but a token for another resource
    const notForUs = await tokenOf(officer, { resource: OTHER_RESOURCE });
    expect(partsOf(notForUs)[1].aud).toBe(OTHER_RESOURCE);
    expect((await call(null, 'GET', '/v1/authorities', asBearer(notForUs))).status).toBe(401);

    const good = await tokenOf(officer);
    const [header, claims, signature] = good.split('.');
    const body = partsOf(good)[1];
    const forged = [
      [header, b64({ ...body, 'hub:principal': 'authority:suffolk' }), signature].join('.'), // tampered claims
      [header, claims, `${signature!.slice(0, -4)}AAAA`].join('.'), // tampered signature
      [b64({ alg: 'none', typ: 'at+jwt' }), claims, ''].join('.'), // alg none
      [b64({ ...partsOf(good)[0], alg: 'HS256' }), claims, signature].join('.'), // alg confusion
      'not-a-token',
    ];
    for (const token of forged) {
      const r = await call(null, 'GET', '/v1/authorities', asBearer(token));
      expect(r.status, token.slice(0, 40)).toBe(401);
      expect(r.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await call(null, 'GET', '/v1/authorities', { headers: { authorization: `Basic ${good}` } })).status).toBe(401);
    expect((await call(null, 'GET', '/v1/authorities', asBearer(good))).status).toBe(200);
  });

  it('a token naming an organisation the hub does not know is 401', async () => {
    const stranger = await person(`provider:nobody-${unique()}`, ['provider-staff']);
    expect((await call(null, 'GET', '/v1/authorities', asBearer(await tokenOf(stranger)))).status).toBe(401);
    await putHome({ owner: 'provider:harbour-care' }); // the hub knows a provider by its homes
    const harbour = await person('provider:harbour-care', ['provider-staff']);
    expect((await call(null, 'GET', '/v1/authorities', asBearer(await tokenOf(harbour)))).status).toBe(200);
  });

  it('x-api-key and Authorization together → 400 (CONTRACT)', async () => {
    const r = await call('authority:essex', 'GET', '/v1/authorities', asBearer(await tokenOf(officer)));
    expect(r.status, r.text).toBe(400);
  });

  it('an expired token is 401 (the hub run with 1-second tokens, on the same store)', async () => {
    const gateway = await startGatewayProcess(inject('hubEnv'), { HUB_OIDC_ACCESS_TOKEN_TTL: '1' });
    try {
      const base = gateway.baseUrl;
      const token = await tokenOf(officer, { issuer: `${base}/oidc` });
      const { exp, iat } = partsOf(token)[1];
      expect(exp - iat).toBe(1);
      expect((await call(null, 'GET', '/v1/authorities', { ...asBearer(token), baseUrl: base })).status).toBe(200);
      // past expiry and the verifier's 5 s clock tolerance
      await new Promise((r) => setTimeout(r, (exp + 6) * 1000 - Date.now()));
      expect((await call(null, 'GET', '/v1/authorities', { ...asBearer(token), baseUrl: base })).status).toBe(401);
    } finally {
      await gateway.stop();
    }
  }, 30_000);
});

describe('the tenant comes from the token, roles from the route table', () => {
  it('a person of Essex cannot read a Suffolk referral (404); Suffolk\'s own person can', async () => {
    const id = await referral({ childRef: `SFK-${unique()}` }, {}, 'authority:suffolk');
    expect((await call(null, 'GET', `/v1/referrals/${id}`, asBearer(await tokenOf(officer)))).status).toBe(404);
    const own = await call(null, 'GET', `/v1/referrals/${id}`, asBearer(await tokenOf(suffolk)));
    expect(own.status, own.text).toBe(200);
  });

  it('case work needs a case worker: a director may read referrals but not make one (403); a placement officer makes it, recorded as theirs', async () => {
    const body = {
      agreementId: 'commission-east-placements-isp', purpose: 'placement-matching',
      child: { childRef: `ESX-${unique()}`, age: 14, sex: 'female', needs: ['self-harm'], homeOutcode: 'CM1', urgency: 'within-5-days' },
      lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18' },
      shareWith: ['harbour-care'],
    };
    const refused = await call(null, 'POST', '/v1/referrals', { ...asBearer(await tokenOf(director)), body });
    expect(refused.status, refused.text).toBe(403);
    expect((await call(null, 'GET', '/v1/referrals', asBearer(await tokenOf(director)))).status).toBe(200);
    const made = await call(null, 'POST', '/v1/referrals', { ...asBearer(await tokenOf(officer)), body });
    expect(made.status, made.text).toBe(201);
  });

  it('reg 11: a placement officer cannot approve (403), nor a nominated officer as director (403); the director\'s approval records the person, whatever the body says', async () => {
    const far = await placed({ home: HOMES.westminster }); // at a distance: the director approves
    const approval = (role: string) => ({
      role, approvedBy: 'Somebody Else', approvedAt: new Date(Date.now() - 60_000).toISOString(),
      checklist: { wishesAndFeelings: true, mostAppropriate: true, relativesConsulted: true, areaAuthority: true, iroConsulted: true },
    });
    const path = `/v1/placements/${far.id}/approval`;
    const byOfficer = await call(null, 'POST', path, { ...asBearer(await tokenOf(officer)), body: approval('director-of-childrens-services') });
    expect(byOfficer.status, byOfficer.text).toBe(403);
    const byNominated = await call(null, 'POST', path, { ...asBearer(await tokenOf(nominated)), body: approval('director-of-childrens-services') });
    expect(byNominated.status, byNominated.text).toBe(403);
    expect((await readPlacement({ kind: 'authority', id: 'essex' }, far.id, true)).status).toBe('awaiting-approval');
    const ok = await call(null, 'POST', path, { ...asBearer(await tokenOf(director)), body: approval('director-of-childrens-services') });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.approval).toMatchObject({ status: 'approved', role: 'director-of-childrens-services', approvedBy: director.sub });
    expect(ok.json.status).toBe('confirmed');
  });

  it('an API key approves as before: approvedBy from the body', async () => {
    const near = await placed({ home: HOMES.suffolk });
    const r = await call('authority:essex', 'POST', `/v1/placements/${near.id}/approval`, {
      body: { role: 'nominated-officer', approvedBy: 'J. Smith', approvedAt: new Date(Date.now() - 60_000).toISOString(), checklist: { wishesAndFeelings: true, mostAppropriate: true, relativesConsulted: true, areaAuthority: true, iroConsulted: true } },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json.approval.approvedBy).toBe('J. Smith');
  });
});

describe('hub people', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hub-people-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const hub = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['bin/hub.js', ...args], { env: { ...process.env, HUB_DATA_DIR: dir, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('people add makes a person (password shown once, kept hashed); people token signs them in at the running hub and prints a token that works', async () => {
    // as a running `npm start` would leave it: endpoints (with the issuer) of a live process
    writeFileSync(join(dir, 'endpoints.json'), JSON.stringify({ pid: process.pid, ...inject('hubEnv'), HUB_OIDC_ISSUER: issuer() }));
    const email = `added-${unique()}@people-test.example`;
    const add = await hub(['people', 'add', '--email', email, '--principal', 'authority:essex', '--roles', 'placement-officer,nominated-officer']);
    expect(add.code, add.stderr).toBe(0);
    const kept = JSON.parse(readFileSync(join(dir, 'demo-people.json'), 'utf8'));
    expect(kept).toEqual([{ email, password: expect.stringMatching(/^.{20}$/), principal: 'authority:essex', roles: ['placement-officer', 'nominated-officer'] }]);
    expect(add.stdout).toContain(kept[0].password);

    const token = await hub(['people', 'token', '--email', email]);
    expect(token.code, token.stderr).toBe(0);
    const r = await call(null, 'GET', '/v1/authorities', asBearer(token.stdout.trim()));
    expect(r.status).toBe(200);
    expect(partsOf(token.stdout.trim())[1]['hub:roles']).toEqual(['placement-officer', 'nominated-officer']);

    const again = await hub(['people', 'add', '--email', email, '--principal', 'authority:essex', '--roles', 'placement-officer']);
    expect([again.code, again.stderr.trim()]).toEqual([1, `hub: ${email} is already a person of the hub`]);
    const bad = await hub(['people', 'add', '--email', `x-${unique()}@people-test.example`, '--principal', 'authority:essex', '--roles', 'provider-staff']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/provider-staff/);
    const stranger = await hub(['people', 'token', '--email', 'nobody@people-test.example']);
    expect([stranger.code, stranger.stderr]).toEqual([1, expect.stringMatching(/is not a demo person/)]);
  }, 60_000);
});
