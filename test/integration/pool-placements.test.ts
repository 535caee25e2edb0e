import { describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { call, isProblem, unique } from '../support/hub.ts';
import { placementsOfAllocations, putHome, storedPlacement } from '../support/pool-fixtures.ts';
import { getBed } from '../../functions/store/pool.ts';
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
