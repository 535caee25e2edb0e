import { describe, expect, it } from 'vitest';
import { call, isProblem, pageAll } from '../support/hub.ts';
import { HOMES, placed } from '../support/placement-fixtures.ts';
import { putHome } from '../support/pool-fixtures.ts';
import { addDays, londonToday } from '../../functions/domain/calendar-days.ts';
import { listAudit } from '../../functions/store/audit.ts';
import { readPlacement } from '../../functions/store/placements.ts';

/**
 * Placements once they exist (CONTRACT.md "Offers and placements"), over real HTTP against
 * DynamoDB Local: reading and listing by each reader, the reg 11 approval, reg 13(4) notices
 * (delivered to a host of the 11 and audited; recorded as sent otherwise), ending, and who may
 * do what. Placements are made as an accepted offer makes them (test/support/placement-fixtures.ts).
 */

const ESSEX = 'authority:essex';
const SUFFOLK = 'authority:suffolk';
const PO = 'programme-office';
const today = londonToday();
const checklist = { wishesAndFeelings: true, mostAppropriate: true, relativesConsulted: true, areaAuthority: true, iroConsulted: true };
const approval = (over: Record<string, unknown> = {}) => ({ role: 'nominated-officer', approvedBy: 'J. Smith, Head of Service', approvedAt: new Date(Date.now() - 60_000).toISOString(), checklist, ...over });

