import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler as referralsHandler } from '../../functions/handlers/referrals.ts';
import { call, isProblem, pageAll, unique } from '../support/hub.ts';
import { putHome as putPoolHome } from '../support/pool-fixtures.ts';
import { putHome } from './homes-fixtures.ts';
import { HARBOUR, OWNER, offer, referral } from './offers-fixtures.ts';

/**
 * Providers join the region (CONTRACT.md "Organisations and people"), over real HTTP on DynamoDB
 * Local: the provider directory, accession to the regional agreement (and sharing once acceded),
 * the register beside the agreement, `by` on every changed record, and `person` on audit entries
 * (with no sign-in yet, the person comes from an authorizer context handed to the real referrals
 * Lambda in process; API-key calls over HTTP name none).
 */

const AGREEMENT = 'commission-east-placements-isp';
const PO = 'programme-office';

/** A provider the hub knows (it posted a home) and that is not a party yet. */
async function newProvider(): Promise<{ id: string; principal: string; urn: string }> {
  const id = `joiner-${unique()}`;
  const principal = `provider:${id}`;
  const urn = await putHome(principal);
  return { id, principal, urn };
}

const accessionBody = (over: Record<string, unknown> = {}) => ({
  agreementId: AGREEMENT,
  version: '1.0',
  signatory: { name: 'R. Individual', role: 'Responsible individual' },
  signedAt: new Date(Date.now() - 60_000).toISOString(),
  ...over,
});

const referralBody = (shareWith: string[]) => ({
  agreementId: AGREEMENT,
  purpose: 'placement-matching',
  child: { childRef: `ESX-${unique()}`, age: 14, sex: 'female', needs: ['self-harm'], homeOutcode: 'CM1' },
  lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18' },
  shareWith,
});

describe('GET /v1/providers', () => {
  it('pages every known provider to the end, in id order, with homes and party; authorities and the programme office only', async () => {
    const fresh = await newProvider();
    await putHome(HARBOUR); // a provider the agreement file names (whether or not the demo seeded it here)
    for (const who of [OWNER, PO]) {
      const all = await pageAll(who, '/v1/providers', { limit: 37 });
      const ids = all.map((p) => p.id as string);
      expect(new Set(ids).size, 'no provider twice').toBe(ids.length);
      expect(ids).toEqual([...ids].sort());
      // named by the agreement file, so a party
      expect(all.find((p) => p.id === 'harbour-care')).toMatchObject({ name: expect.any(String), group: expect.any(String), party: true });
      expect(all.find((p) => p.id === 'harbour-care').homes).toBeGreaterThan(0);
      // a provider known by the home it posted: named by its id until a profile names it, not a party
      expect(all.find((p) => p.id === fresh.id)).toEqual({ id: fresh.id, name: fresh.id, group: fresh.id, homes: 1, party: false });
    }
    const refused = await call(HARBOUR, 'GET', '/v1/providers');
    expect(refused.status).toBe(403);
    expect(isProblem(refused)).toBe(true);
  });

  it('refuses a cursor issued to another caller (400)', async () => {
    const first = await call(OWNER, 'GET', '/v1/providers', { query: { limit: 1 } });
    expect(first.status).toBe(200);
    expect(first.json.nextCursor).toBeDefined();
    const other = await call(PO, 'GET', '/v1/providers', { query: { limit: 1, cursor: first.json.nextCursor } });
    expect(other.status).toBe(400);
  });
});

