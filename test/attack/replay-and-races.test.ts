import { afterAll, describe, expect, it } from 'vitest';
import { isProblem, unique, type CallResult } from '../support/hub.ts';
import { putHome as putStoreHome } from '../support/pool-fixtures.ts';
import { addDays, londonToday } from '../../functions/domain/calendar-days.ts';
import { allBeds, bedAudit, getBed } from '../../functions/store/pool.ts';
import { routeList, routes } from '../../functions/routes/index.ts';
import {
  PO, call, counter, created, freshUrn, homeBody, inBatches, observable, pageAll, poolRequestBody, referralBody, spendLine,
} from './attack-support.ts';

/**
 * Replays and races. Idempotency-Key on every creating POST in the route table: the same key
 * and body give the same status and body and one effect; a changed body is 422; keys belong to
 * the principal that used them; only successes are replayed; concurrent replays still make one
 * effect. Allocations raced against each other and against cancellations and endings never
 * give a bed two children. Consent withdrawn while providers read: every read that starts after
 * the withdrawal has answered is 404, and the audit holds exactly one entry per non-owner read.
 */

const today = londonToday();

afterAll(() => console.log(`replay-and-races: ${counter.requests} requests`));

async function newBed(kind: 'emergency' | 'move-on' = 'emergency'): Promise<string> {
  const home = await putStoreHome({ owner: `provider:atk-beds-${unique()}` });
  return (await created(
    call(PO, 'POST', '/v1/pool/beds', { body: { homeUrn: home.urn, kind, weeklyCost: 700, contractRef: `ATK-${unique()}`, from: addDays(today, -30) } }),
    'bed',
  )).id;
}

const newRequest = async (who: string) => (await created(call(who, 'POST', '/v1/pool/requests', { body: poolRequestBody(today) }), `${who} request`)).id as string;

/** Everything a client sees of an answer except its own request id. */
const seen = (r: CallResult) => {
  const o = observable(r, []);
  return { ...o, headerNames: o.headerNames.filter((h) => h !== 'idempotent-replayed') };
};

// ------------------------------------------------------------------ replays, route by route

interface ReplayCase {
  /** The route's key in functions/routes/index.ts. */
  route: string;
  who: string;
  /** Prepares what the route needs; answers the path, the body, a different body, and how to count the effect. */
  prepare: () => Promise<{
    path: string;
    body: unknown;
    otherBody: unknown;
    effects: () => Promise<number>;
    /** Runs after the first answer: changes what a second run would answer (so a replay that re-ran would show). */
    afterFirst?: (first: CallResult) => Promise<void>;
    /** The same effect counted for `alsoBy`. */
    theirEffects?: () => Promise<number>;
  }>;
  /** A second principal allowed to make the same call (same path and body) with the same key. */
  alsoBy?: string;
}

const REPLAY_PROVIDER = `provider:atk-replay-${unique()}`;
/** A provider the hub knows but that is not yet a party: it accedes in the accession case. */
const REPLAY_JOINER = `provider:atk-joiner-${unique()}`;

