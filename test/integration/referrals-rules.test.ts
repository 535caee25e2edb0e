import { describe, expect, it } from 'vitest';
import { call, isProblem, pageAll, unique } from '../support/hub.ts';
import { putHome } from './homes-fixtures.ts';

/**
 * Issue 11's defects in consent-governed sharing, over HTTP: list cursors sealed and bound to
 * the list and caller; Article 9 required with needs; an "interested" answer offering a home
 * that cannot take the child refused by the matching module's hard rules; consent records
 * dated in the future refused, in a new referral as in a consent change.
 */

const OWNER = 'authority:essex';
const OTHER_LA = 'authority:norfolk';
const NAMED = 'provider:harbour-care';
const NAMED_2 = 'provider:fenland-childrens-homes';
const OFFICE = 'programme-office';

function referralBody(child: Record<string, unknown> = {}, basis: Record<string, unknown> = {}) {
  return {
    agreementId: 'commission-east-placements-isp',
    purpose: 'placement-matching',
    child: { childRef: `ESX-${unique()}`, age: 14, sex: 'female', needs: ['self-harm', 'going-missing'], homeOutcode: 'CM1', ...child },
    lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18', ...basis },
    shareWith: ['harbour-care', 'fenland-childrens-homes'],
  };
}

async function create(who = OWNER, child: Record<string, unknown> = {}, basis: Record<string, unknown> = {}): Promise<string> {
  const r = await call(who, 'POST', '/v1/referrals', { body: referralBody(child, basis) });
  expect(r.status, r.text).toBe(201);
  return r.json.id;
}

const paths = (r: { json: any }) => (r.json?.errors ?? []).map((e: any) => e.path);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

function expectBadCursor(r: Awaited<ReturnType<typeof call>>, label: string) {
  expect(r.status, `${label}: ${r.text}`).toBe(400);
  expect(isProblem(r), label).toBe(true);
  expect(paths(r), label).toContain('cursor');
}

describe('list cursors are sealed and bound to their list and caller', () => {
  it('refuses forged cursors carrying table keys on every referral and audit list', async () => {
    const id = await create();
    await call(NAMED, 'GET', `/v1/referrals/${id}`);
    const forged = [
      b64({ sk: `REFERRAL#2099-01-01T00:00:00.000Z#${id}` }),
      b64({ sk: `REFERRAL#${'\uffff'}` }),
    ];
    for (const cursor of forged) {
      expectBadCursor(await call(OWNER, 'GET', '/v1/referrals', { query: { cursor } }), 'owner list');
      expectBadCursor(await call(NAMED, 'GET', '/v1/referrals', { query: { cursor } }), 'provider list');
    }
    const auditForged = [
      [{ referralId: id }, b64({ sk: '2000-01-01T00:00:00.000Z#x' })],
      [{}, b64({ pk: `AUDIT#${id}`, sk: '2000-01-01T00:00:00.000Z#x', gsi1sk: `2000-01-01T00:00:00.000Z#${id}#x` })],
    ] as const;
    for (const [query, cursor] of auditForged) {
      expectBadCursor(await call(OWNER, 'GET', '/v1/audit', { query: { ...query, cursor } }), `audit ${JSON.stringify(query)}`);
    }
    expectBadCursor(
      await call(OFFICE, 'GET', '/v1/audit', { query: { cursor: b64({ pk: `AUDIT#${id}`, sk: '2000-01-01T00:00:00.000Z#x', gsi2sk: `2000-01-01T00:00:00.000Z#${id}#x` }) } }),
      'region audit',
    );
  });

  it("refuses a cursor issued to another caller or for another list, and one tampered with", async () => {
    await create(OWNER);
    await create(OWNER);
    await create(OTHER_LA);
    await create(OTHER_LA);
    const ownPage = await call(OWNER, 'GET', '/v1/referrals', { query: { limit: 1 } });
    expect(ownPage.status).toBe(200);
    const cursor: string = ownPage.json.nextCursor;
    expect(cursor).toEqual(expect.any(String));
    // it works for its own caller and list
    expect((await call(OWNER, 'GET', '/v1/referrals', { query: { limit: 1, cursor } })).status).toBe(200);
    expectBadCursor(await call(OTHER_LA, 'GET', '/v1/referrals', { query: { cursor } }), "another authority's list");
    expectBadCursor(await call(NAMED, 'GET', '/v1/referrals', { query: { cursor } }), "a provider's list");
    expectBadCursor(await call(OWNER, 'GET', '/v1/audit', { query: { cursor } }), 'the audit list');

    const sharedPage = await call(NAMED, 'GET', '/v1/referrals', { query: { limit: 1 } });
    const shared: string = sharedPage.json.nextCursor;
    expect(shared).toEqual(expect.any(String));
    expectBadCursor(await call(NAMED_2, 'GET', '/v1/referrals', { query: { cursor: shared } }), "another provider's list");

    const id = await create();
    for (let i = 0; i < 3; i++) await call(NAMED, 'GET', `/v1/referrals/${id}`);
    const trailPage = await call(OWNER, 'GET', '/v1/audit', { query: { referralId: id, limit: 1 } });
    const trail: string = trailPage.json.nextCursor;
    expect(trail).toEqual(expect.any(String));
    expect((await call(OWNER, 'GET', '/v1/audit', { query: { referralId: id, limit: 1, cursor: trail } })).status).toBe(200);
    expectBadCursor(await call(OFFICE, 'GET', '/v1/audit', { query: { referralId: id, cursor: trail } }), "the office's view of the trail");
    expectBadCursor(await call(OWNER, 'GET', '/v1/audit', { query: { cursor: trail } }), "the owner's whole trail");
    const other = await create();
    await call(NAMED, 'GET', `/v1/referrals/${other}`);
    expectBadCursor(await call(OWNER, 'GET', '/v1/audit', { query: { referralId: other, cursor: trail } }), "another referral's trail");

    const tampered = `${cursor.slice(0, -2)}${cursor.endsWith('AA') ? 'AB' : 'AA'}`;
    expectBadCursor(await call(OWNER, 'GET', '/v1/referrals', { query: { cursor: tampered } }), 'tampered');
  });
});