describe('accession', () => {
  it('a provider not yet a party cannot be named in shareWith (422); once it accedes it can, reads the referral, and shows as a party', async () => {
    const p = await newProvider();
    const before = await call(OWNER, 'POST', '/v1/referrals', { body: referralBody(['harbour-care', p.id]) });
    expect(before.status, before.text).toBe(422);
    expect(before.json.errors).toEqual([{ path: 'shareWith.1', message: expect.stringContaining(`provider:${p.id} is not a party`) }]);

    const key = `acc-${unique()}`;
    const body = accessionBody();
    const acceded = await call(p.principal, 'POST', `/v1/providers/${p.id}/accession`, { body, headers: { 'idempotency-key': key } });
    expect(acceded.status, acceded.text).toBe(201);
    expect(acceded.json).toMatchObject({
      agreementId: AGREEMENT, version: '1.0', provider: { id: p.id, name: p.id }, signatory: { name: 'R. Individual', role: 'Responsible individual' },
      recordedAt: expect.any(String), by: { principal: p.principal },
    });
    expect(acceded.json.by.person).toBeUndefined(); // an API key names no person
    // the same key and body: the same answer again, one record; the same key with another body: 422
    const replay = await call(p.principal, 'POST', `/v1/providers/${p.id}/accession`, { body, headers: { 'idempotency-key': key } });
    expect([replay.status, replay.headers.get('idempotent-replayed'), replay.json]).toEqual([201, 'true', acceded.json]);
    const changed = await call(p.principal, 'POST', `/v1/providers/${p.id}/accession`, { body: { ...body, signatory: { name: 'Someone Else', role: 'Director' } }, headers: { 'idempotency-key': key } });
    expect(changed.status).toBe(422);
    // without the key, a second accession to the same version is 409: the first record stands
    const again = await call(p.principal, 'POST', `/v1/providers/${p.id}/accession`, { body: accessionBody() });
    expect(again.status).toBe(409);

    const created = await call(OWNER, 'POST', '/v1/referrals', { body: referralBody(['harbour-care', p.id]) });
    expect(created.status, created.text).toBe(201);
    const read = await call(p.principal, 'GET', `/v1/referrals/${created.json.id}`);
    expect(read.status, read.text).toBe(200);
    expect(read.json.child.childRef).toBeUndefined();
    expect(read.json.child.age).toBe(14);
    const listed = await pageAll(p.principal, '/v1/referrals');
    expect(listed.map((r) => r.id)).toContain(created.json.id);

    const directory = await pageAll(PO, '/v1/providers', { limit: 100 });
    expect(directory.find((x) => x.id === p.id)).toMatchObject({ party: true });
  });

  it('is listed in the register beside the agreement, paged to its end', async () => {
    const p = await newProvider();
    const q = await newProvider();
    for (const x of [p, q]) expect((await call(x.principal, 'POST', `/v1/providers/${x.id}/accession`, { body: accessionBody() })).status).toBe(201);
    for (const who of [OWNER, PO, HARBOUR]) {
      const register = await pageAll(who, `/v1/sharing-agreements/${AGREEMENT}/accessions`, { limit: 2 });
      const mine = register.filter((a) => a.provider.id === p.id || a.provider.id === q.id);
      expect(mine.map((a) => a.provider.id).sort()).toEqual([p.id, q.id].sort());
      expect(mine.every((a) => a.version === '1.0' && a.signatory.role === 'Responsible individual')).toBe(true);
    }
    expect((await call(OWNER, 'GET', '/v1/sharing-agreements/no-such-isp/accessions')).status).toBe(404);
  });

  it('only the provider itself accedes: another provider 404, an authority 403; a version not on file 422, changing nothing', async () => {
    const p = await newProvider();
    const other = await call(HARBOUR, 'POST', `/v1/providers/${p.id}/accession`, { body: accessionBody() });
    expect(other.status).toBe(404);
    expect(isProblem(other)).toBe(true);
    expect((await call(OWNER, 'POST', `/v1/providers/${p.id}/accession`, { body: accessionBody() })).status).toBe(403);
    const badVersion = await call(p.principal, 'POST', `/v1/providers/${p.id}/accession`, { body: accessionBody({ version: '9.9' }) });
    expect(badVersion.status).toBe(422);
    expect(badVersion.json.errors.map((e: { path: string }) => e.path)).toEqual(['version']);
    const future = await call(p.principal, 'POST', `/v1/providers/${p.id}/accession`, { body: accessionBody({ signedAt: new Date(Date.now() + 3_600_000).toISOString() }) });
    expect(future.status).toBe(422);
    const extra = await call(p.principal, 'POST', `/v1/providers/${p.id}/accession`, { body: { ...accessionBody(), email: 'x@example.org' } });
    expect(extra.status).toBe(400);
    // a provider the file names is a party already
    expect((await call(HARBOUR, 'POST', '/v1/providers/harbour-care/accession', { body: accessionBody() })).status).toBe(409);
    // none of these joined p
    const register = await pageAll(OWNER, `/v1/sharing-agreements/${AGREEMENT}/accessions`, { limit: 100 });
    expect(register.filter((a) => a.provider.id === p.id)).toEqual([]);
    expect((await call(OWNER, 'POST', '/v1/referrals', { body: referralBody([p.id]) })).status).toBe(422);
  });
});