const replayCases: ReplayCase[] = [
  {
    route: 'POST /v1/homes/{urn}/vacancies',
    who: REPLAY_PROVIDER,
    prepare: async () => {
      const who = REPLAY_PROVIDER;
      const urn = freshUrn();
      await created(call(who, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ outcode: 'CM1' }) }), 'home');
      return {
        path: `/v1/homes/${urn}/vacancies`,
        body: { beds: 1, availableFrom: today },
        otherBody: { beds: 2, availableFrom: today },
        effects: async () => (await pageAll(who, `/v1/homes/${urn}/vacancies`)).length,
      };
    },
  },
  {
    route: 'POST /v1/pool/beds',
    who: PO,
    prepare: async () => {
      const home = await putStoreHome({ owner: `provider:atk-beds-${unique()}` });
      const contractRef = `ATK-REPLAY-${unique()}`;
      const body = { homeUrn: home.urn, kind: 'emergency', weeklyCost: 700, contractRef, from: today };
      return {
        path: '/v1/pool/beds',
        body,
        otherBody: { ...body, weeklyCost: 701 },
        effects: async () => (await allBeds()).filter((b) => b.contractRef === contractRef).length,
      };
    },
  },
  {
    route: 'POST /v1/pool/requests',
    who: 'authority:luton',
    alsoBy: 'authority:southend-on-sea',
    prepare: async () => {
      const body = poolRequestBody(today);
      const childRef = body.child.childRef;
      return {
        path: '/v1/pool/requests',
        body,
        otherBody: { ...body, urgency: 'planned' },
        effects: async () => (await pageAll('authority:luton', '/v1/pool/requests')).filter((r) => r.child.childRef === childRef).length,
        theirEffects: async () => (await pageAll('authority:southend-on-sea', '/v1/pool/requests')).filter((r) => r.child.childRef === childRef).length,
      };
    },
  },
  {
    route: 'POST /v1/pool/allocations',
    who: PO,
    prepare: async () => {
      const [bedId, requestId] = await Promise.all([newBed(), newRequest('authority:luton')]);
      const body = { requestId, bedId, startDate: today };
      return {
        path: '/v1/pool/allocations',
        body,
        otherBody: { ...body, startDate: addDays(today, -1) },
        effects: async () => (await bedAudit(bedId)).filter((a) => a.action === 'pool.allocate').length,
      };
    },
  },
  {
    route: 'POST /v1/pool/allocations/{id}/end',
    who: 'authority:luton',
    prepare: async () => {
      const [bedId, requestId] = await Promise.all([newBed(), newRequest('authority:luton')]);
      const alloc = await created(call(PO, 'POST', '/v1/pool/allocations', { body: { requestId, bedId, startDate: addDays(today, -3) } }), 'allocation');
      return {
        path: `/v1/pool/allocations/${alloc.id}/end`,
        body: { endDate: today, reason: 'CARPL' },
        otherBody: { endDate: today, reason: 'CHILD' },
        effects: async () => (await bedAudit(bedId)).filter((a) => a.action === 'pool.end').length,
      };
    },
  },
  {
    route: 'POST /v1/referrals',
    who: 'authority:luton',
    alsoBy: 'authority:southend-on-sea',
    prepare: async () => {
      const body = referralBody(['harbour-care']);
      const childRef = body.child.childRef;
      return {
        path: '/v1/referrals',
        body,
        otherBody: { ...body, shareWith: ['harbour-care', 'meadowview-care'] },
        effects: async () => (await pageAll('authority:luton', '/v1/referrals')).filter((r) => r.child.childRef === childRef).length,
        theirEffects: async () => (await pageAll('authority:southend-on-sea', '/v1/referrals')).filter((r) => r.child.childRef === childRef).length,
      };
    },
  },
  {
    route: 'POST /v1/referrals/{id}/responses',
    who: 'provider:harbour-care',
    alsoBy: 'provider:fenland-childrens-homes',
    prepare: async () => {
      const referral = await created(call('authority:luton', 'POST', '/v1/referrals', { body: referralBody(['harbour-care', 'fenland-childrens-homes']) }), 'referral');
      return {
        path: `/v1/referrals/${referral.id}/responses`,
        body: { response: 'interested' },
        otherBody: { response: 'declined', reason: 'no-vacancy' },
        // each response the hub acts on is audited once: a replay is answered without acting
        effects: async () =>
          (await pageAll('authority:luton', '/v1/audit', { referralId: referral.id })).filter((e) => e.action === 'respond' && e.principal === 'provider:harbour-care').length,
        theirEffects: async () =>
          (await pageAll('authority:luton', '/v1/audit', { referralId: referral.id })).filter((e) => e.action === 'respond' && e.principal === 'provider:fenland-childrens-homes').length,
      };
    },
  },
  {
    route: 'POST /v1/referrals/{id}/offers',
    who: 'provider:harbour-care',
    prepare: async () => {
      const referral = await created(call('authority:luton', 'POST', '/v1/referrals', { body: referralBody(['harbour-care']) }), 'referral');
      const urn = freshUrn();
      await created(call('provider:harbour-care', 'PUT', `/v1/homes/${urn}`, { body: homeBody({ outcode: 'CM1' }) }), 'home');
      const body = { homeUrn: urn, startDate: today, weeklyCost: { core: 5000, education: 120.5 }, holdUntil: new Date(Date.now() + 86_400_000).toISOString() };
      return {
        path: `/v1/referrals/${referral.id}/offers`,
        body,
        otherBody: { ...body, weeklyCost: { core: 5001 } },
        effects: async () => (await pageAll('authority:luton', `/v1/referrals/${referral.id}/offers`)).length,
      };
    },
  },
  {
    route: 'POST /v1/offers/{id}/accept',
    who: 'authority:luton',
    prepare: async () => {
      const referral = await created(call('authority:luton', 'POST', '/v1/referrals', { body: referralBody(['harbour-care']) }), 'referral');
      const urn = freshUrn();
      await created(call('provider:harbour-care', 'PUT', `/v1/homes/${urn}`, { body: homeBody({ outcode: 'CM1' }) }), 'home');
      const offer = await created(call('provider:harbour-care', 'POST', `/v1/referrals/${referral.id}/offers`, {
        body: { homeUrn: urn, startDate: today, weeklyCost: { core: 5000 }, holdUntil: new Date(Date.now() + 86_400_000).toISOString() },
      }), 'offer');
      return {
        path: `/v1/offers/${offer.id}/accept`,
        body: {},
        otherBody: { note: 'another body' },
        // each acceptance writes one audit entry in its transaction: a replay is answered without acting
        effects: async () => (await pageAll('authority:luton', '/v1/audit', { referralId: referral.id })).filter((e) => e.action === 'accept').length,
      };
    },
  },
  {
    route: 'POST /v1/spend/batches',
    who: 'authority:hertfordshire',
    alsoBy: 'authority:southend-on-sea',
    prepare: async () => {
      const month = '1997-01';
      const body = { lines: [spendLine(month), spendLine(month, { amount: -10 })] };
      const count = (who: string) => async () => (await pageAll(who, '/v1/spend/batches')).filter((b) => b.months.includes(month)).length;
      return {
        path: '/v1/spend/batches',
        body,
        otherBody: { lines: [body.lines[0]] },
        effects: count('authority:hertfordshire'),
        theirEffects: count('authority:southend-on-sea'),
      };
    },
  },
  {
    route: 'POST /v1/rollups',
    who: PO,
    prepare: async () => {
      const month = '1997-07';
      await created(call('authority:hertfordshire', 'POST', '/v1/spend/batches', { body: { lines: [spendLine(month)] } }), 'batch');
      let firstAnswer: string | undefined;
      return {
        path: '/v1/rollups',
        body: { period: month },
        otherBody: { period: '1997-Q3' },
        // a rollup of the same inputs is byte-identical, so its run shows only when the inputs
        // have changed since: 0 before any run, 1 while the stored rollup is the first answer's, 2 after a re-run
        effects: async () => {
          const r = await call('authority:hertfordshire', 'GET', `/v1/rollups/${month}`);
          if (r.status === 404) return 0;
          return firstAnswer === undefined || r.json.generatedAt === JSON.parse(firstAnswer).generatedAt ? 1 : 2;
        },
        afterFirst: async (first) => {
          firstAnswer = first.text;
          await new Promise((r) => setTimeout(r, 5));
          await created(call('authority:southend-on-sea', 'POST', '/v1/spend/batches', { body: { lines: [spendLine(month)] } }), 'later batch');
        },
      };
    },
  },
  {
    route: 'POST /v1/providers/{id}/accession',
    who: REPLAY_JOINER,
    prepare: async () => {
      const who = REPLAY_JOINER;
      const id = who.slice('provider:'.length);
      // a provider the hub knows (it posted a home) and that is not yet a party accedes
      await created(call(who, 'PUT', `/v1/homes/${freshUrn()}`, { body: homeBody({ outcode: 'CM1' }) }), 'home');
      const body = { agreementId: 'commission-east-placements-isp', version: '1.0', signatory: { name: 'A. Replay', role: 'Responsible individual' }, signedAt: new Date(Date.now() - 60_000).toISOString() };
      return {
        path: `/v1/providers/${id}/accession`,
        body,
        otherBody: { ...body, signatory: { name: 'B. Replay', role: 'Director' } },
        effects: async () => (await pageAll(who, '/v1/sharing-agreements/commission-east-placements-isp/accessions')).filter((a: any) => a.provider.id === id).length,
      };
    },
  },
  {
    route: 'POST /v1/webhooks',
    who: 'authority:luton',
    prepare: async () => {
      const url = `https://93.184.215.14/hooks/${unique()}`; // a public address: no DNS needed
      return {
        path: '/v1/webhooks',
        body: { url, events: ['offer.made'] },
        otherBody: { url, events: ['offer.made', 'placement.created'] },
        effects: async () => (await pageAll('authority:luton', '/v1/webhooks')).filter((w: any) => w.url === url).length,
      };
    },
  },
];

