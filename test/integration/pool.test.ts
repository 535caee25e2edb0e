import { describe, expect, it } from 'vitest';
import { call, isProblem, pageAll, unique } from '../support/hub.ts';
import { placementsOfAllocations, putHome } from '../support/pool-fixtures.ts';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BED_CLAIM_MS, bedAudit, getBed } from '../../functions/store/pool.ts';
import { config, dynamo } from '../../functions/store/config.ts';
import * as keys from '../../functions/store/keys.ts';
import { addDays, londonToday } from '../../functions/domain/calendar-days.ts';

const PO = 'programme-office';
const today = londonToday();

async function newBed(over: Record<string, unknown> = {}, homeOver: Parameters<typeof putHome>[0] = {}) {
  const home = await putHome(homeOver);
  const r = await call(PO, 'POST', '/v1/pool/beds', {
    body: { homeUrn: home.urn, kind: 'emergency', weeklyCost: 7000, contractRef: `BLOCK-${unique()}`, from: addDays(today, -30), ...over },
  });
  expect(r.status, r.text).toBe(201);
  return r.json.id as string;
}

async function newRequest(who: string, over: Record<string, unknown> = {}) {
  const r = await call(who, 'POST', '/v1/pool/requests', {
    body: {
      kind: 'emergency',
      urgency: 'today',
      neededFrom: today,
      child: { childRef: `C-${unique()}`, age: 14, sex: 'female', needs: ['self-harm'] },
      homeOutcode: 'CM2',
      ...over,
    },
  });
  expect(r.status, r.text).toBe(201);
  return r.json.id as string;
}

const allocate = (requestId: string, bedId: string, startDate = today, headers: Record<string, string> = {}) =>
  call(PO, 'POST', '/v1/pool/allocations', { body: { requestId, bedId, startDate }, headers });

describe('pooled beds', () => {
  it('the programme office registers a bed on a known home; it lists with its status for authorities', async () => {
    const id = await newBed({ shares: { essex: 0.5, suffolk: 0.25, norfolk: 0.25 }, to: addDays(today, 300), weeklyCost: 5963.5 });
    expect(id).toMatch(/^bed_/);
    const one = await call('authority:luton', 'GET', `/v1/pool/beds/${id}`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ id, kind: 'emergency', status: 'available', weeklyCost: 5963.5, shares: { essex: 0.5, suffolk: 0.25, norfolk: 0.25 } });
    expect(one.json.allocation).toBeUndefined();
    expect((await pageAll('authority:luton', '/v1/pool/beds')).some((b: any) => b.id === id && b.status === 'available')).toBe(true);
  });

  it('refuses bad beds: unknown home 422, shares not summing to 1 or naming a stranger 400, unknown fields 400, authorities 403', async () => {
    const home = await putHome();
    const base = { homeUrn: home.urn, kind: 'move-on', weeklyCost: 4200, contractRef: 'BLOCK-1', from: today };
    const unknownHome = await call(PO, 'POST', '/v1/pool/beds', { body: { ...base, homeUrn: 'SC999999' } });
    expect(unknownHome.status).toBe(422);
    expect(isProblem(unknownHome)).toBe(true);
    expect(unknownHome.json.errors).toEqual([{ path: 'homeUrn', message: 'unknown home' }]);
    for (const body of [
      { ...base, shares: { essex: 0.5, norfolk: 0.4 } },
      { ...base, shares: { atlantis: 1 } },
      { ...base, weeklyCost: 10.123 },
      { ...base, weeklyCost: 0 },
      { ...base, to: addDays(today, -1) },
      { ...base, kind: 'respite' },
      { ...base, colour: 'blue' },
    ]) {
      const r = await call(PO, 'POST', '/v1/pool/beds', { body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.errors.length).toBeGreaterThan(0);
    }
    expect((await call('authority:essex', 'POST', '/v1/pool/beds', { body: base })).status).toBe(403);
    expect((await call('provider:harbour-care', 'GET', '/v1/pool/beds')).status).toBe(403);
    expect((await call(PO, 'GET', '/v1/pool/beds/bed_0000000000000nope')).status).toBe(404);
  });

  it('a free bed goes out of service and back; an occupied one cannot', async () => {
    const bedId = await newBed();
    const off = await call(PO, 'PATCH', `/v1/pool/beds/${bedId}`, { body: { status: 'out-of-service' } });
    expect(off.status).toBe(200);
    expect(off.json.status).toBe('out-of-service');
    const req = await newRequest('authority:essex');
    const refused = await allocate(req, bedId);
    expect(refused.status).toBe(409);
    expect(refused.json.errors).toEqual([{ path: 'bedId', message: 'bed-not-available' }]);
    expect((await call(PO, 'PATCH', `/v1/pool/beds/${bedId}`, { body: { status: 'available' } })).json.status).toBe('available');
    expect((await allocate(req, bedId)).status).toBe(201);
    const busy = await call(PO, 'PATCH', `/v1/pool/beds/${bedId}`, { body: { status: 'out-of-service' } });
    expect(busy.status).toBe(409);
    expect((await getBed(bedId))!.status).toBe('occupied');
  });
});