// ---------------------------------------------------------------- who did it

describe('by on every changed record, readable by the owner', () => {
  it('a referral names who created it, changed its consent and placed it; consent records who entered them; responses who answered', async () => {
    const id = await referral({}, { consent: { status: 'given', recordedAt: new Date().toISOString(), by: 'allocated social worker' } });
    const created = await call(OWNER, 'GET', `/v1/referrals/${id}`);
    expect(created.json.by).toEqual({ principal: OWNER });
    expect(created.json.consentHistory[0]).toMatchObject({ by: 'allocated social worker', enteredBy: { principal: OWNER } });

    const responded = await call(HARBOUR, 'POST', `/v1/referrals/${id}/responses`, { body: { response: 'declined', reason: 'no-vacancy' } });
    expect(responded.status, responded.text).toBe(201);
    expect(responded.json.by).toEqual({ principal: HARBOUR });

    const consent = await call(OWNER, 'POST', `/v1/referrals/${id}/consent`, { body: { status: 'given', recordedAt: new Date().toISOString() } });
    expect(consent.status, consent.text).toBe(200);
    expect(consent.json.by).toEqual({ principal: OWNER });
    expect(consent.json.consentHistory.at(-1).enteredBy).toEqual({ principal: OWNER });
    expect((await call(OWNER, 'GET', `/v1/referrals/${id}`)).json.responses[0].by).toEqual({ principal: HARBOUR });

    // the provider's own view carries no owner-only `by`
    const shared = await call(HARBOUR, 'GET', `/v1/referrals/${id}`);
    expect(shared.status).toBe(200);
    expect(shared.json.by).toBeUndefined();

    const harbourHome = await putHome(HARBOUR);
    const made = await offer(HARBOUR, id, harbourHome);
    expect(made.by).toEqual({ principal: HARBOUR });
    const placement = await call(OWNER, 'POST', `/v1/offers/${made.id}/accept`, { body: {} });
    expect(placement.status, placement.text).toBe(201);
    expect(placement.json.by).toEqual({ principal: OWNER });
    expect((await call(OWNER, 'GET', `/v1/offers/${made.id}`)).json.by).toEqual({ principal: OWNER });
    const placed = await call(OWNER, 'GET', `/v1/referrals/${id}`);
    expect(placed.json).toMatchObject({ status: 'placed', by: { principal: OWNER } });
  });

  it('a pool allocation names who allocated it and who ended it', async () => {
    const home = await putPoolHome();
    const bed = await call(PO, 'POST', '/v1/pool/beds', { body: { homeUrn: home.urn, kind: 'emergency', weeklyCost: 7000, contractRef: `BY-${unique()}`, from: '2026-01-01' } });
    expect(bed.status, bed.text).toBe(201);
    const request = await call('authority:thurrock', 'POST', '/v1/pool/requests', {
      body: { kind: 'emergency', urgency: 'today', neededFrom: '2026-12-18', child: { childRef: `BY-${unique()}`, age: 14, sex: 'female', needs: [] } },
    });
    expect(request.status, request.text).toBe(201);
    const allocated = await call(PO, 'POST', '/v1/pool/allocations', { body: { requestId: request.json.id, bedId: bed.json.id, startDate: '2026-12-18' } });
    expect(allocated.status, allocated.text).toBe(201);
    expect(allocated.json.by).toEqual({ principal: PO });
    const own = await call('authority:thurrock', 'GET', `/v1/pool/allocations/${allocated.json.id}`);
    expect(own.json.by).toEqual({ principal: PO });
    const ended = await call('authority:thurrock', 'POST', `/v1/pool/allocations/${allocated.json.id}/end`, { body: { endDate: '2026-12-20', reason: 'CHILD' } });
    expect(ended.status, ended.text).toBe(200);
    expect(ended.json.by).toEqual({ principal: 'authority:thurrock' });
    const placement = await call('authority:thurrock', 'GET', `/v1/placements/${allocated.json.placementId}`);
    expect(placement.status, placement.text).toBe(200);
    expect(placement.json.by).toEqual({ principal: 'authority:thurrock' });
  });
});

