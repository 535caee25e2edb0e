import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../functions/domain/working-days.ts';
import { DEMO_OFFERS } from '../../infra/local/demo/35-offers.ts';
import { seedDemoData, seedDemoKeys } from '../../infra/local/seed.ts';
import { call } from '../support/hub.ts';
import { startIsolatedHub, type IsolatedHub } from '../support/isolated.ts';

/**
 * The story issue 12 asks the demo to tell, read through the API with the demo keys `npm start`
 * writes: Essex's referral with two offers, one of them holding a bed of a vacancy and accepted
 * into Cambridgeshire (adjoining Essex), its placement awaiting the nominated officer's approval
 * and its reg 13(4) notice delivered to Cambridgeshire; an open offer still holding a bed; and
 * Southend-on-Sea's emergency pool placement in Hertfordshire with its 5-working-day notice.
 */

const PLACED_REFERRAL = '5e1f0000-0000-4000-8000-000000000004';
let hub: IsolatedHub;
let dir: string;
let keys: Record<string, string>;
beforeAll(async () => {
  hub = await startIsolatedHub('offers-demo');
  dir = mkdtempSync(join(tmpdir(), 'hub-demo-keys-'));
  keys = await seedDemoKeys(join(dir, 'demo-keys.json'));
  await seedDemoData({ keys });
}, 240_000);
afterAll(async () => {
  await hub?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A call with the demo key of `who`. */
const as = (who: string, method: string, path: string, query?: Record<string, string>) =>
  call(who, method, path, { baseUrl: hub.baseUrl, headers: { 'x-api-key': keys[who]! }, ...(query ? { query } : {}) });

describe('the offers and placements demo, through the API', () => {
  it("Essex's referral: two offers, the one that held a bed accepted, the other superseded", async () => {
    const referral = await as('authority:essex', 'GET', `/v1/referrals/${PLACED_REFERRAL}`);
    expect(referral.status, referral.text).toBe(200);
    expect(referral.json).toMatchObject({ status: 'placed', placedAt: expect.any(String) });
    const offers = await as('authority:essex', 'GET', `/v1/referrals/${PLACED_REFERRAL}/offers`);
    expect(offers.status, offers.text).toBe(200);
    expect(offers.json.items).toEqual([
      expect.objectContaining({ id: DEMO_OFFERS.accepted, homeUrn: 'SC900104', vacancyId: 'demo-SC900104-1', provider: expect.objectContaining({ id: 'fenland-childrens-homes' }), status: 'accepted' }),
      expect.objectContaining({ id: DEMO_OFFERS.superseded, homeUrn: 'SC900201', provider: expect.objectContaining({ id: 'harbour-care' }), status: 'superseded' }),
    ]);
    // the bed it held is taken: the vacancy has one of its two beds left, none held
    const vacancy = await as('provider:fenland-childrens-homes', 'GET', '/v1/vacancies/demo-SC900104-1');
    expect(vacancy.json).toMatchObject({ beds: 1, heldBeds: 0, status: 'open' });
  });

  it('the placement is in an adjoining authority: the nominated officer approves it, and its notice was delivered to the host', async () => {
    const list = await as('authority:essex', 'GET', '/v1/placements', { status: 'awaiting-approval' });
    expect(list.status, list.text).toBe(200);
    const placement = list.json.items.find((p: { referralId?: string }) => p.referralId === PLACED_REFERRAL);
    expect(placement).toMatchObject({
      offerId: DEMO_OFFERS.accepted, childRef: 'ESX-DEMO-0004', homeUrn: 'SC900104', hostAuthority: { name: 'Cambridgeshire' }, location: 'adjoining',
      placementProvider: 'PR4', weeklyCost: 6000, approval: { required: 'nominated-officer', status: 'pending' }, status: 'awaiting-approval',
    });
    expect(placement.notices).toEqual([expect.objectContaining({ regulation: '13(4)', to: { onsCode: 'E10000003', name: 'Cambridgeshire' }, dueBy: placement.startDate, sentAt: expect.any(String) })]);

    const notices = await as('authority:cambridgeshire', 'GET', '/v1/notices');
    expect(notices.status, notices.text).toBe(200);
    const mine = notices.json.items.filter((n: { from: string; homeUrn: string }) => n.from === 'essex' && n.homeUrn === 'SC900104');
    expect(mine).toEqual([expect.objectContaining({ regulation: '13(4)', startDate: placement.startDate, child: { age: 15, sex: 'male', needs: ['criminal-exploitation', 'going-missing'] } })]);
    expect(JSON.stringify(notices.json)).not.toContain('ESX-DEMO-0004');
  });

  it('an open offer holds a bed: its provider and the referring authority read it open, and the vacancy shows the bed held', async () => {
    const offer = await as('provider:harbour-care', 'GET', `/v1/offers/${DEMO_OFFERS.open}`);
    expect(offer.status, offer.text).toBe(200);
    expect(offer.json).toMatchObject({ status: 'open', homeUrn: 'SC900204', vacancyId: 'demo-SC900204-1' });
    expect((await as('authority:essex', 'GET', `/v1/offers/${DEMO_OFFERS.open}`)).json.status).toBe('open');
    expect((await as('provider:harbour-care', 'GET', '/v1/vacancies/demo-SC900204-1')).json).toMatchObject({ beds: 1, heldBeds: 1 });
  });

  it("Southend-on-Sea's emergency pool placement in Hertfordshire, its notice due on the 5th working day and delivered", async () => {
    const list = await as('authority:southend-on-sea', 'GET', '/v1/placements');
    const placement = list.json.items.find((p: { homeUrn: string; allocationId?: string }) => p.homeUrn === 'SC741249' && p.allocationId);
    expect(placement).toMatchObject({ childRef: 'SOS-1184', hostAuthority: { name: 'Hertfordshire' }, location: 'at-distance', approval: { required: 'director-of-childrens-services', status: 'pending' } });
    expect(placement.notices).toEqual([expect.objectContaining({ dueBy: addWorkingDays(placement.startDate, 5), sentAt: expect.any(String) })]);
    const notices = (await as('authority:hertfordshire', 'GET', '/v1/notices')).json.items;
    expect(notices.filter((n: { from: string; homeUrn: string }) => n.from === 'southend-on-sea' && n.homeUrn === 'SC741249')).toHaveLength(1);
  });

  it('seeding again changes nothing: still two offers on the referral and one placement from it', async () => {
    await seedDemoData({ keys });
    expect((await as('authority:essex', 'GET', `/v1/referrals/${PLACED_REFERRAL}/offers`)).json.items).toHaveLength(2);
    const all = (await as('authority:essex', 'GET', '/v1/placements', { limit: '100' })).json.items;
    expect(all.filter((p: { referralId?: string }) => p.referralId === PLACED_REFERRAL)).toHaveLength(1);
  });
});
