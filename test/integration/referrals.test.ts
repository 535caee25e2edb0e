import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { readAgreementsFrom } from '../../functions/store/agreements.ts';
import { AuditEntryExists, listAudit, writeAuditEntries, writeAuditEntry } from '../../functions/store/audit.ts';
import { config, dynamo } from '../../functions/store/config.ts';
import * as keys from '../../functions/store/keys.ts';
import { call, isProblem, pageAll, unique } from '../support/hub.ts';
import { putHome } from './homes-fixtures.ts';

const ISP = readAgreementsFrom('sharing-agreements').find((a) => a.id === 'commission-east-placements-isp')!;
const PROVIDER_FIELDS = ISP.purposes.find((p) => p.id === 'placement-matching')!.disclosures.find((d) => d.recipientRole === 'provider')!.fields;

const OWNER = 'authority:essex';
const NAMED = 'provider:harbour-care';
const NAMED_2 = 'provider:fenland-childrens-homes';
const UNNAMED = 'provider:meadowview-care'; // a party to the agreement, not named on these referrals
const STRANGER = 'provider:not-a-party-care'; // not a party at all
const OTHER_LA = 'authority:norfolk';
const OFFICE = 'programme-office';

function referralBody(over: Record<string, unknown> = {}, child: Record<string, unknown> = {}, basis: Record<string, unknown> = {}) {
  return {
    agreementId: 'commission-east-placements-isp',
    purpose: 'placement-matching',
    child: {
      childRef: `ESX-${unique()}`,
      age: 14,
      sex: 'female',
      needs: ['self-harm', 'going-missing'],
      homeOutcode: 'CM1',
      urgency: 'within-5-days',
      careAlongside: 'solo',
      settings: [
        { placementType: 'K2', suitability: 'suitable' },
        { placementType: 'U4', suitability: 'not-suitable' },
      ],
      siblings: { count: 1, placeTogether: 'preferred' },
      ...child,
    },
    lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18', ...basis },
    shareWith: ['harbour-care', 'fenland-childrens-homes'],
    ...over,
  };
}

async function create(over: Record<string, unknown> = {}, child: Record<string, unknown> = {}, basis: Record<string, unknown> = {}, who = OWNER): Promise<string> {
  const r = await call(who, 'POST', '/v1/referrals', { body: referralBody(over, child, basis) });
  expect(r.status, r.text).toBe(201);
  return r.json.id;
}

const trail = (id: string, who = OWNER) => pageAll(who, '/v1/audit', { referralId: id });

const consent = (id: string, status: 'withdrawn' | 'given', recordedAt = new Date().toISOString(), who = OWNER) =>
  call(who, 'POST', `/v1/referrals/${id}/consent`, { body: { status, recordedAt } });