/** The cases whose routes the table has (spend's arrive with issue 6); the first test keeps this honest. */
const activeCases = replayCases.filter((c) => c.route in routes);

describe('Idempotency-Key on every creating POST', () => {
  it('every idempotent route in the table has a replay case here', () => {
    const idempotent = routeList.filter((r) => r.def.idempotent).map((r) => r.key);
    expect(activeCases.map((c) => c.route).sort()).toEqual([...idempotent].sort());
  });

  for (const c of activeCases) {
    it(`${c.route}: same key and body → the same answer and one effect; a different body → 422; nothing more`, async () => {
      const { path, body, otherBody, effects, theirEffects, afterFirst } = await c.prepare();
      const before = await effects();
      const theirsBefore = theirEffects ? await theirEffects() : 0;
      const key = `atk-${unique()}`;
      const headers = { 'idempotency-key': key };
      const first = await call(c.who, 'POST', path, { body, headers });
      expect(first.status, first.text).toBeGreaterThanOrEqual(200);
      expect(first.status).toBeLessThan(300);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      await afterFirst?.(first);

      const replays = await Promise.all([0, 1, 2].map(() => call(c.who, 'POST', path, { body, headers })));
      for (const replay of replays) {
        expect(seen(replay)).toEqual(seen(first));
        expect(replay.headers.get('idempotent-replayed')).toBe('true');
        expect(replay.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
      }
      // the same body with its keys in another order is the same request
      const reordered = Object.fromEntries(Object.entries(body as Record<string, unknown>).reverse());
      expect(seen(await call(c.who, 'POST', path, { body: reordered, headers }))).toEqual(seen(first));

      const changed = await call(c.who, 'POST', path, { body: otherBody, headers });
      expect(changed.status, changed.text).toBe(422);
      expect(isProblem(changed)).toBe(true);
      expect(await effects()).toBe(before + 1);

      if (c.alsoBy) {
        // keys are per principal: the same key, path and body from another principal is its own request
        const theirs = await call(c.alsoBy, 'POST', path, { body, headers });
        expect(theirs.status, theirs.text).toBe(first.status);
        expect(theirs.headers.get('idempotent-replayed')).toBeNull();
        const theirsAgain = await call(c.alsoBy, 'POST', path, { body, headers });
        expect(seen(theirsAgain)).toEqual(seen(theirs));
        expect(theirsAgain.headers.get('idempotent-replayed')).toBe('true');
        expect(seen(await call(c.who, 'POST', path, { body, headers }))).toEqual(seen(first));
        expect(await effects()).toBe(before + 1);
        expect(await theirEffects!()).toBe(theirsBefore + 1);
      }
    });
  }

  it('keys are per principal: two authorities using one key make two requests, each owned by its maker', async () => {
    const key = `atk-shared-${unique()}`;
    const body = poolRequestBody(today);
    const [a, b] = await Promise.all(['authority:peterborough', 'authority:suffolk'].map((who) => call(who, 'POST', '/v1/pool/requests', { body, headers: { 'idempotency-key': key } })));
    expect([a!.status, b!.status]).toEqual([201, 201]);
    expect(a!.json.id).toMatch(/^req_peterborough_/);
    expect(b!.json.id).toMatch(/^req_suffolk_/);
    expect((await call('authority:suffolk', 'GET', `/v1/pool/requests/${a!.json.id}`)).status).toBe(404);
    expect((await call('authority:peterborough', 'GET', `/v1/pool/requests/${b!.json.id}`)).status).toBe(404);
    for (const [who, r] of [['authority:peterborough', a!], ['authority:suffolk', b!]] as const) {
      const mine = (await pageAll(who, '/v1/pool/requests')).filter((x) => x.child.childRef === body.child.childRef);
      expect(mine.map((x) => x.id)).toEqual([r.json.id]);
    }
  });

  it('concurrent requests with one key make one effect: the others replay it or are told it is in progress (409)', async () => {
    const who = 'authority:cambridgeshire';
    const key = `atk-burst-${unique()}`;
    const body = poolRequestBody(today);
    const burst = await Promise.all(Array.from({ length: 12 }, () => call(who, 'POST', '/v1/pool/requests', { body, headers: { 'idempotency-key': key } })));
    const ok = burst.filter((r) => r.status === 201);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((r) => r.text)).size).toBe(1);
    for (const r of burst.filter((x) => x.status !== 201)) {
      expect(r.status, r.text).toBe(409);
      expect(isProblem(r)).toBe(true);
    }
    const after = await call(who, 'POST', '/v1/pool/requests', { body, headers: { 'idempotency-key': key } });
    expect(after.text).toBe(ok[0]!.text);
    const mine = (await pageAll(who, '/v1/pool/requests')).filter((x) => x.child.childRef === body.child.childRef);
    expect(mine).toHaveLength(1);

    // and with different bodies raced on one key: one effect, the rest 422 or 409
    const key2 = `atk-burst2-${unique()}`;
    const bodies = Array.from({ length: 8 }, () => poolRequestBody(today));
    const mixed = await Promise.all(bodies.map((b) => call(who, 'POST', '/v1/pool/requests', { body: b, headers: { 'idempotency-key': key2 } })));
    expect(mixed.filter((r) => r.status === 201)).toHaveLength(1);
    expect(mixed.filter((r) => r.status !== 201).every((r) => [409, 422].includes(r.status))).toBe(true);
    const refs = new Set(bodies.map((b) => b.child.childRef));
    expect((await pageAll(who, '/v1/pool/requests')).filter((x) => refs.has(x.child.childRef))).toHaveLength(1);
  });

  it('only successes are replayed: a refused request retried with the same key is tried afresh', async () => {
    const [bedId, requestId] = await Promise.all([newBed(), newRequest('authority:hertfordshire')]);
    expect((await call(PO, 'PATCH', `/v1/pool/beds/${bedId}`, { body: { status: 'out-of-service' } })).status).toBe(200);
    const key = `atk-retry-${unique()}`;
    const body = { requestId, bedId, startDate: today };
    const refused = await call(PO, 'POST', '/v1/pool/allocations', { body, headers: { 'idempotency-key': key } });
    expect(refused.status).toBe(409);
    const again = await call(PO, 'POST', '/v1/pool/allocations', { body, headers: { 'idempotency-key': key } });
    expect(again.status).toBe(409);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect((await call(PO, 'PATCH', `/v1/pool/beds/${bedId}`, { body: { status: 'available' } })).status).toBe(200);
    const ok = await call(PO, 'POST', '/v1/pool/allocations', { body, headers: { 'idempotency-key': key } });
    expect(ok.status, ok.text).toBe(201);
    const replay = await call(PO, 'POST', '/v1/pool/allocations', { body, headers: { 'idempotency-key': key } });
    expect(seen(replay)).toEqual(seen(ok));
    expect((await bedAudit(bedId)).filter((a) => a.action === 'pool.allocate')).toHaveLength(1);
  });
});

