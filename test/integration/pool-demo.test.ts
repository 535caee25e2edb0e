import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../infra/local/seed.ts';
import { getAllocation, getRequest } from '../../functions/store/pool.ts';
import { addWorkingDays } from '../../functions/domain/working-days.ts';
import { placementsOfAllocations, storedPlacement } from '../support/pool-fixtures.ts';
import { startIsolatedHub, type IsolatedHub } from '../support/isolated.ts';

/**
 * The pool's demo story (issue 12): Southend-on-Sea's child in an emergency pool bed in
 * Hertfordshire, a placement at a distance with its reg 13(4) notice delivered to Hertfordshire
 * and due on the 5th working day; Essex's child stepped down, one placement ended and the next
 * begun. Seeding again changes nothing.
 */

const PO = { kind: 'programme-office' } as const;
let hub: IsolatedHub;
beforeAll(async () => {
  hub = await startIsolatedHub('pool-demo');
  await seedDemoData({ keys: {} });
}, 180_000);
afterAll(async () => hub?.stop());

describe('the pool demo', () => {
  it("Southend-on-Sea's emergency pool placement in Hertfordshire, with its 5-working-day notice", async () => {
    const request = (await getRequest(PO, 'req_southend-on-sea_demo00000001', true))!;
    expect(request.status).toBe('allocated');
    const allocation = (await getAllocation(PO, request.allocationId!, true))!;
    const p = (await storedPlacement('southend-on-sea', allocation.placementId!))!;
    expect(p).toMatchObject({
      allocationId: allocation.id, childRef: 'SOS-1184', homeUrn: 'SC741249', hostAuthority: { name: 'Hertfordshire' }, location: 'at-distance',
      approval: { required: 'director-of-childrens-services', status: 'pending' }, status: 'awaiting-approval', startDate: allocation.startDate,
    });
    expect(p.notices).toEqual([expect.objectContaining({ regulation: '13(4)', dueBy: addWorkingDays(allocation.startDate, 5), deliveredTo: 'hertfordshire', sentAt: expect.any(String) })]);
  });

  it("Essex's child stepped down: the emergency placement ended X1, the move-on placement began that day", async () => {
    const request = (await getRequest(PO, 'req_essex_demo00000001', true))!;
    const emergency = (await getAllocation(PO, request.allocationId!, true))!;
    const moveOn = (await getAllocation(PO, emergency.steppedDownTo!, true))!;
    expect(await storedPlacement('essex', emergency.placementId!)).toMatchObject({ status: 'ended', endDate: moveOn.startDate, reasonEpisodeCeased: 'X1', reasonPlaceChange: 'PLACE' });
    expect(await storedPlacement('essex', moveOn.placementId!)).toMatchObject({ startDate: moveOn.startDate, homeUrn: 'SC741225', location: 'adjoining' });
  });

  it('seeding again writes no second placement', async () => {
    await seedDemoData({ keys: {} });
    const request = (await getRequest(PO, 'req_southend-on-sea_demo00000001', true))!;
    expect(await placementsOfAllocations(['southend-on-sea'], new Set([request.allocationId!]))).toHaveLength(1);
  });
});