describe('creating a referral', () => {
  it('answers 201 with the id; the owner sees every field', async () => {
    const body = referralBody();
    const r = await call(OWNER, 'POST', '/v1/referrals', { body });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ id: expect.any(String) });
    expect(r.headers.get('location')).toBe(`/v1/referrals/${r.json.id}`);

    const got = await call(OWNER, 'GET', `/v1/referrals/${r.json.id}`);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({
      id: r.json.id,
      agreementId: 'commission-east-placements-isp',
      agreementVersion: '1.0',
      purpose: 'placement-matching',
      authority: 'essex',
      child: body.child,
      lawfulBasis: body.lawfulBasis,
      shareWith: body.shareWith,
      consentHistory: [],
      responses: [],
    });
    expect(got.json.disclosed).toContain('child.childRef');
    // the owner's reads are not disclosures: nothing audited
    expect(await trail(r.json.id)).toEqual([]);

    const list = await call(OWNER, 'GET', '/v1/referrals', { query: { limit: 100 } });
    expect(list.json.items.find((i: any) => i.id === r.json.id)?.child.childRef).toBe(body.child.childRef);
  });

  it.each([
    ['a name', { name: 'Jane Doe' }, 'child.name'],
    ['a date of birth', { dateOfBirth: '2011-02-03' }, 'child.dateOfBirth'],
    ['a postcode', { postcode: 'CM1 1AA' }, 'child.postcode'],
  ])('refuses %s with 400 naming the field, and writes nothing', async (_what, extra, path) => {
    const who = 'authority:thurrock';
    const body = referralBody({}, extra);
    const r = await call(who, 'POST', '/v1/referrals', { body });
    expect(r.status).toBe(400);
    expect(isProblem(r)).toBe(true);
    expect(r.json.errors).toContainEqual({ path, message: 'unknown field' });
    const control = referralBody();
    expect((await call(who, 'POST', '/v1/referrals', { body: control })).status).toBe(201);
    const stored = (await pageAll(who, '/v1/referrals')).map((x: any) => x.child?.childRef);
    expect(stored).toContain(control.child.childRef);
    expect(stored).not.toContain(body.child.childRef);
  });

  it.each([
    ['a full postcode as the outcode', {}, { homeOutcode: 'CM1 1AA' }, {}, 'child.homeOutcode'],
    ['an outcode the hub does not know', {}, { homeOutcode: 'ZZ9' }, {}, 'child.homeOutcode'],
    ['9(2)(g) without a Schedule 1 condition', {}, {}, { schedule1Condition: undefined }, 'lawfulBasis.schedule1Condition'],
    ['a Schedule 1 condition not written part<N>-para<M>', {}, {}, { schedule1Condition: 'para18' }, 'lawfulBasis.schedule1Condition'],
    ['a Schedule 1 paragraph that part does not have', {}, {}, { schedule1Condition: 'part2-para3' }, 'lawfulBasis.schedule1Condition'],
    ['an unknown need', {}, { needs: ['arson'] }, {}, 'child.needs.0'],
    ['an unknown lawful basis field', {}, {}, { legitimateInterest: true }, 'lawfulBasis.legitimateInterest'],
    ['an unknown urgency', {}, { urgency: 'asap' }, {}, 'child.urgency'],
    ['a provider named twice', { shareWith: ['harbour-care', 'harbour-care'] }, {}, {}, 'shareWith'],
  ])('refuses %s with 400', async (_what, over, child, basis, path) => {
    const r = await call(OWNER, 'POST', '/v1/referrals', { body: referralBody(over, child, basis) });
    expect(r.status, r.text).toBe(400);
    expect(r.json.errors.map((e: any) => e.path)).toContain(path);
  });

  it.each([
    ['an agreement not on file', { agreementId: 'no-such-isp' }, 'agreementId'],
    ['a purpose the agreement does not name', { purpose: 'marketing' }, 'purpose'],
    ['a purpose that shares nothing with providers', { purpose: 'spend-analysis' }, 'purpose'],
    ['a provider that is not a party', { shareWith: ['harbour-care', 'not-a-party-care'] }, 'shareWith.1'],
  ])('refuses %s with 422', async (_what, over, path) => {
    const r = await call(OWNER, 'POST', '/v1/referrals', { body: referralBody(over) });
    expect(r.status, r.text).toBe(422);
    expect(isProblem(r)).toBe(true);
    expect(r.json.errors.map((e: any) => e.path)).toContain(path);
  });

  it('is for authorities only', async () => {
    for (const who of [NAMED, OFFICE]) expect((await call(who, 'POST', '/v1/referrals', { body: referralBody() })).status).toBe(403);
  });

  it('honours Idempotency-Key: one referral for a repeated request', async () => {
    const key = `ref-${unique()}`;
    const body = referralBody();
    const a = await call(OWNER, 'POST', '/v1/referrals', { body, headers: { 'idempotency-key': key } });
    const b = await call(OWNER, 'POST', '/v1/referrals', { body, headers: { 'idempotency-key': key } });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.json.id).toBe(a.json.id);
    const c = await call(OWNER, 'POST', '/v1/referrals', { body: referralBody(), headers: { 'idempotency-key': key } });
    expect(c.status).toBe(422);
  });
});