describe('Article 9: a child\'s needs are special category data', () => {
  it('refuses a referral with needs and no article 9 condition (400 naming lawfulBasis.article9), and stores nothing', async () => {
    const who = 'authority:luton';
    const body = referralBody({}, { article9: undefined, schedule1Condition: undefined });
    const r = await call(who, 'POST', '/v1/referrals', { body });
    expect(r.status, r.text).toBe(400);
    expect(isProblem(r)).toBe(true);
    expect(paths(r)).toContain('lawfulBasis.article9');
    const stored = (await pageAll(who, '/v1/referrals')).map((x: any) => x.child?.childRef);
    expect(stored).not.toContain(body.child.childRef);
    // with no needs there is no special category data: article 9 is not needed
    const plain = referralBody({ needs: [] }, { article9: undefined, schedule1Condition: undefined });
    expect((await call(who, 'POST', '/v1/referrals', { body: plain })).status).toBe(201);
  });
});

describe('an interested answer must offer a home that can take the child', () => {
  it('refuses a male-only home for a girl with 422 naming each failed rule, using the matching rules; a suitable home is accepted', async () => {
    const id = await create();
    const maleOnly = await putHome(NAMED, { sexes: ['male'] });
    const r = await call(NAMED, 'POST', `/v1/referrals/${id}/responses`, { body: { response: 'interested', homeUrn: maleOnly } });
    expect(r.status, r.text).toBe(422);
    expect(isProblem(r)).toBe(true);
    expect(r.json.errors).toEqual([{ path: 'homeUrn', message: expect.stringContaining('does not take female children') }]);

    // every failed rule is named: sex, age range, and a need the home excludes
    const unsuitable = await putHome(NAMED, { sexes: ['male'], ageRange: { min: 16, max: 17 }, supports: [], excludes: ['self-harm'] });
    const all = await call(NAMED, 'POST', `/v1/referrals/${id}/responses`, { body: { response: 'interested', homeUrn: unsuitable } });
    expect(all.status, all.text).toBe(422);
    expect(all.json.errors.map((e: any) => e.path)).toEqual(['homeUrn', 'homeUrn', 'homeUrn']);
    const messages = all.json.errors.map((e: any) => e.message).join(' | ');
    expect(messages).toContain('excludes self-harm');
    expect(messages).toContain('takes ages 16-17');
    expect(messages).toContain('does not take female children');
    expect((await call(OWNER, 'GET', `/v1/referrals/${id}`)).json.responses).toEqual([]);

    const suitable = await putHome(NAMED, { sexes: ['female'] });
    const ok = await call(NAMED, 'POST', `/v1/referrals/${id}/responses`, { body: { response: 'interested', homeUrn: suitable } });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.json.homeUrn).toBe(suitable);
  });
});

describe('consent records dated in the future', () => {
  const inFuture = (ms: number) => new Date(Date.now() + ms).toISOString();

  it('refuses a new referral whose consent is recorded hours ahead (422), and accepts one within the 5-minute skew', async () => {
    const who = 'authority:bedford';
    const body = referralBody({}, { consent: { status: 'given', recordedAt: inFuture(3 * 3_600_000), by: 'SW' } });
    const r = await call(who, 'POST', '/v1/referrals', { body });
    expect(r.status, r.text).toBe(422);
    expect(isProblem(r)).toBe(true);
    expect(paths(r)).toContain('lawfulBasis.consent.recordedAt');
    expect((await pageAll(who, '/v1/referrals')).map((x: any) => x.child?.childRef)).not.toContain(body.child.childRef);
    const near = referralBody({}, { consent: { status: 'given', recordedAt: inFuture(4 * 60_000), by: 'SW' } });
    expect((await call(who, 'POST', '/v1/referrals', { body: near })).status).toBe(201);
  });

  it('refuses a consent change recorded hours ahead (422 naming recordedAt) and leaves consent as it was', async () => {
    const id = await create();
    const r = await call(OWNER, 'POST', `/v1/referrals/${id}/consent`, { body: { status: 'withdrawn', recordedAt: inFuture(3 * 3_600_000) } });
    expect(r.status, r.text).toBe(422);
    expect(paths(r)).toEqual(['recordedAt']);
    expect((await call(OWNER, 'GET', `/v1/referrals/${id}`)).json.consentHistory).toEqual([]);
    expect((await call(NAMED, 'GET', `/v1/referrals/${id}`)).status).toBe(200);
    const near = await call(OWNER, 'POST', `/v1/referrals/${id}/consent`, { body: { status: 'withdrawn', recordedAt: inFuture(4 * 60_000) } });
    expect(near.status, near.text).toBe(200);
  });
});