// ------------------------------------------------------------------ races

describe('concurrent allocations', () => {
  it('40 allocations for 3 beds, raced against their owners cancelling half the requests: 3 winners, the rest 409, nothing allocated twice or after a cancel', async () => {
    const beds = await Promise.all([newBed(), newBed(), newBed()]);
    const owners = ['authority:essex', 'authority:norfolk', 'authority:bedford', 'authority:luton'];
    const requests = await inBatches(Array.from({ length: 40 }, (_, i) => async () => ({ who: owners[i % owners.length]!, id: await newRequest(owners[i % owners.length]!) })), 8);
    const attempts = requests.map((r, i) => async () => ({ kind: 'allocate' as const, r, res: await call(PO, 'POST', '/v1/pool/allocations', { body: { requestId: r.id, bedId: beds[i % 3]!, startDate: today } }) }));
    const cancels = requests.filter((_, i) => i % 2 === 1).map((r) => async () => ({ kind: 'cancel' as const, r, res: await call(r.who, 'POST', `/v1/pool/requests/${r.id}/cancel`) }));
    // interleave, then fire everything at once
    const all = attempts.flatMap((a, i) => (i % 2 === 1 ? [a, cancels[(i - 1) / 2]!] : [a]));
    const results = await Promise.all(all.map((t) => t()));

    const allocations = results.filter((x) => x.kind === 'allocate');
    const winners = allocations.filter((x) => x.res.status === 201);
    expect(winners).toHaveLength(3);
    expect(new Set(winners.map((w) => w.res.json.bedId))).toEqual(new Set(beds));
    for (const loser of allocations.filter((x) => x.res.status !== 201)) {
      expect(loser.res.status, loser.res.text).toBe(409);
      expect(isProblem(loser.res)).toBe(true);
      expect(['bed-not-available', 'request-not-pending']).toContain(loser.res.json.errors[0].message);
    }
    const cancelled = new Set(results.filter((x) => x.kind === 'cancel' && x.res.status === 200).map((x) => x.r.id));
    for (const c of results.filter((x) => x.kind === 'cancel')) expect([200, 409], c.res.text).toContain(c.res.status);
    for (const w of winners) expect(cancelled.has(w.r.id), `${w.r.id} allocated and cancelled`).toBe(false);
    // the store agrees: one allocation per bed, the winner's; requests allocated, cancelled or pending, consistently
    for (const bedId of beds) {
      const bed = (await getBed(bedId, true))!;
      const won = winners.filter((w) => w.res.json.bedId === bedId);
      expect(won).toHaveLength(1);
      expect(bed).toMatchObject({ status: 'occupied', allocation: { id: won[0]!.res.json.id } });
      expect((await bedAudit(bedId)).filter((a) => a.action === 'pool.allocate')).toHaveLength(1);
    }
    const states = await inBatches(requests.map((r) => async () => ({ r, s: (await call(r.who, 'GET', `/v1/pool/requests/${r.id}`)).json.status })), 8);
    const winnerIds = new Set(winners.map((w) => w.r.id));
    for (const { r, s } of states) expect(s, r.id).toBe(winnerIds.has(r.id) ? 'allocated' : cancelled.has(r.id) ? 'cancelled' : 'pending');
  }, 120_000);

  it('an allocation ended by its owner and by the programme office at once ends once; a new allocation raced against the end never overlaps it', async () => {
    for (let round = 0; round < 4; round++) {
      const bedId = await newBed();
      const first = await newRequest('authority:southend-on-sea');
      const alloc = await created(call(PO, 'POST', '/v1/pool/allocations', { body: { requestId: first, bedId, startDate: addDays(today, -5) } }), 'allocation');
      const next = await newRequest('authority:suffolk');
      const [byOwner, byOffice, taker] = await Promise.all([
        call('authority:southend-on-sea', 'POST', `/v1/pool/allocations/${alloc.id}/end`, { body: { endDate: today, reason: 'CARPL' } }),
        call(PO, 'POST', `/v1/pool/allocations/${alloc.id}/end`, { body: { endDate: addDays(today, -1), reason: 'CHILD' } }),
        call(PO, 'POST', '/v1/pool/allocations', { body: { requestId: next, bedId, startDate: today } }),
      ]);
      expect([byOwner!.status, byOffice!.status].sort(), `${byOwner!.text} ${byOffice!.text}`).toEqual([200, 409]);
      expect((await bedAudit(bedId)).filter((a) => a.action === 'pool.end')).toHaveLength(1);
      const ended = (await call(PO, 'GET', `/v1/pool/allocations/${alloc.id}`)).json;
      expect(ended.status).toBe('ended');
      const bed = (await getBed(bedId, true))!;
      if (taker!.status === 201) {
        // it won only once the bed was free, and from no earlier than the end date
        expect(taker!.json.startDate >= ended.endDate).toBe(true);
        expect(bed.allocation?.id).toBe(taker!.json.id);
      } else {
        expect(taker!.status, taker!.text).toBe(409);
        expect(bed).toMatchObject({ status: 'available', availableFrom: ended.endDate });
        expect(bed.allocation).toBeUndefined();
      }
    }
  }, 120_000);
});