describe('reading a referral', () => {
  it('gives a named provider only the fields the agreement lists for it, never childRef', async () => {
    const id = await create();
    const r = await call(NAMED, 'GET', `/v1/referrals/${id}`);
    expect(r.status).toBe(200);
    expect(new Set(r.json.disclosed)).toEqual(new Set(PROVIDER_FIELDS));
    expect(Object.keys(r.json).sort()).toEqual(['agreementId', 'agreementVersion', 'authority', 'child', 'disclosed', 'id', 'purpose', 'status']);
    expect(Object.keys(r.json.child).sort()).toEqual(PROVIDER_FIELDS.filter((f) => f.startsWith('child.')).map((f) => f.slice(6)).sort());
    expect(r.json.child.childRef).toBeUndefined();
    expect(r.text).not.toContain('ESX-');
    expect(r.json.child.needs).toEqual(['self-harm', 'going-missing']);
  });

  it('answers 404 to an unnamed provider, a provider outside the agreement, another authority and the programme office — exactly as for no referral — and audits each denial', async () => {
    const id = await create();
    const missing = await call(UNNAMED, 'GET', `/v1/referrals/${crypto.randomUUID()}`);
    expect(missing.status).toBe(404);
    const requestIds: Record<string, string> = {};
    for (const who of [UNNAMED, STRANGER, OTHER_LA, OFFICE]) {
      const r = await call(who, 'GET', `/v1/referrals/${id}`);
      expect(r.status, who).toBe(404);
      expect(r.json).toEqual(missing.json);
      requestIds[who] = r.headers.get('x-request-id')!;
    }
    const entries = await trail(id);
    expect(entries).toHaveLength(4);
    for (const who of [UNNAMED, STRANGER, OTHER_LA, OFFICE]) {
      expect(entries.find((e) => e.principal === who)).toEqual({
        at: expect.any(String),
        principal: who,
        action: 'read',
        referralId: id,
        agreementId: 'commission-east-placements-isp',
        agreementVersion: '1.0',
        purpose: 'placement-matching',
        outcome: 'denied',
        fields: [],
        reasons: expect.arrayContaining(['shared-with']),
        requestId: requestIds[who],
      });
    }
  });

  it('after consent is withdrawn the named provider gets 404 on the very next read, and the denial is audited', async () => {
    const id = await create({}, {}, { consent: { status: 'given', recordedAt: '2026-01-05T10:00:00Z', by: 'SW team 3' } });
    expect((await call(NAMED, 'GET', `/v1/referrals/${id}`)).status).toBe(200);
    expect((await call(NAMED_2, 'GET', `/v1/referrals/${id}`)).status).toBe(200);

    const w = await consent(id, 'withdrawn');
    expect(w.status, w.text).toBe(200);
    expect(w.json.lawfulBasis.consent.status).toBe('withdrawn');
    expect(w.json.consentHistory.map((c: any) => c.status)).toEqual(['given', 'withdrawn']);

    const denied = await call(NAMED, 'GET', `/v1/referrals/${id}`);
    expect(denied.status).toBe(404);
    expect((await call(NAMED_2, 'GET', `/v1/referrals/${id}`)).status).toBe(404);
    const list = await call(NAMED, 'GET', '/v1/referrals', { query: { limit: 100 } });
    expect(list.json.items.map((i: any) => i.id)).not.toContain(id);
    expect((await call(OWNER, 'GET', `/v1/referrals/${id}`)).status).toBe(200);

    const entries = await trail(id);
    const denial = entries.find((e) => e.requestId === denied.headers.get('x-request-id'));
    expect(denial).toMatchObject({ principal: NAMED, action: 'read', outcome: 'denied', fields: [], reasons: ['consent'] });
    expect(entries.filter((e) => e.outcome === 'allowed')).toHaveLength(2);
    expect(entries.filter((e) => e.outcome === 'denied')).toHaveLength(2);

    // consent given again: readable again at once
    expect((await consent(id, 'given')).status).toBe(200);
    expect((await call(NAMED, 'GET', `/v1/referrals/${id}`)).status).toBe(200);
  });

  it('with consent as the basis, reads only while consent is given', async () => {
    const id = await create({}, {}, { article6: '6(1)(a)', article9: '9(2)(a)', schedule1Condition: undefined, consent: { status: 'given', recordedAt: '2026-01-05T10:00:00Z', by: 'SW' } });
    expect((await call(NAMED, 'GET', `/v1/referrals/${id}`)).status).toBe(200);
    expect((await consent(id, 'withdrawn')).status).toBe(200);
    expect((await call(NAMED, 'GET', `/v1/referrals/${id}`)).status).toBe(404);
  });

  it.each([
    ['not sought', { consent: { status: 'not-sought', recordedAt: '2026-01-05T10:00:00Z', by: 'SW' } }],
    ['not recorded', {}],
  ])('with consent as the basis but %s, the referral is stored and no provider may read it until consent is given', async (_what, record) => {
    const id = await create({}, {}, { article6: '6(1)(a)', article9: '9(2)(a)', schedule1Condition: undefined, ...record });
    expect((await call(OWNER, 'GET', `/v1/referrals/${id}`)).status).toBe(200);
    for (const who of [NAMED, NAMED_2]) expect((await call(who, 'GET', `/v1/referrals/${id}`)).status).toBe(404);
    expect((await consent(id, 'given')).status).toBe(200);
    expect((await call(NAMED, 'GET', `/v1/referrals/${id}`)).status).toBe(200);
  });

  it('consent refused at the outset blocks every provider whatever the basis', async () => {
    const id = await create({}, {}, { consent: { status: 'refused', recordedAt: '2026-01-05T10:00:00Z', by: 'SW' } });
    for (const who of [NAMED, NAMED_2]) expect((await call(who, 'GET', `/v1/referrals/${id}`)).status).toBe(404);
  });
});