// ---------------------------------------------------------------- person on audit entries

/** An API Gateway event as the authorizer hands it on for a signed-in person of `principal`. */
function signedInEvent(routeKey: string, principal: string, person: string, params: Record<string, string>, body?: unknown): APIGatewayProxyEvent {
  const i = routeKey.indexOf(' ');
  const [method, resource] = [routeKey.slice(0, i), routeKey.slice(i + 1)];
  return {
    httpMethod: method,
    resource,
    path: resource.replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? k),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: params,
    stageVariables: null,
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: `person-${unique()}`, authorizer: { principal, person, roles: principal.startsWith('provider:') ? 'provider-staff' : 'placement-officer' } },
  } as unknown as APIGatewayProxyEvent;
}

const invoke = async (event: APIGatewayProxyEvent) => {
  const out = (await referralsHandler(event, {} as Context)) as APIGatewayProxyResult;
  return { status: out.statusCode, json: out.body ? JSON.parse(out.body) : undefined };
};

describe('person on audit entries', () => {
  it('names the signed-in person the authorizer context gives; a key call names none; a person changing a referral is its `by`', async () => {
    const id = await referral();
    const sub = `sub-${unique()}`;
    const read = await invoke(signedInEvent('GET /v1/referrals/{id}', HARBOUR, sub, { id }));
    expect(read.status).toBe(200);
    expect((await call(HARBOUR, 'GET', `/v1/referrals/${id}`)).status).toBe(200);

    const trail = await pageAll(OWNER, '/v1/audit', { referralId: id });
    const reads = trail.filter((e) => e.action === 'read');
    expect(reads).toHaveLength(2);
    expect(reads.filter((e) => e.person === sub)).toHaveLength(1);
    expect(reads.filter((e) => e.person === undefined)).toHaveLength(1);
    expect(reads.every((e) => e.principal === HARBOUR)).toBe(true);

    const officer = `sub-${unique()}`;
    const changed = await invoke(signedInEvent('POST /v1/referrals/{id}/consent', OWNER, officer, { id }, { status: 'withdrawn', recordedAt: new Date().toISOString() }));
    expect(changed.status).toBe(200);
    expect(changed.json.by).toEqual({ principal: OWNER, person: officer });
    expect(changed.json.consentHistory.at(-1).enteredBy).toEqual({ principal: OWNER, person: officer });
    // and a denied read by a signed-in person is audited with the person too
    const denied = await invoke(signedInEvent('GET /v1/referrals/{id}', HARBOUR, sub, { id }));
    expect(denied.status).toBe(404);
    const after = await pageAll(OWNER, '/v1/audit', { referralId: id });
    expect(after.filter((e) => e.outcome === 'denied' && e.person === sub)).toHaveLength(1);
  });
});