describe('reading placements', () => {
  it('the placing authority and the programme office read every field of the contract\'s Placement; never the home owner, postcode or the child beyond childRef', async () => {
    const p = await placed({ home: HOMES.suffolk });
    for (const who of [ESSEX, PO]) {
      const r = await call(who, 'GET', `/v1/placements/${p.id}`);
      expect(r.status, r.text).toBe(200);
      expect(r.json).toMatchObject({
        id: p.id, authority: 'essex', childRef: p.childRef, homeUrn: p.homeUrn, homeName: p.homeName, provider: { id: 'harbour-care', name: 'Harbour Care Ltd' },
        placementType: 'K2', placementProvider: 'PR4', startDate: today, weeklyCost: 5963.5, hostAuthority: { onsCode: 'E10000029', name: 'Suffolk' },
        location: 'adjoining', over20Miles: true, approval: { required: 'nominated-officer', status: 'pending' }, status: 'awaiting-approval',
        createdAt: p.createdAt, by: { principal: ESSEX },
      });
      expect(r.json.notices).toEqual([{ id: p.notices[0]!.id, regulation: '13(4)', to: { onsCode: 'E10000029', name: 'Suffolk' }, dueBy: today, sentAt: p.notices[0]!.sentAt }]);
      expect(typeof r.json.distanceMiles).toBe('number');
      for (const hidden of ['homeOwner', 'homePostcode', 'child', 'rev', 'pk', 'type']) expect(r.json).not.toHaveProperty(hidden);
    }
  });

  it('the provider whose home it is sees {id, homeUrn, authority, startDate, status} only; another authority, another provider: 404', async () => {
    const p = await placed();
    const own = await call('provider:harbour-care', 'GET', `/v1/placements/${p.id}`);
    expect(own.status).toBe(200);
    expect(own.json).toEqual({ id: p.id, homeUrn: p.homeUrn, authority: 'essex', startDate: p.startDate, status: 'confirmed' });
    for (const who of ['authority:suffolk', 'provider:meadowview-care']) {
      const r = await call(who, 'GET', `/v1/placements/${p.id}`);
      expect(r.status, who).toBe(404);
      expect(isProblem(r)).toBe(true);
    }
    // another authority naming its own slug in a made-up id, or essex's id with its own key: nothing
    expect((await call('authority:suffolk', 'GET', `/v1/placements/${p.id.replace('plc_essex_', 'plc_suffolk_')}`)).status).toBe(404);
    expect((await call(ESSEX, 'GET', '/v1/placements/plc_essex_0000000000000')).status).toBe(404);
    expect((await call(ESSEX, 'GET', '/v1/placements/not-an-id')).status).toBe(400);
  });

  it('lists: own (with ?status= and ?noticeOverdue=true), all for the programme office, its homes\' for a provider in the reduced shape', async () => {
    const inArea = await placed();
    const awaiting = await placed({ home: HOMES.suffolk });
    const overdue = await placed({ home: HOMES.westminster, startDate: addDays(today, -3) }); // planned: due by the start date, not sent
    const notYetDue = await placed({ home: HOMES.westminster, startDate: addDays(today, 5) });
    const elsewhere = await placed({ authority: 'thurrock', home: { ...HOMES.essex, owner: 'provider:meadowview-care', provider: { id: 'meadowview-care', name: 'Meadowview' } } });

    const own = (await pageAll(ESSEX, '/v1/placements')).map((p) => p.id);
    expect(own).toEqual(expect.arrayContaining([inArea.id, awaiting.id, overdue.id, notYetDue.id]));
    expect(own).not.toContain(elsewhere.id);

    const waiting = await pageAll(ESSEX, '/v1/placements', { status: 'awaiting-approval' });
    expect(waiting.every((p) => p.status === 'awaiting-approval')).toBe(true);
    expect(waiting.map((p) => p.id)).toContain(awaiting.id);
    expect(waiting.map((p) => p.id)).not.toContain(inArea.id);

    const late = (await pageAll(ESSEX, '/v1/placements', { noticeOverdue: 'true' })).map((p) => p.id);
    expect(late).toContain(overdue.id);
    for (const id of [inArea.id, awaiting.id, notYetDue.id]) expect(late).not.toContain(id);

    const all = (await pageAll(PO, '/v1/placements')).map((p) => p.id);
    expect(all).toEqual(expect.arrayContaining([inArea.id, elsewhere.id]));

    const theirs = await pageAll('provider:meadowview-care', '/v1/placements');
    const mine = theirs.find((p) => p.id === elsewhere.id);
    expect(mine).toEqual({ id: elsewhere.id, homeUrn: elsewhere.homeUrn, authority: 'thurrock', startDate: elsewhere.startDate, status: 'awaiting-approval' }); // Essex adjoins Thurrock
    expect(theirs.map((p) => p.id)).not.toContain(inArea.id);
    expect(theirs.every((p) => Object.keys(p).every((k) => ['id', 'homeUrn', 'authority', 'startDate', 'endDate', 'status'].includes(k)))).toBe(true);
  });

  it('pages with sealed cursors: another caller\'s, another filter\'s or a made-up cursor → 400; bad queries → 400', async () => {
    await placed();
    await placed();
    const first = await call(ESSEX, 'GET', '/v1/placements', { query: { limit: 1 } });
    expect(first.status).toBe(200);
    expect(first.json.items).toHaveLength(1);
    const cursor = first.json.nextCursor as string;
    expect(cursor).toBeTruthy();
    expect((await call(ESSEX, 'GET', '/v1/placements', { query: { limit: 1, cursor } })).status).toBe(200);
    expect((await call('authority:thurrock', 'GET', '/v1/placements', { query: { cursor } })).status).toBe(400);
    expect((await call(ESSEX, 'GET', '/v1/placements', { query: { cursor, status: 'confirmed' } })).status).toBe(400);
    expect((await call(ESSEX, 'GET', '/v1/placements', { query: { cursor: 'made-up' } })).status).toBe(400);
    for (const query of [{ status: 'placed' }, { noticeOverdue: 'yes' }, { limit: 0 }, { limit: 101 }, { other: 'x' }]) {
      expect((await call(ESSEX, 'GET', '/v1/placements', { query })).status, JSON.stringify(query)).toBe(400);
    }
    expect((await call('provider:harbour-care', 'GET', '/v1/placements', { query: { noticeOverdue: 'true' } })).status).toBe(400);
  });
});