describe('consent changes', () => {
  it('only the owner changes consent: another authority gets 404; a provider 403', async () => {
    const id = await create();
    expect((await consent(id, 'withdrawn', undefined, OTHER_LA)).status).toBe(404);
    expect((await consent(id, 'withdrawn', undefined, NAMED)).status).toBe(403);
    expect((await call(NAMED, 'GET', `/v1/referrals/${id}`)).status).toBe(200);
  });

  it('the latest change wins whatever its recordedAt: a withdrawal dated earlier than the record in place still blocks the next read', async () => {
    const id = await create({}, {}, { consent: { status: 'given', recordedAt: '2026-03-01T12:00:00Z', by: 'SW' } });
    expect((await call(NAMED, 'GET', `/v1/referrals/${id}`)).status).toBe(200);

    const w = await consent(id, 'withdrawn', '2026-02-01T12:00:00Z');
    expect(w.status, w.text).toBe(200);
    expect(w.json.lawfulBasis.consent).toMatchObject({ status: 'withdrawn', recordedAt: '2026-02-01T12:00:00.000Z' });
    expect((await call(NAMED, 'GET', `/v1/referrals/${id}`)).status).toBe(404);
    expect((await call(NAMED_2, 'GET', `/v1/referrals/${id}`)).status).toBe(404);

    // given again, dated earlier still: readable again at once; the history keeps every change as it arrived
    const g = await consent(id, 'given', '2026-01-15T09:00:00Z');
    expect(g.status, g.text).toBe(200);
    expect((await call(NAMED, 'GET', `/v1/referrals/${id}`)).status).toBe(200);
    const owner = await call(OWNER, 'GET', `/v1/referrals/${id}`);
    expect(owner.json.lawfulBasis.consent.status).toBe('given');
    expect(owner.json.consentHistory.map((c: any) => [c.status, c.recordedAt])).toEqual([
      ['given', '2026-03-01T12:00:00.000Z'],
      ['withdrawn', '2026-02-01T12:00:00.000Z'],
      ['given', '2026-01-15T09:00:00.000Z'],
    ]);
  });

  it('refuses a record made in the future (422) or a status other than given or withdrawn (400)', async () => {
    const id = await create();
    expect((await consent(id, 'given', new Date(Date.now() + 3_600_000).toISOString())).status).toBe(422);
    const bad = await call(OWNER, 'POST', `/v1/referrals/${id}/consent`, { body: { status: 'refused', recordedAt: '2026-03-02T00:00:00Z' } });
    expect(bad.status).toBe(400);
    expect((await call(NAMED, 'GET', `/v1/referrals/${id}`)).status).toBe(200);
  });
});

