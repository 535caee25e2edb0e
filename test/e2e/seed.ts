import { expect } from 'vitest';
import { demoKeys } from './local-hub.ts';

/**
 * What the page tests set up through the real API with the demo keys (each organisation's own
 * system): homes, vacancies, referrals, offers, pooled beds and requests.
 */

export function hubApi(baseUrl: string, dataDir: string) {
  return async function api(who: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'x-api-key': demoKeys(dataDir)[who]!, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json().catch(() => undefined)) as any;
    expect(res.status, `${method} ${path}: ${JSON.stringify(json)}`).toBeLessThan(300);
    return json;
  };
}
export type HubApi = ReturnType<typeof hubApi>;

export const londonToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
export const uniqueUrn = () => `SC${String(Math.floor(Math.random() * 900_000) + 100_000)}`;

/** A provider's home in Cambridge (CB1: Cambridgeshire, which adjoins Essex) that takes a 14-year-old who self-harms, with one bed from today. */
export async function seedHome(api: HubApi, provider: string, name: string, ofstedRating = 'good'): Promise<{ urn: string; name: string; vacancyId: string }> {
  const urn = uniqueUrn();
  await api(`provider:${provider}`, 'PUT', `/v1/homes/${urn}`, {
    name, placementType: 'K2', outcode: 'CB1', registeredPlaces: 3, ofstedRating, ageRange: { min: 11, max: 17 },
    sexes: ['female', 'male'], supports: ['self-harm', 'going-missing'], excludes: [], careAlongside: 'group', weeklyPrice: 5200,
  });
  const vacancy = await api(`provider:${provider}`, 'POST', `/v1/homes/${urn}/vacancies`, { beds: 1, availableFrom: londonToday() });
  return { urn, name, vacancyId: vacancy.id };
}

/** Essex's referral of a 14-year-old who self-harms, shared with the providers named. */
export async function seedReferral(api: HubApi, childRef: string, shareWith: string[]): Promise<string> {
  const r = await api('authority:essex', 'POST', '/v1/referrals', {
    agreementId: 'commission-east-placements-isp',
    purpose: 'placement-matching',
    child: { childRef, age: 14, sex: 'female', needs: ['self-harm'], homeOutcode: 'CM1', urgency: 'within-5-days' },
    lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18' },
    shareWith,
  });
  return r.id;
}