describe('optimistic writes raced', () => {
  it('ten changes with one If-Match: exactly one wins, the rest 412; nothing lost or doubled', async () => {
    const who = `provider:atk-race-${unique()}`;
    const urn = freshUrn();
    await created(call(who, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ outcode: 'CM1', registeredPlaces: 10 }) }), 'home');
    const vacancy = await created(call(who, 'POST', `/v1/homes/${urn}/vacancies`, { body: { beds: 1, availableFrom: today } }), 'vacancy');
    const patches = await Promise.all(Array.from({ length: 10 }, (_, i) => call(who, 'PATCH', `/v1/vacancies/${vacancy.id}`, { body: { beds: i + 1 }, headers: { 'if-match': '"1"' } })));
    const won = patches.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    expect(patches.filter((r) => r.status === 412), JSON.stringify(patches.map((r) => [r.status, r.text.slice(0, 160)]))).toHaveLength(9);
    expect((await call(who, 'GET', `/v1/vacancies/${vacancy.id}`)).json).toMatchObject({ version: 2, beds: won[0]!.json.beds });

    const puts = await Promise.all(Array.from({ length: 10 }, (_, i) => call(who, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ outcode: 'CM1', registeredPlaces: 10, weeklyPrice: 4000 + i }), headers: { 'if-match': '1' } })));
    const putWon = puts.filter((r) => r.status === 200);
    expect(putWon).toHaveLength(1);
    expect(puts.filter((r) => r.status === 412), JSON.stringify(puts.map((r) => [r.status, r.text.slice(0, 160)]))).toHaveLength(9);
    expect((await call(who, 'GET', `/v1/homes/${urn}`)).json).toMatchObject({ version: 2, weeklyPrice: putWon[0]!.json.weeklyPrice });
    // without If-Match every write lands, one version each
    const free = await Promise.all(Array.from({ length: 5 }, (_, i) => call(who, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ outcode: 'CM1', registeredPlaces: 10, weeklyPrice: 5000 + i }) })));
    expect(free.every((r) => r.status === 200)).toBe(true);
    expect((await call(who, 'GET', `/v1/homes/${urn}`)).json.version).toBe(7);
  });
});