describe('the audit trail', () => {
  it('has exactly one entry per read by anyone but the owner, allowed or denied, list reads included', async () => {
    const id = await create();
    const expected: Record<string, number> = {};
    const requestIds = new Set<string>();
    const read = async (who: string, status: number) => {
      const r = await call(who, 'GET', `/v1/referrals/${id}`);
      expect(r.status).toBe(status);
      if (who !== OWNER) {
        const k = `${who} read ${status === 200 ? 'allowed' : 'denied'}`;
        expected[k] = (expected[k] ?? 0) + 1;
        requestIds.add(r.headers.get('x-request-id')!);
      }
    };
    for (let i = 0; i < 3; i++) await read(NAMED, 200);
    for (let i = 0; i < 2; i++) await read(NAMED_2, 200);
    for (let i = 0; i < 2; i++) await read(UNNAMED, 404);
    await read(OTHER_LA, 404);
    for (let i = 0; i < 4; i++) await read(OWNER, 200);
    // the provider's list: one entry per referral shown
    let cursor: string | undefined;
    let listed = 0;
    do {
      const r = await call(NAMED, 'GET', '/v1/referrals', { query: { limit: 50, cursor } });
      expect(r.status).toBe(200);
      if (r.json.items.some((i: any) => i.id === id)) {
        listed++;
        requestIds.add(r.headers.get('x-request-id')!);
      }
      cursor = r.json.nextCursor;
    } while (cursor);
    expect(listed).toBe(1);
    expected[`${NAMED} list allowed`] = 1;

    const entries = await trail(id);
    const counted: Record<string, number> = {};
    for (const e of entries) counted[`${e.principal} ${e.action} ${e.outcome}`] = (counted[`${e.principal} ${e.action} ${e.outcome}`] ?? 0) + 1;
    expect(counted).toEqual(expected);
    expect(entries).toHaveLength(9);
    expect(new Set(entries.map((e) => e.requestId))).toEqual(requestIds);
    for (const e of entries.filter((x) => x.outcome === 'allowed')) expect(new Set(e.fields)).toEqual(new Set(PROVIDER_FIELDS));
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort());
  });

  it('an entry cannot be overwritten: the conditional put refuses, the entry stands, and the API has no way to change one', async () => {
    const id = await create();
    const r = await call(NAMED, 'GET', `/v1/referrals/${id}`);
    const [entry] = await trail(id);
    expect(entry).toMatchObject({ outcome: 'allowed', requestId: r.headers.get('x-request-id') });
    await expect(writeAuditEntry({ entry: { ...entry, outcome: 'denied', fields: [] }, owner: OWNER, retentionDays: 2190 })).rejects.toBeInstanceOf(AuditEntryExists);
    // nor can it be replaced under another owner's name
    await expect(writeAuditEntry({ entry: { ...entry, principal: 'provider:someone-else' }, owner: OTHER_LA, retentionDays: 2190 })).rejects.toBeInstanceOf(AuditEntryExists);
    // a batch (a provider's list page) holding it is refused as a whole: no other entry of it is written
    const fresh = { ...entry, requestId: crypto.randomUUID() };
    await expect(writeAuditEntries([{ entry: fresh, owner: OWNER, retentionDays: 2190 }, { entry, owner: OWNER, retentionDays: 2190 }])).rejects.toBeInstanceOf(AuditEntryExists);
    expect(await trail(id)).toEqual([entry]);
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      expect((await call(OWNER, method, '/v1/audit', { body: {} })).status).toBe(405);
    }
  });

  it('keeps entries for the agreement\'s audit retention (TTL)', async () => {
    const id = await create();
    await call(NAMED, 'GET', `/v1/referrals/${id}`);
    const { Items } = await dynamo().send(new QueryCommand({
      TableName: config.tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': keys.auditTrail(id).pk }, ConsistentRead: true,
    }));
    const item = Items![0]!;
    expect(item.ttl).toBe(Math.floor(Date.parse(item.at) / 1000) + ISP.audit.retention.days * 86_400);
  });

  it('is the owner\'s and the programme office\'s to read: another authority 404, a provider 403', async () => {
    const id = await create();
    await call(UNNAMED, 'GET', `/v1/referrals/${id}`);
    expect((await call(OTHER_LA, 'GET', '/v1/audit', { query: { referralId: id } })).status).toBe(404);
    expect((await call(OTHER_LA, 'GET', '/v1/audit', { query: { referralId: crypto.randomUUID() } })).status).toBe(404);
    expect((await call(NAMED, 'GET', '/v1/audit', { query: { referralId: id } })).status).toBe(403);
    expect(await trail(id, OFFICE)).toEqual(await trail(id, OWNER));

    // an authority's whole trail holds only its own referrals' entries
    const mine = await call(OTHER_LA, 'GET', '/v1/audit', { query: { limit: 100 } });
    expect(mine.status).toBe(200);
    expect(mine.json.items.map((e: any) => e.referralId)).not.toContain(id);
  });

  it('pages to its end: by referral, by owner and for the region', async () => {
    const id = await create();
    for (let i = 0; i < 5; i++) await call(UNNAMED, 'GET', `/v1/referrals/${id}`);
    const pages: any[][] = [];
    let cursor: string | undefined;
    do {
      const r = await call(OWNER, 'GET', '/v1/audit', { query: { referralId: id, limit: 2, cursor } });
      pages.push(r.json.items);
      cursor = r.json.nextCursor;
    } while (cursor);
    expect(pages.flat()).toHaveLength(5);
    expect(pages[0]).toHaveLength(2);
    expect(new Set(pages.flat().map((e) => e.requestId)).size).toBe(5);

    for (const [who, query] of [[OWNER, {}], [OFFICE, {}]] as const) {
      const seen = await pageAll(who, '/v1/audit', query);
      expect(seen.filter((e) => e.referralId === id)).toHaveLength(5);
      // an entry is one per trail and request: a referral's, or a placement's for a notice read of a placement with no referral
      expect(new Set(seen.map((e) => `${e.referralId ?? e.placementId} ${e.requestId}`)).size).toBe(seen.length);
    }
    expect((await call(OWNER, 'GET', '/v1/audit', { query: { cursor: 'not-a-cursor' } })).status).toBe(400);
    expect((await call(OWNER, 'GET', '/v1/audit', { query: { limit: 101 } })).status).toBe(400);
  });

  it('store reads of one referral\'s trail are consistent with the API', async () => {
    const id = await create();
    await call(NAMED, 'GET', `/v1/referrals/${id}`);
    const page = await listAudit({ referralId: id }, { list: `store-test:${id}`, limit: 10 });
    expect(page.items).toEqual(await trail(id));
  });
});

