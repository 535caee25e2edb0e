import { beforeAll, describe, expect, it } from 'vitest';
import { call, isProblem, unique } from '../support/hub.ts';
import { parsePrincipal } from '../../functions/domain/principal.ts';
import { writeHomeVersioned, type HomeItem } from '../../functions/store/homes.ts';
import { homeBody, newUrn, postVacancy, putHome } from './homes-fixtures.ts';

/**
 * The federated search over HTTP. The store is shared with other test files, so each test
 * pages through every result and looks at its own homes (the search is also checked to be
 * sorted and explained across the whole answer).
 */

async function searchAll(who: string, body: Record<string, unknown>, limit = 100): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | undefined;
  for (let pages = 0; ; pages++) {
    const r = await call(who, 'POST', '/v1/vacancies/search', { body: { ...body, limit, ...(cursor ? { cursor } : {}) } });
    expect(r.status, r.text).toBe(200);
    items.push(...r.json.items);
    cursor = r.json.nextCursor;
    if (!cursor) break;
    expect(pages).toBeLessThan(200);
  }
  return items;
}

const child = (over: Record<string, unknown> = {}) => ({ age: 14, sex: 'female', needs: ['self-harm'], ...over });

describe('POST /v1/vacancies/search', () => {
  const provider = `provider:search-${unique()}`;
  const h: Record<string, string> = {};
  const v: Record<string, string> = {};

  beforeAll(async () => {
    const homes: Record<string, Record<string, unknown>> = {
      supports: { outcode: 'CM1', supports: ['self-harm'], excludes: [], ofstedRating: 'good', weeklyPrice: 5000 },
      neither: { outcode: 'CM1', supports: [], excludes: [], ofstedRating: 'good', weeklyPrice: 5000 },
      excludes: { outcode: 'CM1', supports: [], excludes: ['self-harm'], ofstedRating: 'outstanding', weeklyPrice: 4000 },
      tooYoung: { outcode: 'CM1', ageRange: { min: 5, max: 11 }, supports: ['self-harm'], excludes: [] },
      boysOnly: { outcode: 'CM1', sexes: ['male'], supports: ['self-harm'], excludes: [] },
      far: { outcode: 'NR1', supports: ['self-harm'], excludes: [], ofstedRating: 'outstanding', weeklyPrice: 7000 },
      requiresImprovement: { outcode: 'CM2', supports: ['self-harm'], excludes: [], ofstedRating: 'requires-improvement', weeklyPrice: 6500 },
      secure: { outcode: 'CM1', placementType: 'K1', supports: ['self-harm'], excludes: [], weeklyPrice: 9000 },
      unpriced: { outcode: 'CM1', supports: ['self-harm'], excludes: [], weeklyPrice: undefined },
    };
    for (const [k, over] of Object.entries(homes)) {
      h[k] = await putHome(provider, over);
      v[k] = await postVacancy(provider, h[k]!, { availableFrom: '2026-01-10' });
    }
    v.later = await postVacancy(provider, h.supports!, { availableFrom: '2026-06-01', weeklyPrice: 5000 });
  });

  const mine = (items: any[]) => new Map(items.filter((i) => Object.values(h).includes(i.homeUrn)).map((i) => [i.vacancyId, i]));

  it('answers every result in the contract shape, sorted by score, each explained', async () => {
    const items = await searchAll('authority:essex', { child: child(), near: { outcode: 'CM1' } });
    expect(items.length).toBeGreaterThan(0);
    for (let i = 1; i < items.length; i++) expect(items[i - 1].score).toBeGreaterThanOrEqual(items[i].score);
    for (const it of items) {
      expect(it.score).toBeGreaterThanOrEqual(0);
      expect(it.score).toBeLessThanOrEqual(1);
      expect(it.reasons.length).toBeGreaterThan(0);
    }
    const found = mine(items);
    const s = found.get(v.supports!);
    expect(s).toMatchObject({
      vacancyId: v.supports, homeUrn: h.supports, homeName: 'Willow House', placementType: 'K2', ofstedRating: 'good', beds: 1,
      availableFrom: '2026-01-10', weeklyPrice: 5000, distanceMiles: 0, over20Miles: false, outOfArea: false,
    });
    expect(s.provider).toEqual({ id: provider.slice('provider:'.length), name: expect.any(String), group: expect.any(String) });
    expect(Date.parse(s.confirmedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(s.reasons.join(' | ')).toMatch(/supports 1 of 1 needs: self-harm/);
  });

  it('never returns a home that excludes a need, or whose ages or sexes do not fit', async () => {
    const found = mine(await searchAll('authority:essex', { child: child() }));
    expect(found.has(v.excludes!)).toBe(false);
    expect(found.has(v.tooYoung!)).toBe(false);
    expect(found.has(v.boysOnly!)).toBe(false);
    // the same homes are found for a child they do fit
    const boy = mine(await searchAll('authority:essex', { child: child({ sex: 'male', age: 10, needs: [] }) }));
    expect(boy.has(v.excludes!)).toBe(true);
    expect(boy.has(v.tooYoung!)).toBe(true);
    expect(boy.has(v.boysOnly!)).toBe(true);
  });

  it('ranks a home that neither supports nor excludes a need below an otherwise equal home that supports it', async () => {
    const items = await searchAll('authority:essex', { child: child(), near: { outcode: 'CM1' } });
    const order = items.map((i) => i.vacancyId);
    expect(order).toContain(v.neither);
    expect(order.indexOf(v.supports!)).toBeLessThan(order.indexOf(v.neither!));
    const neither = items.find((i) => i.vacancyId === v.neither);
    expect(neither.reasons.join(' | ')).toMatch(/does not state support for: self-harm/);
    expect(neither.score).toBeLessThan(items.find((i) => i.vacancyId === v.supports).score);
  });

  it('applies every filter inclusively: placement type, Ofsted minimum, price, distance, availability', async () => {
    const ids = async (body: Record<string, unknown>) => new Set(mine(await searchAll('authority:essex', { child: child(), ...body })).keys());

    const k1 = await ids({ placementTypes: ['K1'] });
    expect([...k1]).toEqual([v.secure]);

    const good = await ids({ minOfstedRating: 'good' });
    expect(good.has(v.requiresImprovement!)).toBe(false);
    expect(good.has(v.far!)).toBe(true); // outstanding
    expect(good.has(v.supports!)).toBe(true); // good itself

    const price = await ids({ maxWeeklyPrice: 5000 });
    expect(price.has(v.supports!)).toBe(true); // equal to the maximum
    expect(price.has(v.far!)).toBe(false);
    expect(price.has(v.unpriced!)).toBe(false); // no price cannot be shown to meet it

    const near = await ids({ near: { outcode: 'CM1' }, maxMiles: 20 });
    expect(near.has(v.far!)).toBe(false);
    expect(near.has(v.supports!)).toBe(true);
    expect(near.has(v.requiresImprovement!)).toBe(true);

    const by = await ids({ availableBy: '2026-01-10' });
    expect(by.has(v.supports!)).toBe(true); // available that very day
    expect(by.has(v.later!)).toBe(false);
  });

  it('reports distance, over 20 miles and out of area; nulls without near and for the programme office', async () => {
    const fromChelmsford = mine(await searchAll('authority:essex', { child: child(), near: { outcode: 'CM1' } }));
    const far = fromChelmsford.get(v.far!);
    expect(far.distanceMiles).toBeGreaterThan(20);
    expect(far.over20Miles).toBe(true);
    expect(far.outOfArea).toBe(true);
    expect(far.reasons.join(' | ')).toMatch(/over 20 miles/);
    expect(fromChelmsford.get(v.supports!).outOfArea).toBe(false);

    const norfolk = mine(await searchAll('authority:norfolk', { child: child() }));
    expect(norfolk.get(v.far!)).toMatchObject({ outOfArea: false, distanceMiles: null, over20Miles: null });
    expect(norfolk.get(v.supports!).outOfArea).toBe(true);

    const po = mine(await searchAll('programme-office', { child: child(), near: { outcode: 'NR1' } }));
    expect(po.get(v.far!)).toMatchObject({ outOfArea: null, distanceMiles: 0 });
  });

  it('places a home whose postcode Ofsted withheld at its authority\'s centre, and says so', async () => {
    const owner = `provider:redacted-${unique()}`;
    const urn = newUrn();
    const now = new Date().toISOString();
    const home: HomeItem = {
      urn, name: `Children's home ${urn}`, owner, provider: { id: owner.slice(9), name: 'Redacted Ltd', group: 'Redacted Ltd' },
      placementType: 'K2', authority: 'suffolk', registeredPlaces: 3, ofstedRating: 'good', ageRange: { min: 0, max: 17 },
      sexes: ['female', 'male'], supports: [], excludes: [], version: 1, updatedAt: now, source: 'ofsted',
    };
    expect(await writeHomeVersioned(home, undefined)).toBe(true);
    const id = await postVacancy(owner, urn);
    const item = mine(await searchAll('authority:essex', { child: child(), near: { outcode: 'IP1' } })).get(id) ??
      (await searchAll('authority:essex', { child: child(), near: { outcode: 'IP1' } })).find((i) => i.vacancyId === id);
    expect(item.distanceMiles).not.toBeNull();
    expect(item.reasons.join(' | ')).toMatch(/postcode withheld, measured from the centre of Suffolk/);
    expect(item.outOfArea).toBe(true);
  });

  it('finds an in-house vacancy for its own authority always, for others only when shared', async () => {
    const urn = await putHome('authority:peterborough', { outcode: 'PE1', supports: ['self-harm'], excludes: [] });
    const id = await postVacancy('authority:peterborough', urn);
    const has = async (who: string) => (await searchAll(who, { child: child() })).some((i) => i.vacancyId === id);
    expect(await has('authority:peterborough')).toBe(true);
    expect(await has('authority:essex')).toBe(false);
    expect(await has('programme-office')).toBe(false);

    const shared = await call('authority:peterborough', 'PUT', `/v1/homes/${urn}`, { body: homeBody({ outcode: 'PE1', supports: ['self-harm'], excludes: [], shareWithRegion: true }) });
    expect(shared.status).toBe(200);
    expect(await has('authority:essex')).toBe(true);
    const item = (await searchAll('authority:essex', { child: child() })).find((i) => i.vacancyId === id);
    expect(item.provider.id).toBe('peterborough');
    expect(item.reasons.join(' | ')).toMatch(/Peterborough's in-house home, shared with the region/);
    expect(item.outOfArea).toBe(true);
    const own = (await searchAll('authority:peterborough', { child: child() })).find((i) => i.vacancyId === id);
    expect(own.outOfArea).toBe(false);
  });

  it('keeps vacancies in step with their home: a changed home is searched by its new facts', async () => {
    const owner = `provider:step-${unique()}`;
    const urn = await putHome(owner, { supports: [], excludes: [] });
    const id = await postVacancy(owner, urn);
    expect((await searchAll('authority:essex', { child: child() })).some((i) => i.vacancyId === id)).toBe(true);
    await call(owner, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ supports: [], excludes: ['self-harm'], placementType: 'K3' }) });
    expect((await searchAll('authority:essex', { child: child() })).some((i) => i.vacancyId === id)).toBe(false);
    const k3 = await searchAll('authority:essex', { child: child({ needs: [] }), placementTypes: ['K3'] });
    expect(k3.find((i) => i.vacancyId === id)).toMatchObject({ placementType: 'K3' });
  });

  it('pages to the end with an opaque cursor: every result once', async () => {
    const body = { child: child(), near: { outcode: 'CM1' } };
    const whole = await searchAll('authority:essex', body, 100);
    const paged = await searchAll('authority:essex', body, 2);
    expect(paged.map((i) => i.vacancyId)).toEqual(whole.map((i) => i.vacancyId));
    expect(new Set(paged.map((i) => i.vacancyId)).size).toBe(paged.length);
  });

  it('400s a tampered cursor, a cursor from another search, and bad limits', async () => {
    const body = { child: child(), limit: 1 };
    const first = await call('authority:essex', 'POST', '/v1/vacancies/search', { body });
    const cursor: string = first.json.nextCursor;
    expect(typeof cursor).toBe('string');
    const [payload, mac] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), s: 2 })).toString('base64url');
    for (const bad of [`${forged}.${mac}`, `${payload}.${mac!.slice(0, -2)}AA`, 'not-a-cursor', `${payload}`]) {
      const r = await call('authority:essex', 'POST', '/v1/vacancies/search', { body: { ...body, cursor: bad } });
      expect(r.status, bad).toBe(400);
      expect(isProblem(r)).toBe(true);
      expect(r.json.errors[0].path).toBe('cursor');
    }
    const otherSearch = await call('authority:essex', 'POST', '/v1/vacancies/search', { body: { child: child({ age: 12 }), cursor } });
    expect(otherSearch.status).toBe(400);
    const otherCaller = await call('authority:norfolk', 'POST', '/v1/vacancies/search', { body: { ...body, cursor } });
    expect(otherCaller.status).toBe(400);
    for (const limit of [0, 101, 2.5]) {
      expect((await call('authority:essex', 'POST', '/v1/vacancies/search', { body: { child: child(), limit } })).status).toBe(400);
    }
  });

  it('400s an unknown outcode naming the field, unknown fields, and maxMiles without near', async () => {
    const r = await call('authority:essex', 'POST', '/v1/vacancies/search', { body: { child: child(), near: { outcode: 'ZZ9' } } });
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual([{ path: 'near.outcode', message: expect.stringContaining('ZZ9') }]);
    const unknown = await call('authority:essex', 'POST', '/v1/vacancies/search', { body: { child: { ...child(), name: 'Sam' } } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors.map((e: { path: string }) => e.path)).toContain('child.name');
    expect((await call('authority:essex', 'POST', '/v1/vacancies/search', { body: { child: child(), maxMiles: 10 } })).status).toBe(400);
    expect((await call('authority:essex', 'POST', '/v1/vacancies/search', { body: { child: child({ needs: ['flying'] }) } })).status).toBe(400);
  });

  it('is for authorities and the programme office: providers 403', async () => {
    expect((await call(provider, 'POST', '/v1/vacancies/search', { body: { child: child() } })).status).toBe(403);
    expect((await call('programme-office', 'POST', '/v1/vacancies/search', { body: { child: child() } })).status).toBe(200);
  });
});

void parsePrincipal;
