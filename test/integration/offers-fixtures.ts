import { expect } from 'vitest';
import { londonToday } from '../../functions/domain/calendar-days.ts';
import type { HomeItem } from '../../functions/domain/homes.ts';
import { putHomeRecords } from '../../functions/store/homes.ts';
import { call, unique } from '../support/hub.ts';
import { newUrn } from './homes-fixtures.ts';

/** Shared fixtures for the offers tests (not a test file). */

export const OWNER = 'authority:essex';
export const HARBOUR = 'provider:harbour-care';
export const FENLAND = 'provider:fenland-childrens-homes';
export const UNNAMED = 'provider:meadowview-care'; // a party to the agreement, not named on these referrals
export const OTHER_LA = 'authority:norfolk';

export const hoursFromNow = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

/** Today in London, as the hub's "today". */
export const today = () => londonToday();

export async function referral(child: Record<string, unknown> = {}, basis: Record<string, unknown> = {}, who = OWNER): Promise<string> {
  const r = await call(who, 'POST', '/v1/referrals', {
    body: {
      agreementId: 'commission-east-placements-isp',
      purpose: 'placement-matching',
      child: { childRef: `ESX-${unique()}`, age: 14, sex: 'female', needs: ['self-harm'], homeOutcode: 'CM1', urgency: 'within-5-days', ...child },
      lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18', ...basis },
      shareWith: ['harbour-care', 'fenland-childrens-homes'],
    },
  });
  expect(r.status, r.text).toBe(201);
  return r.json.id;
}

export const offerBody = (homeUrn: string, over: Record<string, unknown> = {}) => ({
  homeUrn,
  startDate: today(),
  weeklyCost: { core: 5200 },
  holdUntil: hoursFromNow(24),
  ...over,
});

export async function offer(who: string, referralId: string, homeUrn: string, over: Record<string, unknown> = {}): Promise<any> {
  const r = await call(who, 'POST', `/v1/referrals/${referralId}/offers`, { body: offerBody(homeUrn, over) });
  expect(r.status, r.text).toBe(201);
  return r.json;
}

/** Homes of a provider written straight to the store (test data: 200 of them through HTTP would only slow the test). */
export async function homesOf(provider: 'harbour-care' | 'fenland-childrens-homes', n: number): Promise<string[]> {
  const now = new Date().toISOString();
  const homes: HomeItem[] = Array.from({ length: n }, (_, i) => ({
    urn: newUrn(), name: `Rival ${i}`, owner: `provider:${provider}`, provider: { id: provider, name: provider, group: provider }, placementType: 'K2',
    outcode: 'CM1', registeredPlaces: 4, ofstedRating: 'good', ageRange: { min: 10, max: 17 }, sexes: ['female', 'male'], supports: [], excludes: [],
    version: 1, updatedAt: now, sector: 'private', source: 'api',
  }));
  await putHomeRecords(homes);
  return homes.map((h) => h.urn);
}

export { pooled } from '../support/pooled.ts';
