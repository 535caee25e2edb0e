import { call } from '../support/hub.ts';

/** Shared fixtures for the homes and vacancies tests (not a test file). */

let seq = 1_000_000 + Math.floor(Math.random() * 8_000_000);
/** A fresh 7-digit Ofsted URN; each test file starts at a random point, so files never collide. */
export const newUrn = (): string => String(seq++);

export const homeBody = (over: Record<string, unknown> = {}) => ({
  name: 'Willow House',
  placementType: 'K2',
  outcode: 'CM1',
  registeredPlaces: 4,
  ofstedRating: 'good',
  ageRange: { min: 10, max: 17 },
  sexes: ['female', 'male'],
  supports: ['self-harm', 'semh'],
  excludes: ['fire-setting'],
  careAlongside: 'group',
  weeklyPrice: 5963.5,
  ...over,
});

export async function putHome(owner: string, over: Record<string, unknown> = {}, urn = newUrn()): Promise<string> {
  const r = await call(owner, 'PUT', `/v1/homes/${urn}`, { body: homeBody(over) });
  if (r.status !== 201) throw new Error(`PUT home ${urn}: ${r.status} ${r.text}`);
  return urn;
}

export async function postVacancy(owner: string, urn: string, body: Record<string, unknown> = {}): Promise<string> {
  const r = await call(owner, 'POST', `/v1/homes/${urn}/vacancies`, { body: { beds: 1, availableFrom: '2025-01-01', ...body } });
  if (r.status !== 201) throw new Error(`POST vacancy ${urn}: ${r.status} ${r.text}`);
  return r.json.id;
}
