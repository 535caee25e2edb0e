import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { config, dynamo } from '../../functions/store/config.ts';
import { getHome } from '../../functions/store/homes.ts';
import * as keys from '../../functions/store/keys.ts';
import { call, isProblem, pageAll } from '../support/hub.ts';
import { homeBody, postVacancy, putHome } from './homes-fixtures.ts';
import { FENLAND, HARBOUR, OTHER_LA, OWNER, UNNAMED, hoursFromNow, offer, offerBody, referral, today } from './offers-fixtures.ts';

/** Offers, bed holds, declining, withdrawing and accepting, over HTTP on DynamoDB Local (CONTRACT.md "Offers and placements"). */

const post = (who: string, path: string, body?: unknown, headers?: Record<string, string>) => call(who, 'POST', path, { ...(body !== undefined ? { body } : {}), headers });
const get = (who: string, path: string) => call(who, 'GET', path);

async function searchFinds(vacancyId: string): Promise<any | undefined> {
  let cursor: string | undefined;
  for (let pages = 0; pages < 200; pages++) {
    const r = await post(OWNER, '/v1/vacancies/search', { child: { age: 14, sex: 'female', needs: ['self-harm'] }, near: { outcode: 'CM1' }, limit: 100, ...(cursor ? { cursor } : {}) });
    expect(r.status, r.text).toBe(200);
    const hit = r.json.items.find((i: any) => i.vacancyId === vacancyId);
    if (hit) return hit;
    cursor = r.json.nextCursor;
    if (!cursor) return undefined;
  }
  throw new Error('search never ends');
}

async function placementsOf(referralId: string): Promise<Record<string, unknown>[]> {
  const { pk, skPrefix } = keys.placementsOf('essex');
  const out = await dynamo().send(new QueryCommand({
    TableName: config.tableName, KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', FilterExpression: 'referralId = :r',
    ExpressionAttributeValues: { ':p': pk, ':s': skPrefix, ':r': referralId }, ConsistentRead: true,
  }));
  return out.Items ?? [];
}

let harbourHome: string;
let fenlandHome: string;
beforeAll(async () => {
  harbourHome = await putHome(HARBOUR, { supports: ['self-harm'], excludes: ['fire-setting'], sexes: ['female'] });
  fenlandHome = await putHome(FENLAND, { outcode: 'CM2' });
});