describe('pool requests', () => {
  it('are the owning authority\'s: others get 404, the programme office sees all', async () => {
    const id = await newRequest('authority:essex');
    expect(id).toMatch(/^req_essex_/);
    const own = await call('authority:essex', 'GET', `/v1/pool/requests/${id}`);
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ id, authority: 'essex', status: 'pending', kind: 'emergency', urgency: 'today', homeOutcode: 'CM2' });
    const other = await call('authority:norfolk', 'GET', `/v1/pool/requests/${id}`);
    expect(other.status).toBe(404);
    expect(isProblem(other)).toBe(true);
    // naming essex's id under norfolk's own prefix finds nothing either
    expect((await call('authority:norfolk', 'GET', `/v1/pool/requests/${id.replace('req_essex_', 'req_norfolk_')}`)).status).toBe(404);
    expect((await call(PO, 'GET', `/v1/pool/requests/${id}`)).status).toBe(200);
    expect((await call('provider:harbour-care', 'GET', `/v1/pool/requests/${id}`)).status).toBe(403);

    const norfolks = await call('authority:norfolk', 'GET', '/v1/pool/requests', { query: { limit: 100 } });
    expect(norfolks.json.items.every((r: any) => r.authority === 'norfolk')).toBe(true);
    const essexs = await call('authority:essex', 'GET', '/v1/pool/requests', { query: { limit: 100 } });
    expect(essexs.json.items.some((r: any) => r.id === id)).toBe(true);
    expect(essexs.json.items.every((r: any) => r.authority === 'essex')).toBe(true);
  });

  it('pages to the end with cursors and rejects a forged cursor', async () => {
    const mine = new Set<string>();
    for (let i = 0; i < 5; i++) mine.add(await newRequest('authority:bedford'));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call('authority:bedford', 'GET', '/v1/pool/requests', { query: { limit: 2, cursor } });
      expect(page.status).toBe(200);
      expect(page.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.items.map((r: any) => r.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of mine) expect(seen).toContain(id);
    const forged = await call('authority:bedford', 'GET', '/v1/pool/requests', { query: { cursor: 'bm90LWpzb24' } });
    expect(forged.status).toBe(400);
    expect((await call('authority:bedford', 'GET', '/v1/pool/requests', { query: { limit: 0 } })).status).toBe(400);
  });

  it('are validated: an unknown outcode or a name field is 400 and nothing is stored', async () => {
    const childRef = `T-${unique()}`;
    const bad = await call('authority:thurrock', 'POST', '/v1/pool/requests', {
      body: { kind: 'emergency', urgency: 'today', neededFrom: today, child: { childRef, age: 14, sex: 'female', needs: [] }, homeOutcode: 'ZZ99' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: any) => e.path)).toEqual(['homeOutcode']);
    const named = await call('authority:thurrock', 'POST', '/v1/pool/requests', {
      body: { kind: 'emergency', urgency: 'today', neededFrom: today, child: { childRef, age: 14, sex: 'female', needs: [], name: 'Jo' } },
    });
    expect(named.status).toBe(400);
    expect(named.json.errors).toEqual([{ path: 'child.name', message: 'unknown field' }]);
    expect((await call(PO, 'POST', '/v1/pool/requests', { body: {} })).status).toBe(403);
    const control = await newRequest('authority:thurrock', { child: { childRef: `${childRef}-ok`, age: 14, sex: 'female', needs: [] } });
    const stored = await pageAll('authority:thurrock', '/v1/pool/requests');
    expect(stored.map((r: any) => r.id)).toContain(control);
    expect(stored.map((r: any) => r.child?.childRef)).toContain(`${childRef}-ok`);
    expect(stored.map((r: any) => r.child?.childRef)).not.toContain(childRef);
  });

  it('the owner cancels while pending; others 404; a second cancel 409', async () => {
    const id = await newRequest('authority:luton');
    expect((await call('authority:norfolk', 'POST', `/v1/pool/requests/${id}/cancel`)).status).toBe(404);
    expect((await call(PO, 'POST', `/v1/pool/requests/${id}/cancel`)).status).toBe(403);
    const ok = await call('authority:luton', 'POST', `/v1/pool/requests/${id}/cancel`);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ id, status: 'cancelled' });
    const again = await call('authority:luton', 'POST', `/v1/pool/requests/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.json.errors).toEqual([{ path: 'requestId', message: 'request-not-pending' }]);
    const bedId = await newBed();
    const refused = await allocate(id, bedId);
    expect(refused.status).toBe(409);
    expect(refused.json.errors).toEqual([{ path: 'requestId', message: 'request-not-pending' }]);
    expect((await getBed(bedId))!.status).toBe('available');
  });
});

describe('candidates', () => {
  it('lists matching beds best first for the programme office; hard rules keep a home out; authorities 403', async () => {
    const supports = await newBed({}, { supports: ['self-harm'], outcode: 'CM1' });
    const silent = await newBed({}, { outcode: 'CM1' });
    const excludes = await newBed({}, { excludes: ['self-harm'] });
    const tooOld = await newBed({}, { ageRange: { min: 16, max: 17 } });
    const moveOn = await newBed({ kind: 'move-on' }, { supports: ['self-harm'] });
    const req = await newRequest('authority:essex');
    const items: any[] = [];
    let cursor: string | undefined;
    do {
      const page = await call(PO, 'GET', `/v1/pool/requests/${req}/candidates`, { query: { limit: 100, cursor } });
      expect(page.status).toBe(200);
      items.push(...page.json.items);
      cursor = page.json.nextCursor;
    } while (cursor);
    const ids = items.map((c) => c.bedId);
    expect(ids).toContain(supports);
    expect(ids).toContain(silent);
    expect(ids).not.toContain(excludes);
    expect(ids).not.toContain(tooOld);
    expect(ids).not.toContain(moveOn);
    expect(ids.indexOf(supports)).toBeLessThan(ids.indexOf(silent));
    for (let i = 1; i < items.length; i++) expect(items[i - 1].score).toBeGreaterThanOrEqual(items[i].score);
    const c = items.find((x) => x.bedId === supports);
    expect(c).toMatchObject({ kind: 'emergency', homeUrn: expect.stringMatching(/^SC\d{6}$/) });
    expect(c.distanceMiles).toBeTypeOf('number');
    expect(c.reasons.length).toBeGreaterThan(0);
    expect((await call('authority:essex', 'GET', `/v1/pool/requests/${req}/candidates`)).status).toBe(403);
    const allocating = await allocate(req, excludes);
    expect(allocating.status).toBe(422);
    expect(allocating.json.errors).toEqual([{ path: 'bedId', message: 'home-cannot-take-child' }]);
  });
});

describe('allocation', () => {
  it('the programme office allocates atomically; the loser of a bed or a request gets 409 with a reason', async () => {
    const bedId = await newBed();
    const req = await newRequest('authority:suffolk');
    const r = await allocate(req, bedId);
    expect(r.status).toBe(201);
    expect(r.json).toEqual({
      id: expect.stringMatching(/^alc_suffolk_/), requestId: req, bedId, authority: 'suffolk', startDate: today, status: 'active', placementId: expect.stringMatching(/^plc_suffolk_/),
      by: { principal: PO },
    });
    const bed = await call(PO, 'GET', `/v1/pool/beds/${bedId}`);
    expect(bed.json).toMatchObject({ status: 'occupied', allocation: { id: r.json.id, requestId: req, authority: 'suffolk', startDate: today } });
    expect((await call('authority:suffolk', 'GET', `/v1/pool/requests/${req}`)).json).toMatchObject({ status: 'allocated', allocationId: r.json.id });

    const second = await allocate(await newRequest('authority:suffolk'), bedId);
    expect(second.status).toBe(409);
    expect(isProblem(second)).toBe(true);
    expect(second.json.errors).toEqual([{ path: 'bedId', message: 'bed-not-available' }]);
    const twice = await allocate(req, await newBed());
    expect(twice.status).toBe(409);
    expect(twice.json.errors).toEqual([{ path: 'requestId', message: 'request-not-pending' }]);

    const audit = await bedAudit(bedId);
    expect(audit.filter((a) => a.action === 'pool.allocate')).toEqual([
      expect.objectContaining({ allocationId: r.json.id, principal: 'programme-office', requestId: req, authority: 'suffolk' }),
    ]);
  });

  it('authority keys cannot allocate (403) and change nothing', async () => {
    const bedId = await newBed();
    const req = await newRequest('authority:essex');
    const r = await call('authority:essex', 'POST', '/v1/pool/allocations', { body: { requestId: req, bedId, startDate: today } });
    expect(r.status).toBe(403);
    expect(isProblem(r)).toBe(true);
    expect((await getBed(bedId))!.status).toBe('available');
    expect((await call('authority:essex', 'GET', `/v1/pool/requests/${req}`)).json.status).toBe('pending');
  });

  it('an authority sees its own allocations and never another\'s (404; omitted from beds and lists)', async () => {
    const bedId = await newBed();
    const req = await newRequest('authority:cambridgeshire');
    const alloc = (await allocate(req, bedId)).json;
    expect((await call('authority:cambridgeshire', 'GET', `/v1/pool/allocations/${alloc.id}`)).json).toMatchObject({ id: alloc.id, status: 'active' });
    const other = await call('authority:peterborough', 'GET', `/v1/pool/allocations/${alloc.id}`);
    expect(other.status).toBe(404);
    expect((await call('authority:peterborough', 'GET', `/v1/pool/allocations/${alloc.id.replace('alc_cambridgeshire_', 'alc_peterborough_')}`)).status).toBe(404);
    const seenByOther = await call('authority:peterborough', 'GET', `/v1/pool/beds/${bedId}`);
    expect(seenByOther.json.status).toBe('occupied');
    expect(seenByOther.json.allocation).toBeUndefined();
    expect((await call('authority:cambridgeshire', 'GET', `/v1/pool/beds/${bedId}`)).json.allocation.id).toBe(alloc.id);
    const list = await call('authority:peterborough', 'GET', '/v1/pool/allocations', { query: { limit: 100 } });
    expect(list.json.items.every((a: any) => a.authority === 'peterborough')).toBe(true);
    const own = await call('authority:cambridgeshire', 'GET', '/v1/pool/allocations', { query: { limit: 100 } });
    expect(own.json.items.some((a: any) => a.id === alloc.id)).toBe(true);
    // and cannot end it
    expect((await call('authority:peterborough', 'POST', `/v1/pool/allocations/${alloc.id}/end`, { body: { endDate: today, reason: 'CARPL' } })).status).toBe(404);
    expect((await getBed(bedId))!.status).toBe('occupied');
  });

  it('an Idempotency-Key replay returns the first answer and changes nothing; a changed body is 422', async () => {
    const bedId = await newBed();
    const req = await newRequest('authority:hertfordshire');
    const key = `alloc-${unique()}`;
    const first = await allocate(req, bedId, today, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const replay = await allocate(req, bedId, today, { 'idempotency-key': key });
    expect(replay.status).toBe(201);
    expect(replay.json).toEqual(first.json);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const changed = await allocate(req, bedId, addDays(today, 1), { 'idempotency-key': key });
    expect(changed.status).toBe(422);
    const audit = await bedAudit(bedId);
    expect(audit.filter((a) => a.action === 'pool.allocate')).toHaveLength(1);
    const own = await call('authority:hertfordshire', 'GET', '/v1/pool/allocations', { query: { limit: 100 } });
    expect(own.json.items.filter((a: any) => a.requestId === req)).toHaveLength(1);
    expect((await getBed(bedId))!.allocation!.id).toBe(first.json.id);
  });

  it('N concurrent allocations for k beds → exactly k winners, one active allocation per bed', async () => {
    const k = 4;
    const n = 40;
    const beds = await Promise.all(Array.from({ length: k }, () => newBed()));
    const requests = await Promise.all(Array.from({ length: n }, (_, i) => newRequest(i % 2 ? 'authority:essex' : 'authority:norfolk')));
    const results = await Promise.all(requests.map((req, i) => allocate(req, beds[i % k]!)));
    const winners = results.filter((r) => r.status === 201);
    const losers = results.filter((r) => r.status !== 201);
    expect(winners).toHaveLength(k);
    expect(losers.every((r) => r.status === 409 && isProblem(r))).toBe(true);
    expect(new Set(winners.map((w) => w.json.bedId)).size).toBe(k);
    for (const bedId of beds) {
      const bed = (await getBed(bedId, true))!;
      expect(bed.status).toBe('occupied');
      expect(bed.claim).toBeUndefined();
      const won = winners.filter((w) => w.json.bedId === bedId);
      expect(won).toHaveLength(1);
      expect(bed.allocation!.id).toBe(won[0]!.json.id);
      expect((await bedAudit(bedId)).filter((a) => a.action === 'pool.allocate')).toHaveLength(1);
    }
    const allocated = await Promise.all(requests.map((id) => call(PO, 'GET', `/v1/pool/requests/${id}`)));
    expect(allocated.filter((r) => r.json.status === 'allocated')).toHaveLength(k);
    // each winner made exactly one placement, and no loser made any
    const placements = await placementsOfAllocations(['essex', 'norfolk'], new Set(results.map((r) => r.json.id).filter(Boolean)));
    expect(placements.map((p) => p.allocationId).sort()).toEqual(winners.map((w) => w.json.id).sort());
    expect(placements.map((p) => p.id).sort()).toEqual(winners.map((w) => w.json.placementId).sort());
  });

  it('one request raced onto k beds concurrently is allocated once; the other beds stay free', async () => {
    const k = 5;
    const beds = await Promise.all(Array.from({ length: k }, () => newBed()));
    const req = await newRequest('authority:central-bedfordshire');
    const results = await Promise.all(beds.map((b) => allocate(req, b)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(k - 1);
    const states = await Promise.all(beds.map((b) => getBed(b, true)));
    expect(states.filter((b) => b!.status === 'occupied')).toHaveLength(1);
    expect(states.filter((b) => b!.status === 'available')).toHaveLength(k - 1);
    expect(states.every((b) => b!.claim === undefined), 'every losing claim was released').toBe(true);
  });

  it('a bed another allocation is taking at this moment is 409; a lapsed claim blocks nothing; claims are never shown', async () => {
    const bedId = await newBed();
    const claimOn = (until: number) =>
      dynamo().send(new UpdateCommand({ TableName: config.tableName, Key: keys.poolBed(bedId), UpdateExpression: 'SET claim = :c', ExpressionAttributeValues: { ':c': { id: 'alc_essex_someoneelse0', until } } }));

    await claimOn(Date.now() + BED_CLAIM_MS);
    const seen = await call('authority:essex', 'GET', `/v1/pool/beds/${bedId}`);
    expect(seen.json.status).toBe('available');
    expect(seen.text).not.toContain('claim');
    const req = await newRequest('authority:essex');
    const taken = await allocate(req, bedId);
    expect(taken.status).toBe(409);
    expect(taken.json.errors).toEqual([{ path: 'bedId', message: 'bed-not-available' }]);
    expect(taken.json.detail).toMatch(/taking this bed/);
    expect((await call('authority:essex', 'GET', `/v1/pool/requests/${req}`)).json.status).toBe('pending');

    await claimOn(Date.now() - 1); // its holder died: the claim lapsed
    const won = await allocate(req, bedId);
    expect(won.status, won.text).toBe(201);
    const bed = (await getBed(bedId, true))!;
    expect(bed.allocation!.id).toBe(won.json.id);
    expect(bed.claim).toBeUndefined();
  });

  it('a claim that does not become an allocation is released at once', async () => {
    const bedId = await newBed();
    const req = await newRequest('authority:luton');
    expect((await call('authority:luton', 'POST', `/v1/pool/requests/${req}/cancel`)).status).toBe(200);
    // the bed is claimed first, then the request is found cancelled: refused, and the claim goes
    const refused = await allocate(req, bedId);
    expect(refused.status).toBe(409);
    expect(refused.json.errors).toEqual([{ path: 'requestId', message: 'request-not-pending' }]);
    const bed = (await getBed(bedId, true))!;
    expect(bed.status).toBe('available');
    expect(bed.claim).toBeUndefined();
    expect((await allocate(await newRequest('authority:luton'), bedId)).status).toBe(201);
  });

  it('validates input: bad ids and dates 400, unknown bed or request 422', async () => {
    const bedId = await newBed();
    const req = await newRequest('authority:essex');
    expect((await call(PO, 'POST', '/v1/pool/allocations', { body: { requestId: req, bedId, startDate: '2025-02-30' } })).status).toBe(400);
    expect((await call(PO, 'POST', '/v1/pool/allocations', { body: { requestId: 'x', bedId, startDate: today } })).status).toBe(400);
    expect((await call(PO, 'POST', '/v1/pool/allocations', { body: { requestId: req, bedId, startDate: today, extra: 1 } })).status).toBe(400);
    const unknownBed = await call(PO, 'POST', '/v1/pool/allocations', { body: { requestId: req, bedId: 'bed_00000000000000zz', startDate: today } });
    expect(unknownBed.status).toBe(422);
    const unknownReq = await call(PO, 'POST', '/v1/pool/allocations', { body: { requestId: 'req_essex_00000000000000zz', bedId, startDate: today } });
    expect(unknownReq.status).toBe(422);
    const beforeContract = await allocate(req, bedId, addDays(today, -400));
    expect(beforeContract.status).toBe(422);
    expect(beforeContract.json.errors).toEqual([{ path: 'startDate', message: 'outside-contract' }]);
    expect((await getBed(bedId))!.status).toBe('available');
  });
});

describe('ending and stepping down', () => {
  it('the owner ends an allocation with an SSDA903 reason and the bed is free from the end date', async () => {
    const bedId = await newBed();
    const req = await newRequest('authority:southend-on-sea');
    const alloc = (await allocate(req, bedId, addDays(today, -10))).json;
    expect((await call('authority:southend-on-sea', 'POST', `/v1/pool/allocations/${alloc.id}/end`, { body: { endDate: today, reason: 'NOPE' } })).status).toBe(400);
    const early = await call('authority:southend-on-sea', 'POST', `/v1/pool/allocations/${alloc.id}/end`, { body: { endDate: addDays(today, -11), reason: 'CARPL' } });
    expect(early.status).toBe(422);
    const ended = await call('authority:southend-on-sea', 'POST', `/v1/pool/allocations/${alloc.id}/end`, { body: { endDate: addDays(today, -2), reason: 'CARPL' } });
    expect(ended.status).toBe(200);
    expect(ended.json).toMatchObject({ id: alloc.id, status: 'ended', endDate: addDays(today, -2), reason: 'CARPL' });
    expect(ended.json.stepDown).toBeUndefined();
    const bed = await call(PO, 'GET', `/v1/pool/beds/${bedId}`);
    expect(bed.json).toMatchObject({ status: 'available', availableFrom: addDays(today, -2) });
    expect(bed.json.allocation).toBeUndefined();
    const again = await call(PO, 'POST', `/v1/pool/allocations/${alloc.id}/end`, { body: { endDate: today, reason: 'CARPL' } });
    expect(again.status).toBe(409);
    // the bed cannot be given for nights the child still held
    const overlap = await allocate(await newRequest('authority:essex'), bedId, addDays(today, -3));
    expect(overlap.status).toBe(409);
    expect(overlap.json.errors).toEqual([{ path: 'bedId', message: 'bed-not-available' }]);
    expect((await allocate(await newRequest('authority:essex'), bedId, addDays(today, -2))).status).toBe(201);
  });

  it('stepDownTo moves the child from an emergency bed into a move-on bed in one step', async () => {
    const emergency = await newBed();
    const moveOn = await newBed({ kind: 'move-on' });
    const otherEmergency = await newBed();
    const req = await newRequest('authority:norfolk');
    const alloc = (await allocate(req, emergency, addDays(today, -5))).json;
    const body = { endDate: today, reason: 'PLACE', stepDownTo: moveOn };
    expect((await call('authority:essex', 'POST', `/v1/pool/allocations/${alloc.id}/end`, { body })).status).toBe(404);
    const notMoveOn = await call(PO, 'POST', `/v1/pool/allocations/${alloc.id}/end`, { body: { ...body, stepDownTo: otherEmergency } });
    expect(notMoveOn.status).toBe(422);
    expect((await getBed(emergency))!.status).toBe('occupied');
    const r = await call(PO, 'POST', `/v1/pool/allocations/${alloc.id}/end`, { body });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ id: alloc.id, status: 'ended', endDate: today, reason: 'PLACE', steppedDownTo: r.json.stepDown.id });
    expect(r.json.stepDown).toMatchObject({ bedId: moveOn, requestId: req, authority: 'norfolk', startDate: today, status: 'active', steppedDownFrom: alloc.id });
    expect((await getBed(emergency, true))!).toMatchObject({ status: 'available', availableFrom: today });
    expect((await getBed(moveOn, true))!).toMatchObject({ status: 'occupied', allocation: { id: r.json.stepDown.id } });
    expect((await call('authority:norfolk', 'GET', `/v1/pool/allocations/${r.json.stepDown.id}`)).json.status).toBe('active');
  });

  it('the owning authority may step its own child down too, and the audit trail says who did', async () => {
    const emergency = await newBed();
    const moveOn = await newBed({ kind: 'move-on' });
    const alloc = (await allocate(await newRequest('authority:suffolk'), emergency, addDays(today, -3))).json;
    const r = await call('authority:suffolk', 'POST', `/v1/pool/allocations/${alloc.id}/end`, { body: { endDate: today, reason: 'PLACE', stepDownTo: moveOn } });
    expect(r.status, r.text).toBe(200);
    expect(r.json.stepDown).toMatchObject({ bedId: moveOn, authority: 'suffolk', status: 'active', steppedDownFrom: alloc.id });
    expect((await getBed(moveOn, true))!).toMatchObject({ status: 'occupied', allocation: { id: r.json.stepDown.id } });
    expect((await bedAudit(moveOn)).map((e: any) => e.principal)).toContain('authority:suffolk');
  });

  it('a step-down into an occupied move-on bed is 409 and changes nothing', async () => {
    const emergency = await newBed();
    const moveOn = await newBed({ kind: 'move-on' });
    const taker = await newRequest('authority:essex', { kind: 'move-on' });
    expect((await allocate(taker, moveOn)).status).toBe(201);
    const alloc = (await allocate(await newRequest('authority:essex'), emergency)).json;
    const r = await call(PO, 'POST', `/v1/pool/allocations/${alloc.id}/end`, { body: { endDate: today, reason: 'PLACE', stepDownTo: moveOn } });
    expect(r.status).toBe(409);
    expect(r.json.errors).toEqual([{ path: 'stepDownTo', message: 'bed-not-available' }]);
    expect((await getBed(emergency, true))!.status).toBe('occupied');
    expect((await call(PO, 'GET', `/v1/pool/allocations/${alloc.id}`)).json.status).toBe('active');
  });
});

describe('the ledger over HTTP', () => {
  it('answers from the allocation history: bed lines for all, only its own authority line for an authority', async () => {
    // a past year no other test touches, so the figures are exact
    const y = '2003';
    const bedA = await newBed({ from: `${y}-01-01`, to: `${y}-12-31`, weeklyCost: 700 });
    const bedB = await newBed({ from: `${y}-03-11`, to: `${y}-12-31`, weeklyCost: 1400, kind: 'move-on', shares: { essex: 1 } });
    const r1 = await newRequest('authority:essex');
    // planned: this 2003 placement's reg 13(4) notice is due by its start, with no working days to count (the feed starts in 2024)
    const r2 = await newRequest('authority:luton', { kind: 'move-on', urgency: 'planned' });
    const a1 = (await allocate(r1, bedA, `${y}-02-25`)).json; // Feb 25 → Mar 5 (end): nights 1..4 of March
    expect((await call(PO, 'POST', `/v1/pool/allocations/${a1.id}/end`, { body: { endDate: `${y}-03-05`, reason: 'CARPL' } })).status).toBe(200);
    expect((await allocate(r2, bedB, `${y}-03-21`)).status).toBe(201); // nights 21..31 = 11, still there

    const po = await call(PO, 'GET', '/v1/pool/ledger', { query: { from: `${y}-03-01`, to: `${y}-03-31` } });
    expect(po.status).toBe(200);
    expect(po.json.from).toBe(`${y}-03-01`);
    const lineA = po.json.beds.find((b: any) => b.bedId === bedA);
    const lineB = po.json.beds.find((b: any) => b.bedId === bedB);
    expect(lineA).toEqual({ bedId: bedA, kind: 'emergency', occupiedNights: 4, voidNights: 27, occupancy: 0.129, voidCost: 2700 });
    expect(lineB).toEqual({ bedId: bedB, kind: 'move-on', occupiedNights: 11, voidNights: 10, occupancy: 0.5238, voidCost: 2000 });
    expect(po.json.beds).toHaveLength(2);
    expect(po.json.authorities).toHaveLength(11);
    const essex = po.json.authorities.find((a: any) => a.authority === 'essex');
    const luton = po.json.authorities.find((a: any) => a.authority === 'luton');
    // funding: A 31 × £100 = £3,100 in elevenths; B 21 × £200 = £4,200 all Essex → Essex (3100/11 + 4200) / 7300
    const essexShare = (3100 / 11 + 4200) / 7300;
    expect(essex.nightsUsed).toBe(4);
    expect(luton.nightsUsed).toBe(11);
    expect(essex.fundedShare).toBeCloseTo(essexShare, 12);
    expect(essex.fairShareNights).toBeCloseTo(essexShare * 15, 10);
    const nightly = 7300 / 52; // £ per funded bed-night
    expect(essex.recharge).toBeCloseTo((4 - essexShare * 15) * nightly, 2);
    expect(luton.recharge).toBeCloseTo((11 - (3100 / 11 / 7300) * 15) * nightly, 2);
    for (const a of po.json.authorities) expect(a.recharge * 100).toBeCloseTo(Math.round(a.recharge * 100), 6); // whole pence

    const la = await call('authority:luton', 'GET', '/v1/pool/ledger', { query: { from: `${y}-03-01`, to: `${y}-03-31` } });
    expect(la.status).toBe(200);
    expect(la.json.beds).toEqual(po.json.beds);
    expect(la.json.authorities).toEqual([luton]);
  });

  it('refuses a period ending after today, or backwards, and providers', async () => {
    const future = await call(PO, 'GET', '/v1/pool/ledger', { query: { from: today, to: addDays(today, 1) } });
    expect(future.status).toBe(400);
    expect(future.json.errors.map((e: any) => e.path)).toEqual(['to']);
    expect((await call(PO, 'GET', '/v1/pool/ledger', { query: { from: today, to: addDays(today, -1) } })).status).toBe(400);
    expect((await call(PO, 'GET', '/v1/pool/ledger', { query: { from: today } })).status).toBe(400);
    expect((await call(PO, 'GET', '/v1/pool/ledger', { query: { from: today, to: today } })).status).toBe(200);
    expect((await call('provider:harbour-care', 'GET', '/v1/pool/ledger', { query: { from: today, to: today } })).status).toBe(403);
  });
});

describe('the OpenAPI document', () => {
  it('carries the pool routes', async () => {
    const r = await call(null, 'GET', '/openapi.json');
    expect(Object.keys(r.json.paths)).toEqual(
      expect.arrayContaining(['/v1/pool/beds', '/v1/pool/requests', '/v1/pool/requests/{id}/candidates', '/v1/pool/allocations', '/v1/pool/allocations/{id}/end', '/v1/pool/ledger']),
    );
  });
});