describe("a provider's list", () => {
  it('shows what is shared with it and readable now, as its single read would, and pages to its end', async () => {
    const ids = [await create({ shareWith: ['meadowview-care'] }), await create({ shareWith: ['meadowview-care'] }), await create({ shareWith: ['meadowview-care'] })];
    const hidden = await create({ shareWith: ['meadowview-care'] });
    expect((await consent(hidden, 'withdrawn')).status).toBe(200);
    const notMine = await create({ shareWith: ['harbour-care'] });

    const seen: any[] = [];
    let cursor: string | undefined;
    do {
      const r = await call(UNNAMED, 'GET', '/v1/referrals', { query: { limit: 1, cursor } });
      expect(r.status).toBe(200);
      expect(r.json.items.length).toBeLessThanOrEqual(1);
      seen.push(...r.json.items);
      cursor = r.json.nextCursor;
    } while (cursor);
    const mine = seen.filter((i) => ids.includes(i.id));
    expect(mine.map((i) => i.id).sort()).toEqual([...ids].sort());
    expect(seen.map((i) => i.id)).not.toContain(hidden);
    expect(seen.map((i) => i.id)).not.toContain(notMine);
    const single = await call(UNNAMED, 'GET', `/v1/referrals/${ids[0]}`);
    expect(mine.find((i) => i.id === ids[0])).toEqual(single.json);
    for (const id of ids) {
      const entries = await trail(id);
      expect(entries.filter((e) => e.action === 'list')).toHaveLength(1);
    }
    expect(await trail(hidden)).toEqual([]);
    expect((await call(UNNAMED, 'GET', '/v1/referrals', { query: { cursor: 'bogus' } })).status).toBe(400);
    expect((await call(OFFICE, 'GET', '/v1/referrals')).status).toBe(403);
  });
});