// ------------------------------------------------------------------ sharing withdrawn mid-flight

describe('an in-house home un-shared mid-flight', () => {
  it('other authorities reading and searching in a loop: nothing started after the un-share has answered shows the home or its vacancy', async () => {
    const OWNER = 'authority:bedford';
    const OTHERS = ['authority:essex', 'authority:norfolk'];
    const placementType = 'T4'; // searches stay small: few homes of this type
    const urn = freshUrn();
    const body = homeBody({ placementType, shareWithRegion: true });
    await created(call(OWNER, 'PUT', `/v1/homes/${urn}`, { body }), 'home');
    const vacancy = (await created(call(OWNER, 'POST', `/v1/homes/${urn}/vacancies`, { body: { beds: 1, availableFrom: today } }), 'vacancy')).id;
    interface Look { who: string; what: string; started: number; ended: number; visible: boolean }
    const looks: Look[] = [];
    let stop = false;
    const look = async (who: string, what: string, run: () => Promise<boolean>) => {
      const started = performance.now();
      const visible = await run();
      looks.push({ who, what, started, ended: performance.now(), visible });
    };
    const loop = async (who: string) => {
      while (!stop) {
        await look(who, 'home', async () => (await call(who, 'GET', `/v1/homes/${urn}`)).status === 200);
        await look(who, 'vacancy', async () => (await call(who, 'GET', `/v1/vacancies/${vacancy}`)).status === 200);
        await look(who, 'search', async () => {
          const r = await call(who, 'POST', '/v1/vacancies/search', { body: { child: { age: 14, sex: 'female', needs: [] }, placementTypes: [placementType], limit: 100 } });
          expect(r.status).toBe(200);
          return r.json.items.some((i: any) => i.vacancyId === vacancy);
        });
      }
    };
    const loops = OTHERS.map(loop);
    while (looks.filter((l) => l.visible).length < 9) await new Promise((r) => setTimeout(r, 5));
    const unshareStarted = performance.now();
    const unshared = await call(OWNER, 'PUT', `/v1/homes/${urn}`, { body: { ...body, shareWithRegion: false } });
    const unsharedAt = performance.now();
    expect(unshared.status, unshared.text).toBe(200);
    while (looks.filter((l) => l.started > unsharedAt).length < 18) await new Promise((r) => setTimeout(r, 5));
    stop = true;
    await Promise.all(loops);

    expect(looks.filter((l) => l.ended < unshareStarted).every((l) => l.visible)).toBe(true);
    const after = looks.filter((l) => l.started > unsharedAt);
    expect(new Set(after.map((l) => l.what))).toEqual(new Set(['home', 'vacancy', 'search']));
    expect(after.filter((l) => l.visible).map((l) => `${l.who} still sees the ${l.what}`)).toEqual([]);
    // the owner still has it all
    expect((await call(OWNER, 'GET', `/v1/vacancies/${vacancy}`)).status).toBe(200);
  }, 120_000);
});

