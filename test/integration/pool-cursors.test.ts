import { describe, expect, it } from 'vitest';
import { call, isProblem, unique, type CallResult } from '../support/hub.ts';
import { putHome } from '../support/pool-fixtures.ts';
import { londonToday } from '../../functions/domain/calendar-days.ts';

/**
 * Issue 11: a foreign or tampered cursor on an authority's pool list was a 500 (DynamoDB
 * rejected the start key), and a cursor one authority was given was accepted from another.
 * Every cursor the pool's lists answer is bound to the list and the caller: anything else is a
 * 400 problem naming `cursor`.
 */

const PO = 'programme-office';
const today = londonToday();

async function newRequest(who: string) {
  const r = await call(who, 'POST', '/v1/pool/requests', {
    body: { kind: 'emergency', urgency: 'today', neededFrom: today, child: { childRef: `C-${unique()}`, age: 14, sex: 'female', needs: [] } },
  });
  expect(r.status, r.text).toBe(201);
  return r.json.id as string;
}

async function newAllocation(who: string) {
  const home = await putHome();
  const bed = await call(PO, 'POST', '/v1/pool/beds', {
    body: { homeUrn: home.urn, kind: 'emergency', weeklyCost: 7000, contractRef: `BLOCK-${unique()}`, from: today },
  });
  expect(bed.status, bed.text).toBe(201);
  const r = await call(PO, 'POST', '/v1/pool/allocations', { body: { requestId: await newRequest(who), bedId: bed.json.id, startDate: today } });
  expect(r.status, r.text).toBe(201);
}

/** A cursor the list really gave `who` (a page of one item, with more behind it). */
async function cursorOf(who: string, path: string): Promise<string> {
  const r = await call(who, 'GET', path, { query: { limit: 1 } });
  expect(r.status, r.text).toBe(200);
  expect(r.json.nextCursor, `${who} ${path} has a second page`).toBeTypeOf('string');
  return r.json.nextCursor as string;
}

function expectCursorRefused(r: CallResult, what: string) {
  expect(r.status, `${what}: ${r.text}`).toBe(400);
  expect(isProblem(r), what).toBe(true);
  expect(r.json.errors.map((e: { path: string }) => e.path), what).toEqual(['cursor']);
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('pool list cursors', () => {
  it('a tampered or made-up cursor on an authority\'s requests or allocations is 400 naming cursor, never 500', async () => {
    for (const path of ['/v1/pool/requests', '/v1/pool/allocations']) {
      const real = await call('authority:essex', 'GET', path, { query: { limit: 1 } }); // the list works
      expect(real.status).toBe(200);
      for (const cursor of [b64(['zzz']), b64(['REQ#']), b64(['ALLOC#~']), b64(['POOLREQ#essex']), b64({ pk: 'POOLREQ#norfolk', sk: 'REQ#' }), 'x.y', 'bm90LWpzb24']) {
        expectCursorRefused(await call('authority:essex', 'GET', path, { query: { cursor } }), `${path} cursor ${cursor}`);
      }
    }
  });

  it('a cursor given to Essex is refused from Suffolk, and one from requests is refused on allocations', async () => {
    await newRequest('authority:essex');
    await newRequest('authority:essex');
    await newAllocation('authority:essex');
    await newAllocation('authority:essex');
    const requests = await cursorOf('authority:essex', '/v1/pool/requests');
    const allocations = await cursorOf('authority:essex', '/v1/pool/allocations');
    // the cursors work for Essex on their own lists
    expect((await call('authority:essex', 'GET', '/v1/pool/requests', { query: { cursor: requests } })).status).toBe(200);
    expect((await call('authority:essex', 'GET', '/v1/pool/allocations', { query: { cursor: allocations } })).status).toBe(200);

    expectCursorRefused(await call('authority:suffolk', 'GET', '/v1/pool/requests', { query: { cursor: requests } }), 'Essex requests cursor from Suffolk');
    expectCursorRefused(await call('authority:suffolk', 'GET', '/v1/pool/allocations', { query: { cursor: allocations } }), 'Essex allocations cursor from Suffolk');
    expectCursorRefused(await call('authority:essex', 'GET', '/v1/pool/allocations', { query: { cursor: requests } }), 'requests cursor on allocations');
    expectCursorRefused(await call('authority:essex', 'GET', '/v1/pool/requests', { query: { cursor: allocations } }), 'allocations cursor on requests');
    // and between the programme office and an authority, and onto beds
    expectCursorRefused(await call(PO, 'GET', '/v1/pool/requests', { query: { cursor: requests } }), 'Essex cursor from the programme office');
    const po = await cursorOf(PO, '/v1/pool/requests');
    expectCursorRefused(await call('authority:essex', 'GET', '/v1/pool/requests', { query: { cursor: po } }), 'programme office cursor from Essex');
    expectCursorRefused(await call('authority:essex', 'GET', '/v1/pool/beds', { query: { cursor: requests } }), 'requests cursor on beds');
  });
});