describe('approval (CPPCR reg 11)', () => {
  it('422 naming every failure: each unchecked reg 11(2) item, a nominated officer where the director is required, a time in the future; nothing changes', async () => {
    const far = await placed({ home: HOMES.westminster });
    const r = await call(ESSEX, 'POST', `/v1/placements/${far.id}/approval`, {
      body: approval({ checklist: { ...checklist, relativesConsulted: false, iroConsulted: false }, approvedAt: new Date(Date.now() + 3_600_000).toISOString() }),
    });
    expect(r.status, r.text).toBe(422);
    expect(r.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['approvedAt', 'checklist.iroConsulted', 'checklist.relativesConsulted', 'role']);
    expect((await readPlacement({ kind: 'authority', id: 'essex' }, far.id, true)).status).toBe('awaiting-approval');
  });

  it('200 confirmed with the approval recorded; the director satisfies a nominated-officer requirement; then 409; in area never awaits: 409', async () => {
    const near = await placed({ home: HOMES.suffolk });
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const r = await call(ESSEX, 'POST', `/v1/placements/${near.id}/approval`, { body: approval({ role: 'director-of-childrens-services', approvedAt: at }) });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ status: 'confirmed', approval: { required: 'nominated-officer', status: 'approved', role: 'director-of-childrens-services', approvedBy: 'J. Smith, Head of Service', approvedAt: at }, by: { principal: ESSEX } });
    expect((await call(ESSEX, 'GET', `/v1/placements/${near.id}`)).json.status).toBe('confirmed');
    expect((await call(ESSEX, 'POST', `/v1/placements/${near.id}/approval`, { body: approval() })).status).toBe(409);
    const inArea = await placed();
    expect((await call(ESSEX, 'POST', `/v1/placements/${inArea.id}/approval`, { body: approval() })).status).toBe(409);
  });

  it('only the placing authority: another authority 404; a provider or the programme office 403; bad bodies 400', async () => {
    const p = await placed({ home: HOMES.suffolk });
    expect((await call(SUFFOLK, 'POST', `/v1/placements/${p.id}/approval`, { body: approval() })).status).toBe(404);
    expect((await call(PO, 'POST', `/v1/placements/${p.id}/approval`, { body: approval() })).status).toBe(403);
    expect((await call('provider:harbour-care', 'POST', `/v1/placements/${p.id}/approval`, { body: approval() })).status).toBe(403);
    for (const body of [approval({ extra: 1 }), approval({ role: 'social-worker' }), approval({ checklist: { wishesAndFeelings: true } }), approval({ approvedBy: ' ' })]) {
      expect((await call(ESSEX, 'POST', `/v1/placements/${p.id}/approval`, { body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await readPlacement({ kind: 'authority', id: 'essex' }, p.id, true)).approval.status).toBe('pending');
  });

  it('under 20 concurrent approvals exactly one wins; the rest are 409', async () => {
    const p = await placed({ home: HOMES.suffolk });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => call(ESSEX, 'POST', `/v1/placements/${p.id}/approval`, { body: approval({ approvedBy: `Officer ${i}` }) })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const winner = answers.find((a) => a.status === 200)!.json.approval.approvedBy;
    expect((await readPlacement({ kind: 'authority', id: 'essex' }, p.id, true)).approval.approvedBy).toBe(winner);
  });
});

describe('notices (CPPCR reg 13(4))', () => {
  it('a notice delivered to a host of the 11: the host reads it at GET /v1/notices without childRef, each read audited under host-authority-notification', async () => {
    const referralId = crypto.randomUUID();
    const p = await placed({ home: HOMES.suffolk, referralId });
    const pool = await placed({ home: HOMES.suffolk, allocationId: 'alc_essex_0mpdw4sg05e3a8f1c7d2', emergencyPool: true });
    const notices = await pageAll(SUFFOLK, '/v1/notices');
    const seen = notices.find((n) => n.id === p.notices[0]!.id);
    expect(seen).toEqual({
      id: p.notices[0]!.id, regulation: '13(4)', from: 'essex', homeUrn: p.homeUrn, homeName: p.homeName, startDate: p.startDate,
      child: { age: 14, sex: 'female', needs: ['self-harm'] }, sentAt: p.notices[0]!.sentAt,
    });
    expect(JSON.stringify(notices)).not.toContain(p.childRef);
    expect(JSON.stringify(notices)).not.toContain(p.id);

    // the placing authority's trail: under the referral when there is one, else under the placement
    const trail = await call(ESSEX, 'GET', '/v1/audit', { query: { referralId } });
    expect(trail.status, trail.text).toBe(200);
    expect(trail.json.items).toContainEqual(expect.objectContaining({
      principal: SUFFOLK, action: 'notice-read', referralId, placementId: p.id, agreementId: 'commission-east-placements-isp', purpose: 'host-authority-notification',
      outcome: 'allowed', fields: ['child.age', 'child.sex', 'child.needs'],
    }));
    const poolTrail = await listAudit({ referralId: pool.id }, { list: 'test', limit: 100 });
    expect(poolTrail.items).toContainEqual(expect.objectContaining({ principal: SUFFOLK, action: 'notice-read', placementId: pool.id, outcome: 'allowed' }));
    expect(poolTrail.items[0]).not.toHaveProperty('referralId');
    // the host does not read the placement itself, nor does anyone else read the notice
    expect((await call(SUFFOLK, 'GET', `/v1/placements/${p.id}`)).status).toBe(404);
    for (const who of ['authority:norfolk', ESSEX]) {
      expect((await pageAll(who, '/v1/notices')).map((n) => n.id)).not.toContain(p.notices[0]!.id);
    }
    expect((await call('provider:harbour-care', 'GET', '/v1/notices')).status).toBe(403);
  });

  it('a host outside the 11: the placing authority records the sending; again 409, in the future 422, unknown notice 404, another authority 404', async () => {
    const p = await placed({ home: HOMES.westminster, startDate: addDays(today, -2) });
    const notice = p.notices[0]!;
    expect(notice.sentAt).toBeUndefined();
    const path = `/v1/placements/${p.id}/notices/${notice.id}/sent`;
    const future = await call(ESSEX, 'POST', path, { body: { sentAt: new Date(Date.now() + 3_600_000).toISOString() } });
    expect(future.status).toBe(422);
    expect(future.json.errors).toEqual([{ path: 'sentAt', message: 'is in the future' }]);
    expect((await call('authority:thurrock', 'POST', path, { body: { sentAt: new Date().toISOString() } })).status).toBe(404);
    expect((await call(ESSEX, 'POST', `/v1/placements/${p.id}/notices/ntc_0000000000000/sent`, { body: { sentAt: new Date().toISOString() } })).status).toBe(404);
    expect((await pageAll(ESSEX, '/v1/placements', { noticeOverdue: 'true' })).map((x) => x.id)).toContain(p.id);

    const sentAt = new Date(Date.now() - 60_000).toISOString();
    const r = await call(ESSEX, 'POST', path, { body: { sentAt } });
    expect(r.status, r.text).toBe(200);
    expect(r.json.notices).toEqual([{ ...notice, sentAt }].map(({ deliveredTo: _d, ...n }) => n));
    expect((await call(ESSEX, 'POST', path, { body: { sentAt } })).status).toBe(409);
    expect((await pageAll(ESSEX, '/v1/placements', { noticeOverdue: 'true' })).map((x) => x.id)).not.toContain(p.id);
  });

  it('a notice sent racing the approval: both land (neither change is lost)', async () => {
    const p = await placed({ home: HOMES.westminster });
    const [a, b] = await Promise.all([
      call(ESSEX, 'POST', `/v1/placements/${p.id}/approval`, { body: approval({ role: 'director-of-childrens-services' }) }),
      call(ESSEX, 'POST', `/v1/placements/${p.id}/notices/${p.notices[0]!.id}/sent`, { body: { sentAt: new Date().toISOString() } }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const after = await readPlacement({ kind: 'authority', id: 'essex' }, p.id, true);
    expect(after.status).toBe('confirmed');
    expect(after.notices[0]!.sentAt).toBeDefined();
  });
});

describe('ending (SSDA903 REC and REASON_PLACE_CHANGE)', () => {
  it('422 naming each problem; 200 ended; then 409', async () => {
    const p = await placed({ startDate: addDays(today, -10) });
    const path = `/v1/placements/${p.id}/end`;
    const bad = await call(ESSEX, 'POST', path, { body: { endDate: addDays(today, -11), reasonEpisodeCeased: 'X1' } });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['endDate', 'reasonPlaceChange']);
    const codes = await call(ESSEX, 'POST', path, { body: { endDate: today, reasonEpisodeCeased: 'X9', reasonPlaceChange: 'NOPE' } });
    expect(codes.status).toBe(422);
    expect(codes.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['reasonEpisodeCeased', 'reasonPlaceChange']);
    expect((await call(ESSEX, 'POST', path, { body: { endDate: today, reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CARPL', note: 'x' } })).status).toBe(400);

    const r = await call(ESSEX, 'POST', path, { body: { endDate: today, reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CARPL' } });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ status: 'ended', endDate: today, reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CARPL', by: { principal: ESSEX } });
    expect((await call(ESSEX, 'POST', path, { body: { endDate: today, reasonEpisodeCeased: 'E11' } })).status).toBe(409);
    expect((await call('provider:harbour-care', 'GET', `/v1/placements/${p.id}`)).json).toMatchObject({ status: 'ended', endDate: today });
  });

  it('the programme office ends a pool placement, not another; another authority 404; a provider 403', async () => {
    const pool = await placed({ allocationId: 'alc_essex_0mpdw4sg05e3a8f1c7d2', startDate: addDays(today, -3) });
    const offer = await placed({ startDate: addDays(today, -3) });
    const end = { endDate: today, reasonEpisodeCeased: 'E11' };
    expect((await call(PO, 'POST', `/v1/placements/${offer.id}/end`, { body: end })).status).toBe(403);
    expect((await call('authority:thurrock', 'POST', `/v1/placements/${pool.id}/end`, { body: end })).status).toBe(404);
    expect((await call('provider:harbour-care', 'POST', `/v1/placements/${pool.id}/end`, { body: end })).status).toBe(403);
    const r = await call(PO, 'POST', `/v1/placements/${pool.id}/end`, { body: end });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ status: 'ended', by: { principal: PO } });
    expect((await readPlacement({ kind: 'authority', id: 'essex' }, offer.id, true)).status).toBe('confirmed');
  });
});

describe('a placement a pool allocation made (not a fixture)', () => {
  it('is read, approved and noticed through these routes: Southend reads it, Hertfordshire reads its notice, the director approves', async () => {
    const home = await putHome({ outcode: 'AL1', authority: 'hertfordshire', name: 'Beech House' });
    const bed = await call(PO, 'POST', '/v1/pool/beds', { body: { homeUrn: home.urn, kind: 'emergency', weeklyCost: 7000, contractRef: `PLC-${home.urn}`, from: addDays(today, -30) } });
    expect(bed.status, bed.text).toBe(201);
    const request = await call('authority:southend-on-sea', 'POST', '/v1/pool/requests', {
      body: { kind: 'emergency', urgency: 'today', neededFrom: today, child: { childRef: `SOS-${home.urn}`, age: 14, sex: 'female', needs: ['semh'] }, homeOutcode: 'SS1' },
    });
    expect(request.status, request.text).toBe(201);
    const allocation = await call(PO, 'POST', '/v1/pool/allocations', { body: { requestId: request.json.id, bedId: bed.json.id, startDate: today } });
    expect(allocation.status, allocation.text).toBe(201);
    const id = allocation.json.placementId as string;

    const own = await call('authority:southend-on-sea', 'GET', `/v1/placements/${id}`);
    expect(own.status, own.text).toBe(200);
    expect(own.json).toMatchObject({ allocationId: allocation.json.id, location: 'at-distance', status: 'awaiting-approval', approval: { required: 'director-of-childrens-services' } });
    const noticeId = own.json.notices[0].id as string;
    expect((await pageAll('authority:hertfordshire', '/v1/notices')).find((n) => n.id === noticeId)).toMatchObject({ from: 'southend-on-sea', homeUrn: home.urn, child: { age: 14, sex: 'female', needs: ['semh'] } });
    expect((await call('authority:southend-on-sea', 'POST', `/v1/placements/${id}/approval`, { body: approval() })).status).toBe(422); // a nominated officer, at a distance
    const approved = await call('authority:southend-on-sea', 'POST', `/v1/placements/${id}/approval`, { body: approval({ role: 'director-of-childrens-services' }) });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json.status).toBe('confirmed');
  });
});
