import { describe, expect, it } from 'vitest';
import { call, isProblem, unique } from '../support/hub.ts';
import { parsePrincipal } from '../../functions/domain/principal.ts';
import { createVacancy } from '../../functions/store/vacancies.ts';
import { handler as lapseJob } from '../../functions/jobs/lapse-vacancies.ts';
import { homeBody, newUrn, postVacancy, putHome } from './homes-fixtures.ts';

/** Vacancies over HTTP: post, reconfirm, withdraw/fill/change beds, lapse; owners only. */

const DAY = 86_400_000;

async function searchAll(who: string, body: Record<string, unknown>): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | undefined;
  do {
    const r = await call(who, 'POST', '/v1/vacancies/search', { body: { ...body, limit: 100, ...(cursor ? { cursor } : {}) } });
    expect(r.status, r.text).toBe(200);
    items.push(...r.json.items);
    cursor = r.json.nextCursor;
  } while (cursor);
  return items;
}
const anyChild = { child: { age: 14, sex: 'female', needs: [] } };
const found = async (vacancyId: string, who = 'authority:essex') => (await searchAll(who, anyChild)).some((i) => i.vacancyId === vacancyId);

describe('POST /v1/homes/{urn}/vacancies', () => {
  const owner = `provider:vac-${unique()}`;

  it('201s an open vacancy that expires 7 days after it was confirmed', async () => {
    const urn = await putHome(owner);
    const r = await call(owner, 'POST', `/v1/homes/${urn}/vacancies`, { body: { beds: 2, availableFrom: '2026-01-05', weeklyPrice: 5200, note: 'ground floor' } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ homeUrn: urn, beds: 2, availableFrom: '2026-01-05', status: 'open', weeklyPrice: 5200, note: 'ground floor' });
    expect(typeof r.json.id).toBe('string');
    expect(Date.parse(r.json.expiresAt) - Date.parse(r.json.confirmedAt)).toBe(7 * DAY);
    expect(Math.abs(Date.parse(r.json.confirmedAt) - Date.now())).toBeLessThan(60_000);
    const got = await call(owner, 'GET', `/v1/vacancies/${r.json.id}`);
    expect(got.json).toEqual(r.json);
  });

  it('404s a vacancy on another principal\'s home and creates nothing', async () => {
    const urn = await putHome(owner);
    const r = await call(`provider:intruder-${unique()}`, 'POST', `/v1/homes/${urn}/vacancies`, { body: { beds: 1, availableFrom: '2026-01-05' } });
    expect(r.status).toBe(404);
    expect((await call('authority:essex', 'POST', `/v1/homes/${urn}/vacancies`, { body: { beds: 1, availableFrom: '2026-01-05' } })).status).toBe(404);
    expect((await call(owner, 'GET', `/v1/homes/${urn}/vacancies`)).json.items).toEqual([]);
  });

  it('400s unknown fields and bad values; 422s more beds than registered places', async () => {
    const urn = await putHome(owner, { registeredPlaces: 3 });
    for (const body of [
      { beds: 1, availableFrom: '2026-01-05', childName: 'x' },
      { beds: 0, availableFrom: '2026-01-05' },
      { beds: 1, availableFrom: '2026-02-30' },
      { beds: 1 },
    ]) {
      const r = await call(owner, 'POST', `/v1/homes/${urn}/vacancies`, { body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(isProblem(r)).toBe(true);
    }
    const tooMany = await call(owner, 'POST', `/v1/homes/${urn}/vacancies`, { body: { beds: 4, availableFrom: '2026-01-05' } });
    expect(tooMany.status).toBe(422);
    expect((await call(owner, 'GET', `/v1/homes/${urn}/vacancies`)).json.items).toEqual([]);
  });

  it('400s a price that is a fraction of a penny, however small, and stores nothing (found by fuzz-schemas: 5e-324 was a 500)', async () => {
    const urn = await putHome(owner);
    for (const weeklyPrice of [5e-324, 1e-200, -1e-131, 1e-9]) {
      const vacancy = await call(owner, 'POST', `/v1/homes/${urn}/vacancies`, { body: { beds: 1, availableFrom: '2026-01-05', weeklyPrice } });
      expect(vacancy.status, `vacancy ${weeklyPrice}: ${vacancy.text}`).toBe(400);
      expect(vacancy.json.errors).toContainEqual({ path: 'weeklyPrice', message: expect.stringMatching(/2 decimal places/) });
      const home = await call(owner, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ weeklyPrice }) });
      expect(home.status, `home ${weeklyPrice}: ${home.text}`).toBe(400);
    }
    expect((await call(owner, 'GET', `/v1/homes/${urn}/vacancies`)).json.items).toEqual([]);
    expect((await call(owner, 'GET', `/v1/homes/${urn}`)).json.weeklyPrice).toBe(5963.5);
    // pounds and pence are still pounds and pence, float noise and all
    const fine = await call(owner, 'POST', `/v1/homes/${urn}/vacancies`, { body: { beds: 1, availableFrom: '2026-01-05', weeklyPrice: 0.1 + 0.2 } });
    expect(fine.status, fine.text).toBe(201);
  });

  it('honours Idempotency-Key: one vacancy, the same answer replayed; 422 on a different body', async () => {
    const urn = await putHome(owner);
    const key = `vac-${unique()}`;
    const body = { beds: 1, availableFrom: '2026-03-01' };
    const a = await call(owner, 'POST', `/v1/homes/${urn}/vacancies`, { body, headers: { 'idempotency-key': key } });
    const b = await call(owner, 'POST', `/v1/homes/${urn}/vacancies`, { body, headers: { 'idempotency-key': key } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.json).toEqual(a.json);
    const c = await call(owner, 'POST', `/v1/homes/${urn}/vacancies`, { body: { ...body, beds: 2 }, headers: { 'idempotency-key': key } });
    expect(c.status).toBe(422);
    expect((await call(owner, 'GET', `/v1/homes/${urn}/vacancies`)).json.items).toHaveLength(1);
  });
});