describe('providers respond', () => {
  it('a provider that may read the referral answers it; a later answer replaces the first; the owner sees the answers', async () => {
    const id = await create();
    const a = await call(NAMED, 'POST', `/v1/referrals/${id}/responses`, { body: { response: 'interested' } });
    expect(a.status, a.text).toBe(201);
    expect(a.json).toEqual({ referralId: id, provider: NAMED, response: 'interested', respondedAt: expect.any(String), by: { principal: NAMED } });
    const b = await call(NAMED, 'POST', `/v1/referrals/${id}/responses`, { body: { response: 'declined', reason: 'no-vacancy' } });
    expect(b.status).toBe(200);
    const c = await call(NAMED_2, 'POST', `/v1/referrals/${id}/responses`, { body: { response: 'declined', reason: 'cannot-meet-needs' } });
    expect(c.status).toBe(201);
    const owner = await call(OWNER, 'GET', `/v1/referrals/${id}`);
    expect(owner.json.responses).toHaveLength(2);
    expect(owner.json.responses).toContainEqual(b.json);
    expect(owner.json.responses).toContainEqual(c.json);
    const entries = await trail(id);
    expect(entries.filter((e) => e.action === 'respond' && e.outcome === 'allowed')).toHaveLength(3);
    expect(entries.every((e) => e.fields.length === 0)).toBe(true);
  });

  it('checks the answer: a declined answer needs a coded reason; an offered home must be the provider\'s', async () => {
    const id = await create();
    for (const body of [{ response: 'declined' }, { response: 'declined', reason: 'too-busy' }, { response: 'interested', reason: 'price' }, { response: 'maybe' }, { response: 'interested', note: 'call me' }]) {
      expect((await call(NAMED, 'POST', `/v1/referrals/${id}/responses`, { body })).status, JSON.stringify(body)).toBe(400);
    }
    const urn = await putHome(NAMED_2);
    expect((await call(NAMED, 'POST', `/v1/referrals/${id}/responses`, { body: { response: 'interested', homeUrn: urn } })).status).toBe(422);
    const ok = await call(NAMED_2, 'POST', `/v1/referrals/${id}/responses`, { body: { response: 'interested', homeUrn: urn } });
    expect(ok.status).toBe(201);
    expect(ok.json.homeUrn).toBe(urn);
  });

  it('anyone not currently allowed to read it gets 404, audited', async () => {
    const id = await create();
    expect((await call(UNNAMED, 'POST', `/v1/referrals/${id}/responses`, { body: { response: 'interested' } })).status).toBe(404);
    expect((await call(NAMED, 'POST', `/v1/referrals/${crypto.randomUUID()}/responses`, { body: { response: 'interested' } })).status).toBe(404);
    await consent(id, 'withdrawn');
    expect((await call(NAMED, 'POST', `/v1/referrals/${id}/responses`, { body: { response: 'interested' } })).status).toBe(404);
    expect((await call(OWNER, 'POST', `/v1/referrals/${id}/responses`, { body: { response: 'interested' } })).status).toBe(403);
    const entries = await trail(id);
    expect(entries.map((e) => [e.principal, e.action, e.outcome])).toEqual([
      [UNNAMED, 'respond', 'denied'],
      [NAMED, 'respond', 'denied'],
    ]);
    expect((await call(OWNER, 'GET', `/v1/referrals/${id}`)).json.responses).toEqual([]);
  });
});