describe('POST /v1/referrals/{id}/offers', () => {
  it('201: the offer as the contract shapes it, costs split and summed exactly, audited like a read', async () => {
    const id = await referral();
    const holdUntil = hoursFromNow(30);
    const r = await post(HARBOUR, `/v1/referrals/${id}/offers`, offerBody(harbourHome, { weeklyCost: { core: 0.1, additionalSupport: 0.2, education: 300.45 }, holdUntil, note: 'own bathroom' }));
    expect(r.status, r.text).toBe(201);
    expect(r.json).toEqual({
      id: expect.stringMatching(new RegExp(`^off_${id}_[0-9a-z]+$`)), referralId: id, provider: { id: 'harbour-care', name: expect.any(String) },
      homeUrn: harbourHome, homeName: 'Willow House', startDate: today(),
      weeklyCost: { core: 0.1, additionalSupport: 0.2, education: 300.45, health: 0, other: 0, total: 300.75 },
      holdUntil: new Date(holdUntil).toISOString(), note: 'own bathroom', status: 'open', createdAt: expect.any(String), updatedAt: expect.any(String),
      by: { principal: HARBOUR },
    });
    expect(r.headers.get('location')).toBe(`/v1/offers/${r.json.id}`);
    expect((await get(HARBOUR, `/v1/offers/${r.json.id}`)).json).toEqual(r.json);
    const trail = await pageAll(OWNER, '/v1/audit', { referralId: id });
    expect(trail.filter((e) => e.action === 'offer' && e.principal === HARBOUR && e.outcome === 'allowed').length).toBeGreaterThanOrEqual(2);
  });

  it('422 for a home that is not the provider own, naming each hard rule a home fails, naming reg-27A, and on the dates', async () => {
    const id = await referral({ age: 14, sex: 'female', needs: ['self-harm', 'fire-setting'] });
    const notMine = await post(HARBOUR, `/v1/referrals/${id}/offers`, offerBody(fenlandHome));
    expect(notMine.status).toBe(422);
    expect(notMine.json.errors).toEqual([{ path: 'homeUrn', message: expect.stringMatching(/yours|this provider/) }]);

    const boysOnly = await putHome(HARBOUR, { sexes: ['male'], ageRange: { min: 15, max: 17 }, excludes: ['fire-setting'], supports: [] });
    const rules = await post(HARBOUR, `/v1/referrals/${id}/offers`, offerBody(boysOnly));
    expect(rules.status).toBe(422);
    expect(rules.json.errors.map((e: any) => e.message)).toEqual([
      'the home excludes fire-setting', 'the home takes ages 15-17, child is 14', 'the home does not take female children',
    ]);

    const k3 = await putHome(HARBOUR, { placementType: 'K3', ageRange: { min: 14, max: 18 }, excludes: [] });
    const young = await post(HARBOUR, `/v1/referrals/${await referral()}/offers`, offerBody(k3));
    expect(young.status).toBe(422);
    expect(young.json.errors.map((e: any) => e.message).join(' ')).toMatch(/reg-27A/);
    expect((await post(HARBOUR, `/v1/referrals/${await referral({ age: 16 })}/offers`, offerBody(k3))).status).toBe(201);

    const ok = await referral();
    const yesterday = new Date(Date.now() - 86_400_000 * 1.5).toISOString().slice(0, 10);
    for (const [over, path] of [
      [{ startDate: yesterday }, 'startDate'],
      [{ holdUntil: new Date(Date.now() - 1000).toISOString() }, 'holdUntil'],
      [{ holdUntil: hoursFromNow(7 * 24 + 1) }, 'holdUntil'],
    ] as const) {
      const r = await post(HARBOUR, `/v1/referrals/${ok}/offers`, offerBody(harbourHome, over));
      expect(r.status, JSON.stringify(over)).toBe(422);
      expect(r.json.errors.map((e: any) => e.path)).toContain(path);
    }
    expect((await get(OWNER, `/v1/referrals/${ok}/offers`)).json.items).toEqual([]); // nothing stored
  });

  it('400 on a bad body (core 0, unknown fields, 3 decimals) and changes nothing', async () => {
    const id = await referral();
    for (const body of [
      offerBody(harbourHome, { weeklyCost: { core: 0 } }),
      offerBody(harbourHome, { weeklyCost: { core: 100.001 } }),
      { ...offerBody(harbourHome), childName: 'x' },
      offerBody(harbourHome, { weeklyCost: { core: 10, extras: 1 } }),
    ]) {
      const r = await post(HARBOUR, `/v1/referrals/${id}/offers`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(isProblem(r)).toBe(true);
    }
    expect((await get(OWNER, `/v1/referrals/${id}/offers`)).json.items).toEqual([]);
  });

  it('404 for a provider that may not read the referral; 403 for an authority', async () => {
    const id = await referral();
    const home = await putHome(UNNAMED);
    expect((await post(UNNAMED, `/v1/referrals/${id}/offers`, offerBody(home))).status).toBe(404);
    expect((await post(HARBOUR, '/v1/referrals/00000000-0000-4000-8000-000000000000/offers', offerBody(harbourHome))).status).toBe(404);
    expect((await post(OWNER, `/v1/referrals/${id}/offers`, offerBody(harbourHome))).status).toBe(403);
    const withdrawn = await referral();
    expect((await post(OWNER, `/v1/referrals/${withdrawn}/consent`, { status: 'withdrawn', recordedAt: new Date().toISOString() })).status).toBe(200);
    expect((await post(HARBOUR, `/v1/referrals/${withdrawn}/offers`, offerBody(harbourHome))).status).toBe(404);
  });

  it('409 for a second open offer of the same home on the referral, even when sent at once; a new one once it is withdrawn', async () => {
    const id = await referral();
    const both = await Promise.all([1, 2, 3].map(() => post(HARBOUR, `/v1/referrals/${id}/offers`, offerBody(harbourHome))));
    expect(both.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const first = both.find((r) => r.status === 201)!.json;
    expect((await post(HARBOUR, `/v1/offers/${first.id}/withdraw`)).json.status).toBe('withdrawn');
    await offer(HARBOUR, id, harbourHome);
    expect((await get(OWNER, `/v1/referrals/${id}/offers`)).json.items.map((o: any) => o.status).sort()).toEqual(['open', 'withdrawn']);
  });
});

describe('bed holds', () => {
  it('an offer naming a vacancy holds its bed: search and GET show beds less holds, a second hold is 409, a withdrawal frees it', async () => {
    const home = await putHome(HARBOUR, { registeredPlaces: 4, supports: ['self-harm'] });
    const vacancyId = await postVacancy(HARBOUR, home, { beds: 2 });
    const a = await offer(HARBOUR, await referral(), home, { vacancyId });
    expect(a.vacancyId).toBe(vacancyId);
    expect((await searchFinds(vacancyId)).beds).toBe(1);
    expect((await get(HARBOUR, `/v1/vacancies/${vacancyId}`)).json).toMatchObject({ beds: 1, heldBeds: 1, status: 'open' });
    const b = await offer(HARBOUR, await referral(), home, { vacancyId });
    expect(await searchFinds(vacancyId)).toBeUndefined(); // every bed held: not found
    const third = await post(HARBOUR, `/v1/referrals/${await referral()}/offers`, offerBody(home, { vacancyId }));
    expect(third.status).toBe(409);
    expect((await post(HARBOUR, `/v1/offers/${b.id}/withdraw`)).status).toBe(200);
    expect((await searchFinds(vacancyId)).beds).toBe(1);
    expect((await post(OWNER, `/v1/offers/${a.id}/decline`, { reason: 'price' })).json).toMatchObject({ status: 'declined', declineReason: 'price' });
    expect((await get(HARBOUR, `/v1/vacancies/${vacancyId}`)).json).toMatchObject({ beds: 2, heldBeds: 0 });
  });

  it('a hold lapses at holdUntil with no job: the offer reads expired and the bed is found again', async () => {
    const home = await putHome(HARBOUR, { supports: ['self-harm'] });
    const vacancyId = await postVacancy(HARBOUR, home, { beds: 1 });
    const id = await referral();
    const o = await offer(HARBOUR, id, home, { vacancyId, holdUntil: new Date(Date.now() + 1500).toISOString() });
    expect(await searchFinds(vacancyId)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1700));
    expect((await get(OWNER, `/v1/offers/${o.id}`)).json.status).toBe('expired');
    expect((await searchFinds(vacancyId)).beds).toBe(1);
    expect((await post(OWNER, `/v1/offers/${o.id}/accept`, {})).status).toBe(409);
    expect((await post(OWNER, `/v1/offers/${o.id}/decline`, { reason: 'other' })).status).toBe(409);
    // the lapsed hold's slot and the home's guard are free again
    await offer(HARBOUR, id, home, { vacancyId });
  });

  it('a vacancy of another home, or not open, is 422', async () => {
    const home = await putHome(HARBOUR);
    const other = await postVacancy(FENLAND, fenlandHome);
    const id = await referral();
    expect((await post(HARBOUR, `/v1/referrals/${id}/offers`, offerBody(home, { vacancyId: other }))).status).toBe(422);
    const mine = await postVacancy(HARBOUR, home);
    expect((await call(HARBOUR, 'PATCH', `/v1/vacancies/${mine}`, { body: { status: 'withdrawn' } })).status).toBe(200);
    expect((await post(HARBOUR, `/v1/referrals/${id}/offers`, offerBody(home, { vacancyId: mine }))).status).toBe(422);
  });
});

describe('reading offers', () => {
  it('the owner sees every offer on its referral; a provider its own; anyone else 404 (cross-tenant reads)', async () => {
    const id = await referral();
    const h = await offer(HARBOUR, id, harbourHome);
    const f = await offer(FENLAND, id, fenlandHome);
    expect((await pageAll(OWNER, `/v1/referrals/${id}/offers`)).map((o) => o.id).sort()).toEqual([h.id, f.id].sort());
    expect((await pageAll(HARBOUR, `/v1/referrals/${id}/offers`)).map((o) => o.id)).toEqual([h.id]);
    expect((await pageAll(FENLAND, `/v1/referrals/${id}/offers`)).map((o) => o.id)).toEqual([f.id]);
    const one = await call(OWNER, 'GET', `/v1/referrals/${id}/offers`, { query: { limit: 1 } });
    expect(one.json.items).toHaveLength(1);
    expect(one.json.nextCursor).toBeDefined();
    expect((await call(HARBOUR, 'GET', `/v1/referrals/${id}/offers`, { query: { cursor: one.json.nextCursor } })).status).toBe(400);

    for (const who of [UNNAMED, OTHER_LA]) {
      expect((await get(who, `/v1/referrals/${id}/offers`)).status, who).toBe(404);
      expect((await get(who, `/v1/offers/${h.id}`)).status, who).toBe(404);
    }
    expect((await get('programme-office', `/v1/offers/${h.id}`)).status).toBe(403);
    expect((await get(FENLAND, `/v1/offers/${h.id}`)).status).toBe(404);
    expect((await get(HARBOUR, `/v1/offers/off_${id}_zzzzzzzzzzzz`)).status).toBe(404);
    expect((await post(OTHER_LA, `/v1/offers/${h.id}/decline`, { reason: 'price' })).status).toBe(404);
    expect((await post(OTHER_LA, `/v1/offers/${h.id}/accept`, {})).status).toBe(404);
    expect((await post(FENLAND, `/v1/offers/${h.id}/withdraw`)).status).toBe(404);
    // once consent is withdrawn the provider reads nothing of the referral, its offers included
    expect((await post(OWNER, `/v1/referrals/${id}/consent`, { status: 'withdrawn', recordedAt: new Date().toISOString() })).status).toBe(200);
    expect((await get(HARBOUR, `/v1/offers/${h.id}`)).status).toBe(404);
    expect((await get(HARBOUR, `/v1/referrals/${id}/offers`)).status).toBe(404);
    expect((await get(OWNER, `/v1/offers/${h.id}`)).json.status).toBe('open');
  });

  it('decline takes a coded reason (400 otherwise); only an open offer is declined or withdrawn (409)', async () => {
    const id = await referral();
    const o = await offer(HARBOUR, id, harbourHome);
    expect((await post(OWNER, `/v1/offers/${o.id}/decline`, { reason: 'too-expensive' })).status).toBe(400);
    expect((await post(HARBOUR, `/v1/offers/${o.id}/decline`, { reason: 'price' })).status).toBe(403);
    const d = await post(OWNER, `/v1/offers/${o.id}/decline`, { reason: 'child-views' });
    expect(d.status).toBe(200);
    expect(d.json).toMatchObject({ id: o.id, status: 'declined', declineReason: 'child-views', by: { principal: OWNER } });
    expect((await post(OWNER, `/v1/offers/${o.id}/decline`, { reason: 'price' })).status).toBe(409);
    expect((await post(HARBOUR, `/v1/offers/${o.id}/withdraw`)).status).toBe(409);
  });
});

describe('POST /v1/offers/{id}/accept', () => {
  it('201 placement in one step: offer accepted, rivals superseded, referral placed, bed taken, placement stored; then 409s', async () => {
    const home = await putHome(HARBOUR, { registeredPlaces: 3, supports: ['self-harm'] });
    const vacancyId = await postVacancy(HARBOUR, home, { beds: 1 });
    const rivalHome = await putHome(FENLAND, { registeredPlaces: 3 });
    const rivalVacancy = await postVacancy(FENLAND, rivalHome, { beds: 1 });
    const openBefore = (await getHome(home, true))!.openBeds;
    const id = await referral();
    const o = await offer(HARBOUR, id, home, { vacancyId, weeklyCost: { core: 5000, education: 250.5 } });
    const rival = await offer(FENLAND, id, rivalHome, { vacancyId: rivalVacancy });
    const rival2 = await offer(HARBOUR, id, harbourHome);
    expect(await searchFinds(rivalVacancy)).toBeUndefined();

    const r = await post(OWNER, `/v1/offers/${o.id}/accept`, {});
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({
      id: expect.stringMatching(/^plc_essex_[0-9a-z]+$/), authority: 'essex', referralId: id, offerId: o.id, homeUrn: home, weeklyCost: 5250.5,
      placementType: 'K2', placementProvider: 'PR4', location: 'in-area', approval: { required: 'none', status: 'not-required' }, status: 'confirmed',
      startDate: today(), notices: [], by: { principal: OWNER },
    });
    expect(r.json).not.toHaveProperty('homeOwner');
    expect(r.headers.get('location')).toBe(`/v1/placements/${r.json.id}`);

    const offers = new Map((await pageAll(OWNER, `/v1/referrals/${id}/offers`)).map((x) => [x.id, x.status]));
    expect(Object.fromEntries(offers)).toEqual({ [o.id]: 'accepted', [rival.id]: 'superseded', [rival2.id]: 'superseded' });
    const ref = await get(OWNER, `/v1/referrals/${id}`);
    expect(ref.json).toMatchObject({ status: 'placed', placedAt: expect.any(String) });
    expect((await get(HARBOUR, `/v1/referrals/${id}`)).json.status).toBe('placed');
    expect((await get(HARBOUR, `/v1/vacancies/${vacancyId}`)).json).toMatchObject({ beds: 0, heldBeds: 0, status: 'filled' });
    expect((await getHome(home, true))!.openBeds).toBe(openBefore! - 1);
    expect((await searchFinds(rivalVacancy))?.beds).toBe(1); // the superseded rival's hold is released
    expect(await placementsOf(id)).toHaveLength(1);
    const trail = await pageAll(OWNER, '/v1/audit', { referralId: id });
    expect(trail.filter((e) => e.action === 'accept')).toEqual([expect.objectContaining({ principal: HARBOUR, outcome: 'allowed', fields: [] })]);

    expect((await post(OWNER, `/v1/offers/${o.id}/accept`, {})).status).toBe(409);
    expect((await post(OWNER, `/v1/offers/${rival2.id}/accept`, {})).status).toBe(409);
    expect((await post(HARBOUR, `/v1/referrals/${id}/offers`, offerBody(await putHome(HARBOUR)))).status).toBe(409);
    expect((await post(FENLAND, `/v1/referrals/${id}/responses`, { response: 'interested' })).status).toBe(409);
    expect((await post(OWNER, `/v1/offers/${rival.id}/decline`, { reason: 'better-match' })).status).toBe(409);
    expect(await placementsOf(id)).toHaveLength(1);
  });

  it('409 when the home became another setting after the offer (its legality was judged for the setting offered)', async () => {
    const home = await putHome(HARBOUR, { supports: ['self-harm'] });
    const id = await referral();
    const o = await offer(HARBOUR, id, home);
    expect((await call(HARBOUR, 'PUT', `/v1/homes/${home}`, { body: homeBody({ supports: ['self-harm'], placementType: 'K1' }) })).status).toBe(200);
    expect((await post(OWNER, `/v1/offers/${o.id}/accept`, {})).status).toBe(409);
    expect((await get(OWNER, `/v1/referrals/${id}`)).json.status).toBe('open');
  });

  it('honours Idempotency-Key: the same answer again, one placement', async () => {
    const id = await referral();
    const o = await offer(HARBOUR, id, harbourHome);
    const headers = { 'idempotency-key': `accept-${o.id}` };
    const first = await post(OWNER, `/v1/offers/${o.id}/accept`, {}, headers);
    expect(first.status, first.text).toBe(201);
    const again = await post(OWNER, `/v1/offers/${o.id}/accept`, {}, headers);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await placementsOf(id)).toHaveLength(1);
  });

  it('409 when consent is withdrawn between the offer and its acceptance (nothing changes); accepted once given again', async () => {
    const id = await referral({}, { consent: { status: 'given', recordedAt: new Date(Date.now() - 60_000).toISOString(), by: 'SW team 3' } });
    const home = await putHome(HARBOUR, { supports: ['self-harm'] });
    const vacancyId = await postVacancy(HARBOUR, home, { beds: 1 });
    const o = await offer(HARBOUR, id, home, { vacancyId });
    expect((await post(OWNER, `/v1/referrals/${id}/consent`, { status: 'withdrawn', recordedAt: new Date().toISOString() })).status).toBe(200);
    const r = await post(OWNER, `/v1/offers/${o.id}/accept`, {});
    expect(r.status).toBe(409);
    expect(r.json.detail).toMatch(/may no longer read/);
    expect((await get(OWNER, `/v1/referrals/${id}`)).json.status).toBe('open');
    expect((await get(OWNER, `/v1/offers/${o.id}`)).json.status).toBe('open');
    expect((await get(HARBOUR, `/v1/vacancies/${vacancyId}`)).json).toMatchObject({ beds: 0, heldBeds: 1 });
    expect(await placementsOf(id)).toHaveLength(0);
    expect((await post(OWNER, `/v1/referrals/${id}/consent`, { status: 'given', recordedAt: new Date().toISOString() })).status).toBe(200);
    expect((await post(OWNER, `/v1/offers/${o.id}/accept`, {})).status).toBe(201);
  });

  it('a consent withdrawal racing the acceptance: either the placement was made before it, or the acceptance is refused', async () => {
    for (let round = 0; round < 5; round++) {
      const id = await referral();
      const o = await offer(HARBOUR, id, harbourHome);
      const [accept, withdraw] = await Promise.all([
        post(OWNER, `/v1/offers/${o.id}/accept`, {}),
        post(OWNER, `/v1/referrals/${id}/consent`, { status: 'withdrawn', recordedAt: new Date().toISOString() }),
      ]);
      expect(withdraw.status).toBe(200);
      expect([201, 409]).toContain(accept.status);
      const placed = (await get(OWNER, `/v1/referrals/${id}`)).json;
      expect(placed.status).toBe(accept.status === 201 ? 'placed' : 'open');
      if (accept.status === 201) {
        // the withdrawal arrived after: the placement's own write came first in the referral's history
        expect(placed.consentHistory.at(-1).status).toBe('withdrawn');
        expect(Date.parse(placed.placedAt)).toBeLessThanOrEqual(Date.parse(placed.updatedAt));
      }
      expect(await placementsOf(id)).toHaveLength(accept.status === 201 ? 1 : 0);
    }
  });
});