describe('confirm and PATCH', () => {
  const owner = `provider:vac2-${unique()}`;

  it('reconfirming moves confirmedAt and expiresAt on; only the owner may', async () => {
    const urn = await putHome(owner);
    const id = await postVacancy(owner, urn);
    const before = (await call(owner, 'GET', `/v1/vacancies/${id}`)).json;
    await new Promise((r) => setTimeout(r, 20));
    const r = await call(owner, 'POST', `/v1/vacancies/${id}/confirm`);
    expect(r.status).toBe(200);
    expect(Date.parse(r.json.confirmedAt)).toBeGreaterThan(Date.parse(before.confirmedAt));
    expect(Date.parse(r.json.expiresAt) - Date.parse(r.json.confirmedAt)).toBe(7 * DAY);
    expect(r.json.version).toBe(before.version + 1);
    expect((await call(`provider:other-${unique()}`, 'POST', `/v1/vacancies/${id}/confirm`)).status).toBe(404);
    expect((await call('authority:essex', 'POST', `/v1/vacancies/${id}/confirm`)).status).toBe(404);
    expect((await call(owner, 'POST', `/v1/vacancies/${id}/confirm`, { headers: { 'if-match': '"1"' } })).status).toBe(412);
  });

  it('changes beds; withdraws; a withdrawn vacancy is never found and cannot reopen (409)', async () => {
    const urn = await putHome(owner);
    const id = await postVacancy(owner, urn, { beds: 2 });
    expect(await found(id)).toBe(true);
    const beds = await call(owner, 'PATCH', `/v1/vacancies/${id}`, { body: { beds: 1 } });
    expect(beds.status).toBe(200);
    expect(beds.json).toMatchObject({ id, beds: 1, status: 'open' });
    expect((await call(owner, 'PATCH', `/v1/vacancies/${id}`, { body: { beds: 9 } })).status).toBe(422);

    const other = await call(`provider:other-${unique()}`, 'PATCH', `/v1/vacancies/${id}`, { body: { status: 'withdrawn' } });
    expect(other.status).toBe(404);
    expect(await found(id)).toBe(true);

    const w = await call(owner, 'PATCH', `/v1/vacancies/${id}`, { body: { status: 'withdrawn' } });
    expect(w.status).toBe(200);
    expect(w.json.status).toBe('withdrawn');
    expect(await found(id)).toBe(false);
    expect(await found(id, 'programme-office')).toBe(false);
    expect((await call(owner, 'POST', `/v1/vacancies/${id}/confirm`)).status).toBe(409);
    expect((await call(owner, 'PATCH', `/v1/vacancies/${id}`, { body: { status: 'filled' } })).status).toBe(409);
    expect((await call(owner, 'PATCH', `/v1/vacancies/${id}`, { body: { status: 'withdrawn' } })).status).toBe(200);
  });

  it('fills a vacancy: no longer found', async () => {
    const urn = await putHome(owner);
    const id = await postVacancy(owner, urn);
    const f = await call(owner, 'PATCH', `/v1/vacancies/${id}`, { body: { status: 'filled' } });
    expect(f.json.status).toBe('filled');
    expect(await found(id)).toBe(false);
  });

  it('400s an empty or unknown patch', async () => {
    const urn = await putHome(owner);
    const id = await postVacancy(owner, urn);
    for (const body of [{}, { status: 'open' }, { status: 'withdrawn', reason: 'x' }, { beds: -1 }]) {
      expect((await call(owner, 'PATCH', `/v1/vacancies/${id}`, { body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await call(owner, 'GET', `/v1/vacancies/${id}`)).json).toMatchObject({ status: 'open', version: 1 });
  });
});

describe('lapsing', () => {
  it('a vacancy not reconfirmed for 7 days is never found, even before the job runs; the job marks it lapsed; confirming reopens it', async () => {
    const owner = `provider:lapse-${unique()}`;
    const urn = await putHome(owner);
    const p = parsePrincipal(owner)!;
    const old = await createVacancy(p, urn, { beds: 1, availableFrom: '2026-01-01' }, { now: new Date(Date.now() - 8 * DAY) });
    const recent = await createVacancy(p, urn, { beds: 1, availableFrom: '2026-01-01' }, { now: new Date(Date.now() - 6 * DAY) });

    expect((await call(owner, 'GET', `/v1/vacancies/${old.id}`)).json.status).toBe('lapsed');
    expect(await found(old.id)).toBe(false);
    expect(await found(recent.id)).toBe(true);

    const result = await lapseJob();
    expect(result.lapsed).toBeGreaterThanOrEqual(1);
    const after = await call(owner, 'GET', `/v1/vacancies/${old.id}`);
    expect(after.json.status).toBe('lapsed');
    expect(after.json.version).toBe(2);
    expect((await call(owner, 'GET', `/v1/vacancies/${recent.id}`)).json.status).toBe('open');
    expect(await found(old.id)).toBe(false);
    await lapseJob(); // idempotent: an already lapsed vacancy is not touched again
    expect((await call(owner, 'GET', `/v1/vacancies/${old.id}`)).json.version).toBe(2);

    const reopened = await call(owner, 'POST', `/v1/vacancies/${old.id}/confirm`);
    expect(reopened.json.status).toBe('open');
    expect(await found(old.id)).toBe(true);
    const listed = await call(owner, 'GET', `/v1/homes/${urn}/vacancies`);
    expect(listed.json.items.map((v: { id: string }) => v.id).sort()).toEqual([old.id, recent.id].sort());
  });
});

describe('reading vacancies', () => {
  it('404s a vacancy on an unshared in-house home to other authorities; its owner and the programme office see it', async () => {
    const urn = await putHome('authority:bedford', { outcode: 'MK40' }, newUrn());
    const id = await postVacancy('authority:bedford', urn);
    expect((await call('authority:bedford', 'GET', `/v1/vacancies/${id}`)).status).toBe(200);
    expect((await call('programme-office', 'GET', `/v1/vacancies/${id}`)).status).toBe(200);
    expect((await call('authority:luton', 'GET', `/v1/vacancies/${id}`)).status).toBe(404);
    expect((await call('provider:harbour-care', 'GET', `/v1/vacancies/${id}`)).status).toBe(404);
    expect((await call('authority:luton', 'GET', `/v1/homes/${urn}/vacancies`)).status).toBe(404);
    expect((await call('authority:luton', 'GET', '/v1/vacancies/no-such-vacancy')).status).toBe(404);
  });
});

describe('open beds never exceed registered places (CONTRACT: 422 otherwise)', () => {
  const owner = `provider:beds-${unique()}`;
  const post = (urn: string, beds: number) => call(owner, 'POST', `/v1/homes/${urn}/vacancies`, { body: { beds, availableFrom: '2026-01-05' } });
  const openBeds = async (urn: string) => {
    const items = (await call(owner, 'GET', `/v1/homes/${urn}/vacancies`, { query: { limit: 100 } })).json.items as { status: string; beds: number }[];
    return items.filter((v) => v.status === 'open').reduce((a, v) => a + v.beds, 0);
  };

  it('POST: vacancies that together would hold more beds than the places are 422, naming beds; a withdrawn one frees its beds', async () => {
    const urn = await putHome(owner, { registeredPlaces: 3 });
    const first = await post(urn, 2);
    expect(first.status).toBe(201);
    const over = await post(urn, 2);
    expect(over.status, over.text).toBe(422);
    expect(isProblem(over)).toBe(true);
    expect(over.json.errors.map((e: { path: string }) => e.path)).toContain('beds');
    expect((await post(urn, 1)).status).toBe(201);
    expect((await post(urn, 1)).status).toBe(422);
    expect(await openBeds(urn)).toBe(3);
    await call(owner, 'PATCH', `/v1/vacancies/${first.json.id}`, { body: { status: 'withdrawn' } });
    expect((await post(urn, 2)).status).toBe(201);
    expect(await openBeds(urn)).toBe(3);
  });

  it('PATCH {beds}: raising one vacancy past the home\'s free places is 422 and changes nothing', async () => {
    const urn = await putHome(owner, { registeredPlaces: 3 });
    const a = await postVacancy(owner, urn, { beds: 1 });
    await postVacancy(owner, urn, { beds: 1 });
    const over = await call(owner, 'PATCH', `/v1/vacancies/${a}`, { body: { beds: 3 } });
    expect(over.status, over.text).toBe(422);
    expect((await call(owner, 'GET', `/v1/vacancies/${a}`)).json).toMatchObject({ beds: 1, version: 1 });
    expect((await call(owner, 'PATCH', `/v1/vacancies/${a}`, { body: { beds: 2 } })).status).toBe(200);
    expect(await openBeds(urn)).toBe(3);
  });

  it('PUT: lowering registeredPlaces below the open beds is 422 naming registeredPlaces; down to them is fine', async () => {
    const urn = await putHome(owner, { registeredPlaces: 4 });
    await postVacancy(owner, urn, { beds: 2 });
    await postVacancy(owner, urn, { beds: 1 });
    const lower = await call(owner, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ registeredPlaces: 2 }) });
    expect(lower.status, lower.text).toBe(422);
    expect(lower.json.errors.map((e: { path: string }) => e.path)).toContain('registeredPlaces');
    expect((await call(owner, 'GET', `/v1/homes/${urn}`)).json).toMatchObject({ registeredPlaces: 4, version: 1 });
    const exact = await call(owner, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ registeredPlaces: 3 }) });
    expect(exact.status, exact.text).toBe(200);
    expect((await post(urn, 1)).status).toBe(422);
  });

  it('holds under concurrency: 20 posts of 1 bed at once into 5 places → exactly 5 created', async () => {
    const urn = await putHome(owner, { registeredPlaces: 5 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(urn, 1)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201), statuses.join(',')).toHaveLength(5);
    expect(statuses.filter((s) => s === 422), statuses.join(',')).toHaveLength(15);
    expect(await openBeds(urn)).toBe(5);
  });

  it('holds under concurrency: a PUT lowering the places races a POST; never both accepted', async () => {
    for (let round = 0; round < 4; round++) {
      const urn = await putHome(owner, { registeredPlaces: 4 });
      await postVacancy(owner, urn, { beds: 2 });
      const [put, vacancy] = await Promise.all([
        call(owner, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ registeredPlaces: 2 }) }),
        post(urn, 2),
      ]);
      expect([put.status, vacancy.status].sort(), `${put.text} ${vacancy.text}`).toEqual([put.status === 200 ? 200 : 201, 422].sort());
      const places = (await call(owner, 'GET', `/v1/homes/${urn}`)).json.registeredPlaces;
      expect(await openBeds(urn)).toBeLessThanOrEqual(places);
    }
  });

  it('a vacancy past its 7 days holds no beds, even before the job runs; reopening it needs room', async () => {
    const urn = await putHome(owner, { registeredPlaces: 2 });
    const old = await createVacancy(parsePrincipal(owner)!, urn, { beds: 2, availableFrom: '2026-01-01' }, { now: new Date(Date.now() - 8 * DAY) });
    expect((await post(urn, 2)).status).toBe(201);
    const reopen = await call(owner, 'POST', `/v1/vacancies/${old.id}/confirm`);
    expect(reopen.status, reopen.text).toBe(422);
    expect((await call(owner, 'GET', `/v1/vacancies/${old.id}`)).json.status).toBe('lapsed');
  });
});
