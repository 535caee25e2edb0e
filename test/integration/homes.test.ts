import { describe, expect, it } from 'vitest';
import { call, isProblem, unique } from '../support/hub.ts';
import { getHome } from '../../functions/store/homes.ts';
import { homeBody, newUrn } from './homes-fixtures.ts';
import { putHome as putStoredHome } from '../support/pool-fixtures.ts';

/** Homes over HTTP: owner-only versioned writes, visibility rules, strict bodies. */

describe('PUT /v1/homes/{urn}', () => {
  const provider = `provider:homes-${unique()}`;
  const other = `provider:other-${unique()}`;

  it('creates a home (201, version 1, ETag), then updates it (200, version 2)', async () => {
    const urn = newUrn();
    const created = await call(provider, 'PUT', `/v1/homes/${urn}`, { body: homeBody() });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      urn, name: 'Willow House', owner: provider, placementType: 'K2', outcode: 'CM1', authority: 'essex',
      registeredPlaces: 4, ofstedRating: 'good', ageRange: { min: 10, max: 17 }, weeklyPrice: 5963.5, version: 1,
    });
    expect(created.json.provider.id).toBe(provider.slice('provider:'.length));
    expect(created.json).not.toHaveProperty('shareWithRegion');
    expect(created.headers.get('etag')).toBe('"1"');

    const updated = await call(provider, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ weeklyPrice: 6100, outcode: 'nr1' }) });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ version: 2, weeklyPrice: 6100, outcode: 'NR1', authority: 'norfolk' });
    const stored = await getHome(urn);
    expect(stored).toMatchObject({ version: 2, owner: provider, weeklyPrice: 6100 });
  });

  it('412s a stale If-Match and changes nothing; a current one is accepted', async () => {
    const urn = newUrn();
    await call(provider, 'PUT', `/v1/homes/${urn}`, { body: homeBody() });
    await call(provider, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ registeredPlaces: 5 }) });
    const stale = await call(provider, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ registeredPlaces: 6 }), headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(isProblem(stale)).toBe(true);
    expect((await getHome(urn))).toMatchObject({ version: 2, registeredPlaces: 5 });
    const fresh = await call(provider, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ registeredPlaces: 6 }), headers: { 'if-match': '2' } });
    expect(fresh.status).toBe(200);
    expect(fresh.json).toMatchObject({ version: 3, registeredPlaces: 6 });
    const absent = await call(provider, 'PUT', `/v1/homes/${newUrn()}`, { body: homeBody(), headers: { 'if-match': '"1"' } });
    expect(absent.status).toBe(412);
  });

  it('404s another provider writing or reading my home, and leaves it untouched', async () => {
    const urn = newUrn();
    await call(provider, 'PUT', `/v1/homes/${urn}`, { body: homeBody() });
    const write = await call(other, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ name: 'Hijacked' }) });
    expect(write.status).toBe(404);
    expect(isProblem(write)).toBe(true);
    const writeIfMatch = await call(other, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ name: 'Hijacked' }), headers: { 'if-match': '1' } });
    expect(writeIfMatch.status).toBe(404);
    const asAuthority = await call('authority:luton', 'PUT', `/v1/homes/${urn}`, { body: homeBody({ name: 'Hijacked' }) });
    expect(asAuthority.status).toBe(404);
    expect((await call(other, 'GET', `/v1/homes/${urn}`)).status).toBe(404);
    expect(await getHome(urn)).toMatchObject({ name: 'Willow House', owner: provider, version: 1 });
  });

  it('400s unknown fields, bad codes and an unknown outcode, naming the field, and writes nothing', async () => {
    const urn = newUrn();
    const cases: [Record<string, unknown>, string][] = [
      [homeBody({ colour: 'blue' }), 'colour'],
      [homeBody({ placementType: 'XX' }), 'placementType'],
      [homeBody({ outcode: 'ZZ99' }), 'outcode'],
      [homeBody({ ofstedRating: 'great' }), 'ofstedRating'],
      [homeBody({ ageRange: { min: 12, max: 8 } }), 'ageRange.max'],
      [homeBody({ supports: ['semh'], excludes: ['semh'] }), 'excludes'],
      [homeBody({ weeklyPrice: 10.005 }), 'weeklyPrice'],
      [homeBody({ shareWithRegion: true }), 'shareWithRegion'],
    ];
    for (const [body, path] of cases) {
      const r = await call(provider, 'PUT', `/v1/homes/${urn}`, { body });
      expect(r.status, path).toBe(400);
      expect(isProblem(r)).toBe(true);
      expect(r.json.errors.map((e: { path: string }) => e.path), path).toContain(path);
    }
    expect((await call(provider, 'PUT', `/v1/homes/not-a-urn`, { body: homeBody() })).status).toBe(400);
    expect(await getHome(urn)).toBeUndefined();
  });

  it('refuses the programme office (403): it owns no homes', async () => {
    expect((await call('programme-office', 'PUT', `/v1/homes/${newUrn()}`, { body: homeBody() })).status).toBe(403);
  });
});