describe('homes: postcode, localAuthority, sector', () => {
  it('accepted in any case and spacing, stored normalised; the postcode only for the owner and the programme office, never in search', async () => {
    const urn = await putHome(HARBOUR, { postcode: ' cm1  1aa ', localAuthority: 'e10000012', sector: ' Voluntary ', supports: ['self-harm'] });
    const own = await get(HARBOUR, `/v1/homes/${urn}`);
    expect(own.json).toMatchObject({ postcode: 'CM1 1AA', localAuthority: 'E10000012', sector: 'voluntary' });
    expect((await get('programme-office', `/v1/homes/${urn}`)).json.postcode).toBe('CM1 1AA');
    const other = await get(OWNER, `/v1/homes/${urn}`);
    expect(other.json).toMatchObject({ localAuthority: 'E10000012', sector: 'voluntary' });
    expect(other.json).not.toHaveProperty('postcode');
    const vacancyId = await postVacancy(HARBOUR, urn);
    expect(JSON.stringify(await searchFinds(vacancyId))).not.toMatch(/1AA/);
    expect((await get(HARBOUR, `/v1/homes/${await putHome(HARBOUR)}`)).json.sector).toBe('private');
    expect((await get(OWNER, `/v1/homes/${await putHome(OWNER, { shareWithRegion: true })}`)).json.sector).toBe('local-authority');
    for (const bad of [{ postcode: 'CM1' }, { localAuthority: 'E99999999' }, { sector: 'charity' }]) {
      const r = await call(HARBOUR, 'PUT', `/v1/homes/${urn}`, { body: homeBody(bad) });
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.json.errors.map((e: any) => e.path)).toEqual(Object.keys(bad));
    }
  });
});