// ------------------------------------------------------------------ consent withdrawn mid-flight

describe('consent withdrawn mid-flight', () => {
  it('providers reading in a loop while the owner withdraws: every read started after the withdrawal answered is 404, and the audit has one entry per non-owner read', async () => {
    const OWNER = 'authority:central-bedfordshire';
    const READERS = ['provider:harbour-care', 'provider:fenland-childrens-homes'];
    const OUTSIDER = 'authority:peterborough';
    const referral = await created(
      call(OWNER, 'POST', '/v1/referrals', {
        body: referralBody(['harbour-care', 'fenland-childrens-homes'], {}, { consent: { status: 'given', recordedAt: new Date(Date.now() - 60_000).toISOString(), by: 'SW' } }),
      }),
      'referral',
    );
    const id: string = referral.id;
    interface Read { who: string; started: number; ended: number; status: number; requestId: string }
    const reads: Read[] = [];
    let withdrawnAt = Infinity; // when the withdrawal's answer arrived
    let stop = false;
    const loop = async (who: string) => {
      while (!stop) {
        const started = performance.now();
        const r = await call(who, 'GET', `/v1/referrals/${id}`);
        reads.push({ who, started, ended: performance.now(), status: r.status, requestId: r.headers.get('x-request-id')! });
      }
    };
    const loops = [...READERS, ...READERS, OUTSIDER, OWNER].map(loop);
    // let the readers get going, withdraw, then keep reading a while
    while (reads.filter((r) => r.status === 200 && r.who !== OWNER).length < 12) await new Promise((r) => setTimeout(r, 5));
    const withdrawStarted = performance.now();
    const w = await call(OWNER, 'POST', `/v1/referrals/${id}/consent`, { body: { status: 'withdrawn', recordedAt: new Date().toISOString() } });
    withdrawnAt = performance.now();
    expect(w.status, w.text).toBe(200);
    while (reads.filter((r) => r.started > withdrawnAt && r.who !== OWNER).length < 24) await new Promise((r) => setTimeout(r, 5));
    stop = true;
    await Promise.all(loops);

    const providerReads = reads.filter((r) => READERS.includes(r.who));
    const after = providerReads.filter((r) => r.started > withdrawnAt);
    expect(after.length).toBeGreaterThanOrEqual(12);
    expect(after.filter((r) => r.status !== 404), 'a read after the withdrawal was answered').toEqual([]);
    expect(providerReads.filter((r) => r.ended < withdrawStarted).every((r) => r.status === 200)).toBe(true);
    expect(reads.filter((r) => r.who === OUTSIDER).every((r) => r.status === 404)).toBe(true);
    expect(reads.filter((r) => r.who === OWNER).every((r) => r.status === 200)).toBe(true);
    // a response after the withdrawal is refused too
    expect((await call(READERS[0]!, 'POST', `/v1/referrals/${id}/responses`, { body: { response: 'interested' } })).status).toBe(404);

    const trail = await pageAll(OWNER, '/v1/audit', { referralId: id });
    const nonOwner = reads.filter((r) => r.who !== OWNER);
    const reads_ = trail.filter((e) => e.action === 'read');
    expect(reads_).toHaveLength(nonOwner.length);
    const byRequest = new Map(reads_.map((e) => [e.requestId, e]));
    for (const r of nonOwner) {
      const e = byRequest.get(r.requestId);
      expect(e, `no audit entry for ${r.who}'s read ${r.requestId}`).toBeDefined();
      expect(e).toMatchObject({ principal: r.who, outcome: r.status === 200 ? 'allowed' : 'denied' });
    }
    expect(trail.filter((e) => e.principal === OWNER)).toEqual([]);
  }, 120_000);

  it('consent records raced: none is lost, the one that arrived last stands whatever its recordedAt, and the next read obeys it', async () => {
    const OWNER = 'authority:central-bedfordshire';
    const id = (await created(call(OWNER, 'POST', '/v1/referrals', { body: referralBody(['harbour-care']) }), 'referral')).id;
    const base = Date.now() - 10_000;
    const records = Array.from({ length: 8 }, (_, i) => ({ status: i % 2 ? 'given' : 'withdrawn', recordedAt: new Date(base + i * 1000).toISOString() }));
    const shuffled = [...records].sort(() => Math.random() - 0.5);
    const answers = await Promise.all(shuffled.map((body) => call(OWNER, 'POST', `/v1/referrals/${id}/consent`, { body })));
    for (const a of answers) expect(a.status, a.text).toBe(200);
    const now = (await call(OWNER, 'GET', `/v1/referrals/${id}`)).json;
    expect(now.consentHistory.map((c: any) => c.recordedAt).sort()).toEqual(records.map((r) => r.recordedAt));
    expect(now.lawfulBasis.consent).toEqual(now.consentHistory.at(-1));
    expect((await call('provider:harbour-care', 'GET', `/v1/referrals/${id}`)).status).toBe(now.lawfulBasis.consent.status === 'given' ? 200 : 404);

    // then each of two records dated before all of them, one after the other: each stands at once
    for (const status of ['withdrawn', 'given'] as const) {
      const older = { status, recordedAt: new Date(base - 60_000).toISOString() };
      expect((await call(OWNER, 'POST', `/v1/referrals/${id}/consent`, { body: older })).status).toBe(200);
      expect((await call('provider:harbour-care', 'GET', `/v1/referrals/${id}`)).status).toBe(status === 'given' ? 200 : 404);
    }
  });
});