describe('GET /v1/homes/{urn} visibility', () => {
  it('provider homes: owner, any authority, the programme office; not other providers', async () => {
    const owner = `provider:vis-${unique()}`;
    const urn = newUrn();
    await call(owner, 'PUT', `/v1/homes/${urn}`, { body: homeBody() });
    for (const who of [owner, 'authority:norfolk', 'programme-office']) {
      const r = await call(who, 'GET', `/v1/homes/${urn}`);
      expect(r.status, who).toBe(200);
      expect(r.json.urn).toBe(urn);
    }
    expect((await call(`provider:nosy-${unique()}`, 'GET', `/v1/homes/${urn}`)).status).toBe(404);
    expect((await call('authority:norfolk', 'GET', `/v1/homes/${newUrn()}`)).status).toBe(404);
  });

  it('an in-house home not shared is invisible to other authorities until shared', async () => {
    const urn = newUrn();
    const created = await call('authority:suffolk', 'PUT', `/v1/homes/${urn}`, { body: homeBody({ outcode: 'IP1' }) });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ owner: 'authority:suffolk', authority: 'suffolk', shareWithRegion: false, provider: { id: 'suffolk' } });
    expect((await call('authority:suffolk', 'GET', `/v1/homes/${urn}`)).status).toBe(200);
    expect((await call('programme-office', 'GET', `/v1/homes/${urn}`)).status).toBe(200);
    expect((await call('authority:essex', 'GET', `/v1/homes/${urn}`)).status).toBe(404);
    expect((await call('provider:harbour-care', 'GET', `/v1/homes/${urn}`)).status).toBe(404);

    const shared = await call('authority:suffolk', 'PUT', `/v1/homes/${urn}`, { body: homeBody({ outcode: 'IP1', shareWithRegion: true }) });
    expect(shared.json).toMatchObject({ shareWithRegion: true, version: 2 });
    expect((await call('authority:essex', 'GET', `/v1/homes/${urn}`)).status).toBe(200);
    // omitted keeps the current value
    const again = await call('authority:suffolk', 'PUT', `/v1/homes/${urn}`, { body: homeBody({ outcode: 'IP1', weeklyPrice: 4000 }) });
    expect(again.json.shareWithRegion).toBe(true);
    expect((await call('provider:harbour-care', 'GET', `/v1/homes/${urn}`)).status).toBe(404);
  });

  it('GET /v1/homes lists only my homes, paged with an opaque cursor', async () => {
    const owner = `provider:list-${unique()}`;
    const urns = [newUrn(), newUrn(), newUrn()];
    for (const urn of urns) await call(owner, 'PUT', `/v1/homes/${urn}`, { body: homeBody() });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await call(owner, 'GET', '/v1/homes', { query: { limit: 2, cursor } });
      expect(r.status).toBe(200);
      seen.push(...r.json.items.map((h: { urn: string }) => h.urn));
      cursor = r.json.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...urns].sort());
    const tampered = await call(owner, 'GET', '/v1/homes', { query: { cursor: 'eyJ4IjoxfQ.AAAA' } });
    expect(tampered.status).toBe(400);
    expect((await call(owner, 'GET', '/v1/homes', { query: { limit: 101 } })).status).toBe(400);
  });

  it('GET /v1/homes lists every home I own, including those written by fixtures straight to the store', async () => {
    const id = `fixture-${unique()}`;
    const owner = `provider:${id}`;
    const viaApi = newUrn();
    await call(owner, 'PUT', `/v1/homes/${viaApi}`, { body: homeBody() });
    const viaFixture = await putStoredHome({ owner, provider: { id, name: 'Fixture Care', group: 'Fixture Care' } });
    const r = await call(owner, 'GET', '/v1/homes', { query: { limit: 100 } });
    expect(r.status).toBe(200);
    expect(r.json.items.map((h: { urn: string }) => h.urn).sort()).toEqual([viaApi, viaFixture.urn].sort());
  });
});
