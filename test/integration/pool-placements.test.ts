import { describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { call, isProblem, unique } from '../support/hub.ts';
import { placementsOfAllocations, putHome, storedPlacement } from '../support/pool-fixtures.ts';
import { bedAudit, getBed } from '../../functions/store/pool.ts';
import { config, dynamo } from '../../functions/store/config.ts';
import * as keys from '../../functions/store/keys.ts';
import { queryAll } from '../../functions/store/query.ts';
import { addDays, londonToday } from '../../functions/domain/calendar-days.ts';
import { addWorkingDays } from '../../functions/domain/working-days.ts';
import type { HomeItem } from '../../functions/domain/homes.ts';

/**
 * Pool allocations are placements (CONTRACT.md): an allocation creates the requesting authority's
 * placement in its one transaction; ending it ends the placement (REC X1 with the end's reason);
 * a step-down starts the next placement the same day. Setting legality (reg 27A) refuses a K3 bed
 * for a child under 16. The placements routes are another feature's: placements are read from the
 * store here.
 */

const PO = 'programme-office';
const today = londonToday();
/** A Friday before Christmas: the 5th working day after is Tuesday 29 December (CONTRACT.md). */
const FRIDAY = '2026-12-18';

async function newBed(home: Partial<HomeItem> = {}, over: Record<string, unknown> = {}) {
  const h = await putHome(home);
  const r = await call(PO, 'POST', '/v1/pool/beds', { body: { homeUrn: h.urn, kind: 'emergency', weeklyCost: 7000, contractRef: `PLC-${unique()}`, from: '2026-01-01', ...over } });
  expect(r.status, r.text).toBe(201);
  return { bedId: r.json.id as string, home: h };
}

async function newRequest(authority: string, child: Record<string, unknown> = {}, over: Record<string, unknown> = {}) {
  const r = await call(`authority:${authority}`, 'POST', '/v1/pool/requests', {
    body: { kind: 'emergency', urgency: 'today', neededFrom: FRIDAY, child: { childRef: `P-${unique()}`, age: 14, sex: 'female', needs: [], ...child }, homeOutcode: 'SS1', ...over },
  });
  expect(r.status, r.text).toBe(201);
  return r.json.id as string;
}

const allocate = (requestId: string, bedId: string, startDate = FRIDAY) => call(PO, 'POST', '/v1/pool/allocations', { body: { requestId, bedId, startDate } });

/** A Hertfordshire home (AL1), a provider's. */
const HERTS: Partial<HomeItem> = { outcode: 'AL1', authority: 'hertfordshire', name: 'Beech House' };

describe('an allocation is a placement', () => {
  it("creates exactly one placement, the requesting authority's; from an emergency bed its notice is due on the 5th working day and delivered to the host", async () => {
    const { bedId, home } = await newBed(HERTS);
    const req = await newRequest('southend-on-sea', { childRef: 'SOS-EMERG-1' });
    const r = await allocate(req, bedId);
    expect(r.status, r.text).toBe(201);
    expect(r.json.placementId).toMatch(/^plc_southend-on-sea_/);

    const placements = await placementsOfAllocations(['southend-on-sea'], new Set([r.json.id]));
    expect(placements).toHaveLength(1);
    const p = placements[0]!;
    expect(p).toMatchObject({
      id: r.json.placementId, authority: 'southend-on-sea', childRef: 'SOS-EMERG-1', allocationId: r.json.id, homeUrn: home.urn,
      provider: { id: 'harbour-care' }, placementType: 'K2', placementProvider: 'PR4', startDate: FRIDAY, weeklyCost: 7000,
      hostAuthority: { onsCode: 'E10000015', name: 'Hertfordshire' }, location: 'at-distance',
      approval: { required: 'director-of-childrens-services', status: 'pending' }, status: 'awaiting-approval',
    });
    expect(p.notices).toEqual([
      { id: expect.stringMatching(/^ntc_/), regulation: '13(4)', to: { onsCode: 'E10000015', name: 'Hertfordshire' }, dueBy: '2026-12-29', sentAt: expect.any(String), deliveredTo: 'hertfordshire' },
    ]);
    expect(addWorkingDays(FRIDAY, 5)).toBe('2026-12-29');

    // delivered inside the hub: Hertfordshire's notice names the placement and the child's facts, never childRef
    const { pk, skPrefix } = keys.deliveredNoticesOf('hertfordshire');
    const notices = await queryAll({ TableName: config.tableName, KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': pk, ':s': skPrefix } });
    const mine = notices.filter((n) => n.placementId === p.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ from: 'southend-on-sea', homeUrn: home.urn, startDate: FRIDAY, child: { age: 14, sex: 'female', needs: [] } });
    expect(JSON.stringify(mine[0])).not.toContain('SOS-EMERG-1');

    // the allocation names it, to its authority too
    expect((await call('authority:southend-on-sea', 'GET', `/v1/pool/allocations/${r.json.id}`)).json.placementId).toBe(p.id);
  });

  it('in area: no notice, no approval, confirmed', async () => {
    const { bedId } = await newBed(); // CM1, Essex
    const r = await allocate(await newRequest('essex', {}, { homeOutcode: 'CM2' }), bedId);
    expect(r.status, r.text).toBe(201);
    const p = (await storedPlacement('essex', r.json.placementId))!;
    expect(p).toMatchObject({ allocationId: r.json.id, location: 'in-area', notices: [], approval: { required: 'none', status: 'not-required' }, status: 'confirmed' });
    expect(p.distanceMiles).toBeTypeOf('number');
  });

  it('ending the allocation ends its placement: REC X1 with the end\'s reason as REASON_PLACE_CHANGE', async () => {
    const { bedId } = await newBed();
    const r = await allocate(await newRequest('thurrock'), bedId);
    expect(r.status, r.text).toBe(201);
    const end = await call('authority:thurrock', 'POST', `/v1/pool/allocations/${r.json.id}/end`, { body: { endDate: '2026-12-22', reason: 'CARPL' } });
    expect(end.status, end.text).toBe(200);
    expect(end.json.placementId).toBe(r.json.placementId);
    expect(await storedPlacement('thurrock', r.json.placementId)).toMatchObject({ status: 'ended', endDate: '2026-12-22', reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CARPL' });
  });

  it('a step-down ends the emergency placement (X1) and starts the move-on placement the same day', async () => {
    const { bedId: emergency } = await newBed(HERTS);
    const { bedId: moveOn, home: moveOnHome } = await newBed({ outcode: 'SS1', authority: 'southend-on-sea', placementType: 'K2' }, { kind: 'move-on', weeklyCost: 2450 });
    const alloc = (await allocate(await newRequest('southend-on-sea', { childRef: 'SOS-STEP-1' }), emergency)).json;
    const r = await call(PO, 'POST', `/v1/pool/allocations/${alloc.id}/end`, { body: { endDate: '2027-01-08', reason: 'PLACE', stepDownTo: moveOn } });
    expect(r.status, r.text).toBe(200);
    expect(r.json.stepDown.placementId).toMatch(/^plc_southend-on-sea_/);
    expect(r.json.stepDown.placementId).not.toBe(alloc.placementId);
    expect(await storedPlacement('southend-on-sea', alloc.placementId)).toMatchObject({ status: 'ended', endDate: '2027-01-08', reasonEpisodeCeased: 'X1', reasonPlaceChange: 'PLACE' });
    const next = (await storedPlacement('southend-on-sea', r.json.stepDown.placementId))!;
    expect(next).toMatchObject({
      allocationId: r.json.stepDown.id, childRef: 'SOS-STEP-1', homeUrn: moveOnHome.urn, startDate: '2027-01-08', weeklyCost: 2450, location: 'in-area', status: 'confirmed',
    });
    expect(next.endDate).toBeUndefined();
    const both = await placementsOfAllocations(['southend-on-sea'], new Set([alloc.id, r.json.stepDown.id]));
    expect(both).toHaveLength(2);
  });

  it('a step-down out of area is a planned move: its notice is due by its start', async () => {
    const { bedId: emergency } = await newBed({ outcode: 'SS1', authority: 'southend-on-sea' });
    const { bedId: moveOn } = await newBed(HERTS, { kind: 'move-on' });
    const alloc = (await allocate(await newRequest('southend-on-sea'), emergency)).json;
    const r = await call(PO, 'POST', `/v1/pool/allocations/${alloc.id}/end`, { body: { endDate: '2027-01-08', reason: 'PLACE', stepDownTo: moveOn } });
    expect(r.status, r.text).toBe(200);
    const next = (await storedPlacement('southend-on-sea', r.json.stepDown.placementId))!;
    expect(next.location).toBe('at-distance');
    expect(next.notices.map((n) => n.dueBy)).toEqual(['2027-01-08']);
  });

  it('a placement ended already (through the placements routes) keeps its end; the allocation still ends and frees its bed', async () => {
    const { bedId } = await newBed();
    const r = await allocate(await newRequest('luton'), bedId);
    await dynamo().send(new UpdateCommand({
      TableName: config.tableName, Key: keys.placement('luton', r.json.placementId),
      UpdateExpression: 'SET #s = :e, endDate = :d, reasonEpisodeCeased = :rec', ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':e': 'ended', ':d': '2026-12-20', ':rec': 'E11' },
    }));
    const end = await call(PO, 'POST', `/v1/pool/allocations/${r.json.id}/end`, { body: { endDate: '2026-12-21', reason: 'CARPL' } });
    expect(end.status, end.text).toBe(200);
    expect((await getBed(bedId, true))!.status).toBe('available');
    const p = (await storedPlacement('luton', r.json.placementId))!;
    expect(p).toMatchObject({ status: 'ended', endDate: '2026-12-20', reasonEpisodeCeased: 'E11' });
    expect(p.reasonPlaceChange).toBeUndefined();
  });

  it('an allocation made before allocations were placements (no placementId) still ends', async () => {
    const { bedId } = await newBed();
    const r = await allocate(await newRequest('bedford'), bedId);
    await dynamo().send(new UpdateCommand({ TableName: config.tableName, Key: keys.poolAllocation('bedford', r.json.id), UpdateExpression: 'REMOVE placementId' }));
    const end = await call(PO, 'POST', `/v1/pool/allocations/${r.json.id}/end`, { body: { endDate: FRIDAY, reason: 'CARPL' } });
    expect(end.status, end.text).toBe(200);
    expect(end.json.placementId).toBeUndefined();
    expect((await storedPlacement('bedford', r.json.placementId))!.status).not.toBe('ended');
  });
});

describe('setting legality of pool allocations (reg 27A)', () => {
  it('a K3 bed for a 15-year-old is 422 naming reg-27A and changes nothing; for a 16-year-old it is allocated', async () => {
    const { bedId } = await newBed({ placementType: 'K3', ageRange: { min: 15, max: 17 } });
    const req = await newRequest('essex', { age: 15 }, { homeOutcode: 'CM2' });
    const r = await allocate(req, bedId);
    expect(r.status).toBe(422);
    expect(isProblem(r)).toBe(true);
    expect(r.json.errors).toEqual([{ path: 'bedId', message: 'reg-27A' }]);
    expect(r.json.detail).toMatch(/reg-27A/);
    const bed = (await getBed(bedId, true))!;
    expect(bed.status).toBe('available');
    expect(bed.claim).toBeUndefined();
    expect((await call('authority:essex', 'GET', `/v1/pool/requests/${req}`)).json.status).toBe('pending');

    const ok = await allocate(await newRequest('essex', { age: 16 }, { homeOutcode: 'CM2' }), bedId);
    expect(ok.status, ok.text).toBe(201);
    expect((await storedPlacement('essex', ok.json.placementId))!.placementType).toBe('K3');
  });

  it('a step-down into a K3 move-on bed for a 15-year-old is 422 reg-27A on stepDownTo; the child stays where they are', async () => {
    const { bedId: emergency } = await newBed();
    const { bedId: moveOn } = await newBed({ placementType: 'K3', ageRange: { min: 15, max: 17 } }, { kind: 'move-on' });
    const alloc = (await allocate(await newRequest('essex', { age: 15 }, { homeOutcode: 'CM2' }), emergency, today)).json;
    const r = await call(PO, 'POST', `/v1/pool/allocations/${alloc.id}/end`, { body: { endDate: addDays(today, 1), reason: 'PLACE', stepDownTo: moveOn } });
    expect(r.status).toBe(422);
    expect(r.json.errors).toEqual([{ path: 'stepDownTo', message: 'reg-27A' }]);
    expect((await getBed(emergency, true))!.status).toBe('occupied');
    expect((await getBed(moveOn, true))!.status).toBe('available');
    expect((await storedPlacement('essex', alloc.placementId))!.status).toBe('confirmed');
  });
});

describe('ending a pool placement through POST /v1/placements/{id}/end (one stay, one end)', () => {
  // a past year no other test touches (planned move-on stays: no working days to count), so the ledger's figures are exact
  const y = '2007';
  const moveOnBed = (over: Record<string, unknown> = {}) => newBed({}, { kind: 'move-on', weeklyCost: 700, from: `${y}-01-01`, to: `${y}-12-31`, ...over });
  const plannedRequest = (authority: string, neededFrom: string) =>
    newRequest(authority, {}, { kind: 'move-on', urgency: 'planned', neededFrom, homeOutcode: authority === 'essex' ? 'CM2' : 'LU1' });

  it('ends the allocation and frees the bed in the same step: a new allocation takes the bed, and the ledger counts the nights to the end', async () => {
    const { bedId } = await moveOnBed();
    const first = (await allocate(await plannedRequest('essex', `${y}-03-01`), bedId, `${y}-03-01`)).json;
    expect(first.placementId).toMatch(/^plc_essex_/);

    // the programme office may end a pool placement (CONTRACT.md), as it may end the allocation
    const end = await call(PO, 'POST', `/v1/placements/${first.placementId}/end`, { body: { endDate: `${y}-03-11`, reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CARPL' } });
    expect(end.status, end.text).toBe(200);
    expect(end.json).toMatchObject({ id: first.placementId, allocationId: first.id, status: 'ended', endDate: `${y}-03-11`, reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CARPL' });

    const allocation = await call('authority:essex', 'GET', `/v1/pool/allocations/${first.id}`);
    expect(allocation.json).toMatchObject({ status: 'ended', endDate: `${y}-03-11`, reason: 'CARPL', placementId: first.placementId });
    expect(await getBed(bedId, true)).toMatchObject({ status: 'available', availableFrom: `${y}-03-11` });
    expect((await bedAudit(bedId)).filter((e) => e.action === 'pool.end')).toEqual([
      expect.objectContaining({ allocationId: first.id, placementId: first.placementId, endDate: `${y}-03-11`, reason: 'CARPL', principal: 'programme-office' }),
    ]);

    // the bed is free from the end date: Luton's child takes it that day
    const second = await allocate(await plannedRequest('luton', `${y}-03-11`), bedId, `${y}-03-11`);
    expect(second.status, second.text).toBe(201);

    const ledger = await call(PO, 'GET', '/v1/pool/ledger', { query: { from: `${y}-03-01`, to: `${y}-03-31` } });
    expect(ledger.status, ledger.text).toBe(200);
    expect(ledger.json.beds.find((b: { bedId: string }) => b.bedId === bedId)).toMatchObject({ occupiedNights: 31, voidNights: 0 });
    const used = (a: string) => ledger.json.authorities.find((l: { authority: string }) => l.authority === a).nightsUsed;
    expect([used('essex'), used('luton')]).toEqual([10, 21]);

    // ended once: neither route ends it again
    expect((await call(PO, 'POST', `/v1/placements/${first.placementId}/end`, { body: { endDate: `${y}-03-12`, reasonEpisodeCeased: 'E11' } })).status).toBe(409);
    expect((await call(PO, 'POST', `/v1/pool/allocations/${first.id}/end`, { body: { endDate: `${y}-03-12`, reason: 'CARPL' } })).status).toBe(409);
  });

  it('the placing authority ends it too, with a REC that names no reason for the change: the allocation ends without one', async () => {
    const { bedId } = await moveOnBed();
    const a = (await allocate(await plannedRequest('essex', `${y}-05-01`), bedId, `${y}-05-01`)).json;
    const end = await call('authority:essex', 'POST', `/v1/placements/${a.placementId}/end`, { body: { endDate: `${y}-05-20`, reasonEpisodeCeased: 'E11' } });
    expect(end.status, end.text).toBe(200);
    const allocation = (await call(PO, 'GET', `/v1/pool/allocations/${a.id}`)).json;
    expect(allocation).toMatchObject({ status: 'ended', endDate: `${y}-05-20` });
    expect(allocation.reason).toBeUndefined();
    expect((await getBed(bedId, true))!.status).toBe('available');
  });

  it('the reverse still holds: ending the allocation ends the placement, as the placements routes show it', async () => {
    const { bedId } = await moveOnBed();
    const a = (await allocate(await plannedRequest('essex', `${y}-06-01`), bedId, `${y}-06-01`)).json;
    expect((await call(PO, 'POST', `/v1/pool/allocations/${a.id}/end`, { body: { endDate: `${y}-06-08`, reason: 'PLACE' } })).status).toBe(200);
    const p = await call('authority:essex', 'GET', `/v1/placements/${a.placementId}`);
    expect(p.json).toMatchObject({ status: 'ended', endDate: `${y}-06-08`, reasonEpisodeCeased: 'X1', reasonPlaceChange: 'PLACE' });
    expect((await getBed(bedId, true))!.status).toBe('available');
  });

  it('both routes at once: one ends the stay, the other is 409, and allocation, bed and placement agree', async () => {
    for (let i = 0; i < 3; i++) {
      const { bedId } = await moveOnBed();
      const a = (await allocate(await plannedRequest('essex', `${y}-07-01`), bedId, `${y}-07-01`)).json;
      const [viaPlacement, viaPool] = await Promise.all([
        call(PO, 'POST', `/v1/placements/${a.placementId}/end`, { body: { endDate: `${y}-07-10`, reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CARPL' } }),
        call(PO, 'POST', `/v1/pool/allocations/${a.id}/end`, { body: { endDate: `${y}-07-12`, reason: 'PLACE' } }),
      ]);
      expect([viaPlacement.status, viaPool.status].sort()).toEqual([200, 409]);
      const endDate = viaPlacement.status === 200 ? `${y}-07-10` : `${y}-07-12`;
      expect((await call(PO, 'GET', `/v1/pool/allocations/${a.id}`)).json).toMatchObject({ status: 'ended', endDate });
      expect((await call(PO, 'GET', `/v1/placements/${a.placementId}`)).json).toMatchObject({ status: 'ended', endDate });
      expect(await getBed(bedId, true)).toMatchObject({ status: 'available', availableFrom: endDate });
    }
  });
});
