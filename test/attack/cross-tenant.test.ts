import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult } from '../support/hub.ts';
import { unique } from '../support/hub.ts';
import { putHome as putStoreHome } from '../support/pool-fixtures.ts';
import { HOMES, placed } from '../support/placement-fixtures.ts';
import { AUTHORITIES as REFERENCE, type AuthoritySlug } from '../../functions/domain/reference/authorities.ts';
import { addDays, londonToday } from '../../functions/domain/calendar-days.ts';
import { routeList, routes } from '../../functions/routes/index.ts';
import {
  AUTHORITIES, PO, call, counter, created, expectSameAsMissing, fakeBatchId, fakePoolId, fakeUuid, freshUrn, homeBody, inBatches, missingUrn, observable,
  pageAll, poolRequestBody, referralBody, searchAll, slugOf, spendLine,
} from './attack-support.ts';

/**
 * The cross-tenant matrix: every authority against every other authority's in-house home,
 * vacancy, pool request, allocation, referral and audit trail, and providers against each
 * other's homes and vacancies (and against the authorities' in-house ones, and back). Every
 * attempt is a 404 that says exactly what the 404 for a resource that does not exist says; no
 * list shows another tenant's item; and afterwards every victim reads its data back unchanged.
 */

const today = londonToday();
const now = () => new Date().toISOString();
/** Placement type of the in-house homes here: few other tests search it, so searches stay small. */
const IN_HOUSE_TYPE = 'S1';
/** A month no other file posts spend for (their rollups must not see these lines). */
const SPEND_MONTH = '1998-04';
const HAS_SPEND = 'POST /v1/spend/batches' in routes;

interface Tenant {
  who: string;
  slug: string;
  urn: string;
  vacancyId: string;
  /** Allocated to `bedId` as `allocationId`. */
  requestId: string;
  pendingId: string;
  bedId: string;
  allocationId: string;
  /** An allocation already ended (so the owner would get 409 ending it again). */
  endedAllocationId: string;
  referralId: string;
  /** An open offer on the referral, by harbour-care. */
  offerId: string;
  /** A spend batch, and the JSON body it was posted as. */
  batchId: string;
  batchBody: string;
  /** A placement at a distance outside the 11, awaiting approval, with its reg 13(4) notice not yet sent. */
  placementId: string;
  noticeId: string;
  /** The notice of a placement in the next authority's area (AUTHORITIES order), delivered to that authority. */
  deliveredNoticeId: string;
  /** A webhook of the authority's (a public https address, never called here). */
  webhookId: string;
}

interface ProviderTenant {
  who: string;
  urn: string;
  vacancyId: string;
}

const tenants: Tenant[] = [];
const providers: ProviderTenant[] = [];
const matrixStart = { requests: 0 };

async function newBed(): Promise<string> {
  const home = await putStoreHome({ owner: `provider:atk-beds-${unique()}` });
  const bed = await created(
    call(PO, 'POST', '/v1/pool/beds', { body: { homeUrn: home.urn, kind: 'emergency', weeklyCost: 700, contractRef: `ATK-${unique()}`, from: addDays(today, -30) } }),
    'bed',
  );
  return bed.id;
}

async function setUpAuthority(who: string): Promise<Tenant> {
  const slug = slugOf(who);
  const urn = freshUrn();
  const home = await created(call(who, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ placementType: IN_HOUSE_TYPE }) }), `${who} home`);
  expect(home).toMatchObject({ owner: who, shareWithRegion: false, version: 1 });
  const vacancy = await created(call(who, 'POST', `/v1/homes/${urn}/vacancies`, { body: { beds: 1, availableFrom: today } }), `${who} vacancy`);
  const request = await created(call(who, 'POST', '/v1/pool/requests', { body: poolRequestBody(today) }), `${who} request`);
  const pending = await created(call(who, 'POST', '/v1/pool/requests', { body: poolRequestBody(today) }), `${who} pending request`);
  const toEnd = await created(call(who, 'POST', '/v1/pool/requests', { body: poolRequestBody(today) }), `${who} request to end`);
  const [bedId, otherBed] = await Promise.all([newBed(), newBed()]);
  const allocation = await created(call(PO, 'POST', '/v1/pool/allocations', { body: { requestId: request.id, bedId, startDate: today } }), `${who} allocation`);
  const ended = await created(call(PO, 'POST', '/v1/pool/allocations', { body: { requestId: toEnd.id, bedId: otherBed, startDate: addDays(today, -2) } }), `${who} allocation to end`);
  await created(call(who, 'POST', `/v1/pool/allocations/${ended.id}/end`, { body: { endDate: today, reason: 'CARPL' } }), `${who} end`);
  const referral = await created(call(who, 'POST', '/v1/referrals', { body: referralBody(['harbour-care']) }), `${who} referral`);
  // one allowed read, so the trail is not empty
  expect((await call('provider:harbour-care', 'GET', `/v1/referrals/${referral.id}`)).status).toBe(200);
  const offeredUrn = freshUrn();
  await created(call('provider:harbour-care', 'PUT', `/v1/homes/${offeredUrn}`, { body: homeBody({ outcode: 'CM1' }) }), `${who} offered home`);
  const offer = await created(call('provider:harbour-care', 'POST', `/v1/referrals/${referral.id}/offers`, {
    body: { homeUrn: offeredUrn, startDate: today, weeklyCost: { core: 5000 }, holdUntil: new Date(Date.now() + 2 * 86_400_000).toISOString() },
  }), `${who} offer`);
  const batchBody = JSON.stringify({ lines: [spendLine(SPEND_MONTH), spendLine(SPEND_MONTH)] });
  let batch = { batchId: '' };
  if (HAS_SPEND) {
    batch = await created(call(who, 'POST', '/v1/spend/batches', { rawBody: batchBody, headers: { 'content-type': 'application/json' } }), `${who} spend batch`);
    expect(batch).toMatchObject({ accepted: 2, rejected: [] });
  }
  const placement = await placed({ authority: slug as AuthoritySlug, home: HOMES.westminster });
  const next = slugOf(AUTHORITIES[(AUTHORITIES.indexOf(who) + 1) % AUTHORITIES.length]!);
  const hosted = await placed({ authority: slug as AuthoritySlug, home: { outcode: 'CM1', localAuthority: REFERENCE.find((a) => a.id === next)!.onsCode } });
  const webhook = await created(call(who, 'POST', '/v1/webhooks', { body: { url: 'https://192.0.32.10/hooks/hub', events: ['offer.made'] } }), `${who} webhook`);
  return {
    who, slug, urn, vacancyId: vacancy.id, requestId: request.id, pendingId: pending.id, bedId, allocationId: allocation.id,
    endedAllocationId: ended.id, referralId: referral.id, offerId: offer.id, batchId: batch.batchId, batchBody, placementId: placement.id, noticeId: placement.notices[0]!.id,
    deliveredNoticeId: hosted.notices[0]!.id, webhookId: webhook.id,
  };
}

async function setUpProvider(who: string): Promise<ProviderTenant> {
  const urn = freshUrn();
  await created(call(who, 'PUT', `/v1/homes/${urn}`, { body: homeBody({ outcode: 'CM1' }) }), `${who} home`);
  const vacancy = await created(call(who, 'POST', `/v1/homes/${urn}/vacancies`, { body: { beds: 1, availableFrom: today } }), `${who} vacancy`);
  return { who, urn, vacancyId: vacancy.id };
}

beforeAll(async () => {
  tenants.push(...(await inBatches(AUTHORITIES.map((who) => () => setUpAuthority(who)), 4)));
  const suffix = unique();
  providers.push(...(await inBatches([0, 1, 2].map((i) => () => setUpProvider(`provider:atk-${suffix}-${i}`)), 3)));
  matrixStart.requests = counter.requests;
}, 300_000);

afterAll(() => {
  console.log(`cross-tenant: ${counter.requests} requests (${matrixStart.requests} to set up)`);
});

/**
 * One cell of the matrix: the attack on a victim's resource, and the same request for a
 * resource that does not exist, with the ids each names (masked when comparing).
 */
interface Cell {
  name: string;
  /** The route it attacks (a key of functions/routes/index.ts). */
  route: string;
  attack: (attacker: string, victim: Tenant) => { run: () => Promise<CallResult>; id: string };
  missing: (attacker: string) => Promise<{ r: CallResult; id: string }>;
}

const consentBody = () => ({ status: 'withdrawn', recordedAt: now() });
const approvalBody = () => ({
  role: 'director-of-childrens-services', approvedBy: 'Attacker', approvedAt: now(),
  checklist: { wishesAndFeelings: true, mostAppropriate: true, relativesConsulted: true, areaAuthority: true, iroConsulted: true },
});
/** An offer id of the hub's shape on a referral that does not exist. */
const fakeOfferId = () => `off_${fakeUuid()}_${Date.now().toString(36)}abcdef123456`;

/** A webhook id of the hub's shape that no one has. */
const fakeWebhookId = () => `wh_${Date.now().toString(36).padStart(9, '0')}000000abcdef`;

const allCells: Cell[] = [
  {
    name: 'GET webhook deliveries',
    route: 'GET /v1/webhooks/{id}/deliveries',
    attack: (a, v) => ({ id: v.webhookId, run: () => call(a, 'GET', `/v1/webhooks/${v.webhookId}/deliveries`) }),
    missing: async (a) => {
      const id = fakeWebhookId();
      return { id, r: await call(a, 'GET', `/v1/webhooks/${id}/deliveries`) };
    },
  },
  {
    name: 'DELETE webhook',
    route: 'DELETE /v1/webhooks/{id}',
    attack: (a, v) => ({ id: v.webhookId, run: () => call(a, 'DELETE', `/v1/webhooks/${v.webhookId}`) }),
    missing: async (a) => {
      const id = fakeWebhookId();
      return { id, r: await call(a, 'DELETE', `/v1/webhooks/${id}`) };
    },
  },
  {
    name: 'GET in-house home',
    route: 'GET /v1/homes/{urn}',
    attack: (a, v) => ({ id: v.urn, run: () => call(a, 'GET', `/v1/homes/${v.urn}`) }),
    missing: async (a) => {
      const id = await missingUrn();
      return { id, r: await call(a, 'GET', `/v1/homes/${id}`) };
    },
  },
  {
    name: 'PUT in-house home',
    route: 'PUT /v1/homes/{urn}',
    attack: (a, v) => ({ id: v.urn, run: () => call(a, 'PUT', `/v1/homes/${v.urn}`, { body: homeBody({ name: 'Hijacked', shareWithRegion: true }) }) }),
    // a PUT to a URN nobody holds creates the home; the GET of one is what "does not exist" says
    missing: async (a) => {
      const id = await missingUrn();
      return { id, r: await call(a, 'GET', `/v1/homes/${id}`) };
    },
  },
  {
    name: 'PATCH vacancy',
    route: 'PATCH /v1/vacancies/{id}',
    attack: (a, v) => ({ id: v.vacancyId, run: () => call(a, 'PATCH', `/v1/vacancies/${v.vacancyId}`, { body: { status: 'withdrawn' } }) }),
    missing: async (a) => {
      const id = fakeUuid();
      return { id, r: await call(a, 'PATCH', `/v1/vacancies/${id}`, { body: { status: 'withdrawn' } }) };
    },
  },
  {
    name: 'confirm vacancy',
    route: 'POST /v1/vacancies/{id}/confirm',
    attack: (a, v) => ({ id: v.vacancyId, run: () => call(a, 'POST', `/v1/vacancies/${v.vacancyId}/confirm`) }),
    missing: async (a) => {
      const id = fakeUuid();
      return { id, r: await call(a, 'POST', `/v1/vacancies/${id}/confirm`) };
    },
  },
  {
    name: 'GET pool request',
    route: 'GET /v1/pool/requests/{id}',
    attack: (a, v) => ({ id: v.requestId, run: () => call(a, 'GET', `/v1/pool/requests/${v.requestId}`) }),
    missing: async (a) => {
      const id = fakePoolId('req', slugOf(a));
      return { id, r: await call(a, 'GET', `/v1/pool/requests/${id}`) };
    },
  },
  {
    name: 'cancel pending pool request',
    route: 'POST /v1/pool/requests/{id}/cancel',
    attack: (a, v) => ({ id: v.pendingId, run: () => call(a, 'POST', `/v1/pool/requests/${v.pendingId}/cancel`) }),
    missing: async (a) => {
      const id = fakePoolId('req', slugOf(a));
      return { id, r: await call(a, 'POST', `/v1/pool/requests/${id}/cancel`) };
    },
  },
  {
    name: 'GET allocation',
    route: 'GET /v1/pool/allocations/{id}',
    attack: (a, v) => ({ id: v.allocationId, run: () => call(a, 'GET', `/v1/pool/allocations/${v.allocationId}`) }),
    missing: async (a) => {
      const id = fakePoolId('alc', slugOf(a));
      return { id, r: await call(a, 'GET', `/v1/pool/allocations/${id}`) };
    },
  },
  {
    name: 'end allocation',
    route: 'POST /v1/pool/allocations/{id}/end',
    attack: (a, v) => ({ id: v.allocationId, run: () => call(a, 'POST', `/v1/pool/allocations/${v.allocationId}/end`, { body: { endDate: today, reason: 'CARPL' } }) }),
    missing: async (a) => {
      const id = fakePoolId('alc', slugOf(a));
      return { id, r: await call(a, 'POST', `/v1/pool/allocations/${id}/end`, { body: { endDate: today, reason: 'CARPL' } }) };
    },
  },
  {
    name: 'GET referral',
    route: 'GET /v1/referrals/{id}',
    attack: (a, v) => ({ id: v.referralId, run: () => call(a, 'GET', `/v1/referrals/${v.referralId}`) }),
    missing: async (a) => {
      const id = fakeUuid();
      return { id, r: await call(a, 'GET', `/v1/referrals/${id}`) };
    },
  },
  {
    name: 'consent on referral',
    route: 'POST /v1/referrals/{id}/consent',
    attack: (a, v) => ({ id: v.referralId, run: () => call(a, 'POST', `/v1/referrals/${v.referralId}/consent`, { body: consentBody() }) }),
    missing: async (a) => {
      const id = fakeUuid();
      return { id, r: await call(a, 'POST', `/v1/referrals/${id}/consent`, { body: consentBody() }) };
    },
  },
  {
    name: 'GET spend batch',
    route: 'GET /v1/spend/batches/{batchId}',
    attack: (a, v) => ({ id: v.batchId, run: () => call(a, 'GET', `/v1/spend/batches/${v.batchId}`) }),
    missing: async (a) => {
      const id = fakeBatchId();
      return { id, r: await call(a, 'GET', `/v1/spend/batches/${id}`) };
    },
  },
  {
    name: 'GET spend batch as posted',
    route: 'GET /v1/spend/batches/{batchId}/raw',
    attack: (a, v) => ({ id: v.batchId, run: () => call(a, 'GET', `/v1/spend/batches/${v.batchId}/raw`) }),
    missing: async (a) => {
      const id = fakeBatchId();
      return { id, r: await call(a, 'GET', `/v1/spend/batches/${id}/raw`) };
    },
  },
  {
    name: 'DELETE spend batch',
    route: 'DELETE /v1/spend/batches/{batchId}',
    attack: (a, v) => ({ id: v.batchId, run: () => call(a, 'DELETE', `/v1/spend/batches/${v.batchId}`) }),
    missing: async (a) => {
      const id = fakeBatchId();
      return { id, r: await call(a, 'DELETE', `/v1/spend/batches/${id}`) };
    },
  },
  {
    name: 'GET offers on referral',
    route: 'GET /v1/referrals/{id}/offers',
    attack: (a, v) => ({ id: v.referralId, run: () => call(a, 'GET', `/v1/referrals/${v.referralId}/offers`) }),
    missing: async (a) => {
      const id = fakeUuid();
      return { id, r: await call(a, 'GET', `/v1/referrals/${id}/offers`) };
    },
  },
  {
    name: 'GET offer',
    route: 'GET /v1/offers/{id}',
    attack: (a, v) => ({ id: v.offerId, run: () => call(a, 'GET', `/v1/offers/${v.offerId}`) }),
    missing: async (a) => {
      const id = fakeOfferId();
      return { id, r: await call(a, 'GET', `/v1/offers/${id}`) };
    },
  },
  {
    name: 'decline offer',
    route: 'POST /v1/offers/{id}/decline',
    attack: (a, v) => ({ id: v.offerId, run: () => call(a, 'POST', `/v1/offers/${v.offerId}/decline`, { body: { reason: 'price' } }) }),
    missing: async (a) => {
      const id = fakeOfferId();
      return { id, r: await call(a, 'POST', `/v1/offers/${id}/decline`, { body: { reason: 'price' } }) };
    },
  },
  {
    name: 'accept offer',
    route: 'POST /v1/offers/{id}/accept',
    attack: (a, v) => ({ id: v.offerId, run: () => call(a, 'POST', `/v1/offers/${v.offerId}/accept`, { body: {} }) }),
    missing: async (a) => {
      const id = fakeOfferId();
      return { id, r: await call(a, 'POST', `/v1/offers/${id}/accept`, { body: {} }) };
    },
  },
  {
    // the contract: the audit is the owner's (and the programme office's); another authority's
    // referral is 404 exactly as if there were none — never an empty list, which would say it exists
    name: 'GET audit of referral',
    route: 'GET /v1/audit',
    attack: (a, v) => ({ id: v.referralId, run: () => call(a, 'GET', '/v1/audit', { query: { referralId: v.referralId } }) }),
    missing: async (a) => {
      const id = fakeUuid();
      return { id, r: await call(a, 'GET', '/v1/audit', { query: { referralId: id } }) };
    },
  },
  {
    name: 'GET placement',
    route: 'GET /v1/placements/{id}',
    attack: (a, v) => ({ id: v.placementId, run: () => call(a, 'GET', `/v1/placements/${v.placementId}`) }),
    missing: async (a) => {
      const id = fakePoolId('plc', slugOf(a));
      return { id, r: await call(a, 'GET', `/v1/placements/${id}`) };
    },
  },
  {
    name: 'approve placement',
    route: 'POST /v1/placements/{id}/approval',
    attack: (a, v) => ({ id: v.placementId, run: () => call(a, 'POST', `/v1/placements/${v.placementId}/approval`, { body: approvalBody() }) }),
    missing: async (a) => {
      const id = fakePoolId('plc', slugOf(a));
      return { id, r: await call(a, 'POST', `/v1/placements/${id}/approval`, { body: approvalBody() }) };
    },
  },
  {
    name: 'record placement notice sent',
    route: 'POST /v1/placements/{id}/notices/{noticeId}/sent',
    attack: (a, v) => ({ id: v.placementId, run: () => call(a, 'POST', `/v1/placements/${v.placementId}/notices/${v.noticeId}/sent`, { body: { sentAt: now() } }) }),
    missing: async (a) => {
      const id = fakePoolId('plc', slugOf(a));
      return { id, r: await call(a, 'POST', `/v1/placements/${id}/notices/${tenants[0]!.noticeId}/sent`, { body: { sentAt: now() } }) };
    },
  },
  {
    name: 'end placement',
    route: 'POST /v1/placements/{id}/end',
    attack: (a, v) => ({ id: v.placementId, run: () => call(a, 'POST', `/v1/placements/${v.placementId}/end`, { body: { endDate: today, reasonEpisodeCeased: 'E11' } }) }),
    missing: async (a) => {
      const id = fakePoolId('plc', slugOf(a));
      return { id, r: await call(a, 'POST', `/v1/placements/${id}/end`, { body: { endDate: today, reasonEpisodeCeased: 'E11' } }) };
    },
  },
];

/** The cells whose routes the table has (spend's arrive with issue 6; the coverage test below keeps this honest). */
const cells = allCells.filter((c) => c.route in routes);

/**
 * Routes that name one resource in their path, attacked elsewhere in this file, or not tenant
 * resources at all (each with why). Every such route in the table must be one or the other.
 */
const ATTACKED_ELSEWHERE: Record<string, string> = {
  'POST /v1/homes/{urn}/vacancies': 'providers and authorities against provider homes',
  'GET /v1/homes/{urn}/vacancies': 'providers against each other',
  'GET /v1/vacancies/{id}': 'providers against each other and against in-house vacancies',
  'POST /v1/referrals/{id}/responses': 'providers outside a referral',
  'POST /v1/referrals/{id}/offers': 'providers outside a referral, and against its consent (test/integration/offers.test.ts); authorities may not offer (403)',
  'POST /v1/offers/{id}/withdraw': "providers against each other's offers (test/integration/offers.test.ts); authorities may not withdraw (403)",
  'POST /v1/providers/{id}/accession': 'a provider acceding for another is 404, an authority 403 (test/integration/providers.test.ts)',
};
const NOT_TENANT_OWNED: Record<string, string> = {
  'GET /v1/pool/beds/{id}': "the region's beds, read by every authority; another's allocation on one is hidden (checked on the bed list)",
  'PATCH /v1/pool/beds/{id}': 'programme office only',
  'GET /v1/pool/requests/{id}/candidates': 'programme office only',
  'GET /v1/rollups/{period}': "the region's aggregate, suppressed for everyone alike",
  'PUT /v1/provider-groups/{group}': 'programme office only',
  'GET /v1/sharing-agreements/{id}/accessions': "the region's accession register, read by every party alike",
};

describe('the cross-tenant matrix: 11 authorities × 10 others', () => {
  it('covers every route that names one resource, or says why it need not', () => {
    const named = routeList.filter((r) => r.path.includes('{')).map((r) => r.key as string);
    const covered = new Set([...cells.map((c) => c.route), ...Object.keys(ATTACKED_ELSEWHERE), ...Object.keys(NOT_TENANT_OWNED)]);
    expect(named.filter((k) => !covered.has(k))).toEqual([]);
  });

  it('every attempt on another authority\'s resource is the 404 of a resource that does not exist', async () => {
    const baselines = new Map<string, { r: CallResult; id: string }>();
    for (const cell of cells) baselines.set(cell.name, await cell.missing(AUTHORITIES[0]!));

    const attempts: { label: string; cell: Cell; id: string; run: () => Promise<CallResult> }[] = [];
    for (const attacker of AUTHORITIES) {
      for (const victim of tenants) {
        if (victim.who === attacker) continue;
        for (const cell of cells) {
          const { id, run } = cell.attack(attacker, victim);
          attempts.push({ label: `${attacker} → ${victim.who}: ${cell.name}`, cell, id, run });
        }
      }
    }
    expect(attempts).toHaveLength(11 * 10 * cells.length);
    const answers = await inBatches(attempts.map((a) => async () => ({ a, r: await a.run() })), 8);
    const leaks: string[] = [];
    for (const { a, r } of answers) {
      const base = baselines.get(a.cell.name)!;
      const same = r.status === 404 && JSON.stringify(observable(r, [a.id])) === JSON.stringify(observable(base.r, [base.id]));
      if (!same) leaks.push(`${a.label} → ${r.status} ${r.text.slice(0, 200)}`);
    }
    expect(leaks).toEqual([]);
    // and once through the helper, so a failure shows the difference field by field
    const [first] = answers;
    expectSameAsMissing(first!.a.label, first!.r, first!.a.id, baselines.get(first!.a.cell.name)!.r, baselines.get(first!.a.cell.name)!.id);
  }, 600_000);

  it('state is no oracle: another\'s allocated request (cancel) and ended allocation (end) are 404, not the owner\'s 409', async () => {
    const ring = tenants.map((victim, i) => ({ attacker: tenants[(i + 1) % tenants.length]!.who, victim }));
    const missingRequest = fakePoolId('req', 'bedford');
    const missingAllocation = fakePoolId('alc', 'bedford');
    const cancelMissing = await call(AUTHORITIES[0]!, 'POST', `/v1/pool/requests/${missingRequest}/cancel`);
    const endMissing = await call(AUTHORITIES[0]!, 'POST', `/v1/pool/allocations/${missingAllocation}/end`, { body: { endDate: today, reason: 'CARPL' } });
    for (const { attacker, victim } of ring) {
      // the owner itself would be told 409: that is the state the attacker must not learn
      const cancel = await call(attacker, 'POST', `/v1/pool/requests/${victim.requestId}/cancel`);
      expectSameAsMissing(`${attacker} cancels ${victim.who}'s allocated request`, cancel, victim.requestId, cancelMissing, missingRequest);
      const end = await call(attacker, 'POST', `/v1/pool/allocations/${victim.endedAllocationId}/end`, { body: { endDate: today, reason: 'CARPL' } });
      expectSameAsMissing(`${attacker} ends ${victim.who}'s ended allocation`, end, victim.endedAllocationId, endMissing, missingAllocation);
    }
    const owner = tenants[0]!;
    expect((await call(owner.who, 'POST', `/v1/pool/requests/${owner.requestId}/cancel`)).status).toBe(409);
    expect((await call(owner.who, 'POST', `/v1/pool/allocations/${owner.endedAllocationId}/end`, { body: { endDate: today, reason: 'CARPL' } })).status).toBe(409);
  });

  it('no list shows another authority\'s items', async () => {
    const byOwner = new Map(tenants.map((t) => [t.who, t]));
    const others = (who: string) => tenants.filter((t) => t.who !== who);
    await inBatches(
      tenants.map((me) => async () => {
        const who = me.who;
        const homes = await pageAll(who, '/v1/homes');
        expect(homes.every((h) => h.owner === who), `${who} homes`).toBe(true);
        expect(homes.map((h) => h.urn)).toContain(me.urn);

        const requests = await pageAll(who, '/v1/pool/requests');
        expect(requests.every((r) => r.authority === me.slug), `${who} requests`).toBe(true);
        expect(requests.map((r) => r.id)).toEqual(expect.arrayContaining([me.requestId, me.pendingId]));

        const allocations = await pageAll(who, '/v1/pool/allocations');
        expect(allocations.every((a) => a.authority === me.slug), `${who} allocations`).toBe(true);
        expect(allocations.map((a) => a.id)).toEqual(expect.arrayContaining([me.allocationId, me.endedAllocationId]));

        const beds = await pageAll(who, '/v1/pool/beds');
        const shownAllocations = beds.filter((b) => b.allocation).map((b) => b.allocation);
        expect(shownAllocations.every((a) => a.authority === me.slug), `${who} sees another's allocation on a bed`).toBe(true);
        expect(beds.find((b) => b.id === me.bedId)?.allocation?.id).toBe(me.allocationId);
        for (const o of others(who)) expect(beds.find((b) => b.id === o.bedId)?.allocation, `${who} sees ${o.who}'s bed allocation`).toBeUndefined();

        const placements = await pageAll(who, '/v1/placements');
        expect(placements.every((p) => p.authority === me.slug), `${who} placements`).toBe(true);
        expect(placements.map((p) => p.id)).toContain(me.placementId);
        // the notice the authority before it in the ring delivered to it, and no other tenant's
        const notices = (await pageAll(who, '/v1/notices')).map((n) => n.id);
        const previous = byOwner.get(AUTHORITIES[(AUTHORITIES.indexOf(who) + AUTHORITIES.length - 1) % AUTHORITIES.length]!)!;
        expect(notices).toContain(previous.deliveredNoticeId);
        for (const o of tenants) if (o !== previous) expect(notices, `${who} reads ${o.who}'s notice to another`).not.toContain(o.deliveredNoticeId);

        const referrals = await pageAll(who, '/v1/referrals');
        expect(referrals.every((r) => r.authority === me.slug), `${who} referrals`).toBe(true);
        expect(referrals.map((r) => r.id)).toContain(me.referralId);

        const audit = await pageAll(who, '/v1/audit');
        const theirs = new Set(others(who).map((o) => o.referralId));
        expect(audit.filter((e) => theirs.has(e.referralId)), `${who} audit`).toEqual([]);
        expect(audit.some((e) => e.referralId === me.referralId)).toBe(true);

        if (HAS_SPEND) {
          const batches = await pageAll(who, '/v1/spend/batches');
          expect(batches.every((b) => b.authority === me.slug), `${who} spend batches`).toBe(true);
          expect(batches.map((b) => b.batchId)).toContain(me.batchId);
          for (const o of others(who)) expect(batches.map((b) => b.batchId)).not.toContain(o.batchId);
        }

        const ledger = await call(who, 'GET', '/v1/pool/ledger', { query: { from: addDays(today, -2), to: today } });
        expect(ledger.status).toBe(200);
        expect(ledger.json.authorities.map((a: any) => a.authority)).toEqual([me.slug]);

        const found = await searchAll(who, { child: { age: 14, sex: 'female', needs: [] }, placementTypes: [IN_HOUSE_TYPE] });
        const ids = new Set(found.map((i) => i.vacancyId));
        expect(ids.has(me.vacancyId), `${who} finds its own in-house vacancy`).toBe(true);
        for (const o of others(who)) expect(ids.has(o.vacancyId), `${who} finds ${o.who}'s unshared vacancy`).toBe(false);
        for (const item of found) {
          const owner = byOwner.get(`authority:${item.provider.id}`);
          if (owner && owner.who !== who) expect.fail(`${who} found ${owner.who}'s in-house vacancy ${item.vacancyId}`);
        }
      }),
      3,
    );
  }, 300_000);

  it('a list cursor issued to one authority shows another nothing of the first\'s', async () => {
    const lists: { path: string; query?: Record<string, string>; mine: (item: any, t: Tenant) => boolean }[] = [
      { path: '/v1/homes', mine: (h, t) => h.owner === t.who },
      { path: '/v1/pool/requests', mine: (r, t) => r.authority === t.slug },
      { path: '/v1/pool/allocations', mine: (a, t) => a.authority === t.slug },
      { path: '/v1/referrals', mine: (r, t) => r.authority === t.slug },
      { path: '/v1/placements', mine: (p, t) => p.authority === t.slug },
      { path: '/v1/audit', mine: (e, t) => !tenants.some((o) => o !== t && o.referralId === e.referralId) },
      ...(HAS_SPEND ? [{ path: '/v1/spend/batches', mine: (b: any, t: Tenant) => b.authority === t.slug }] : []),
    ];
    let cursorsTried = 0;
    await inBatches(
      tenants.map((issuer, i) => async () => {
        const user = tenants[(i + 1) % tenants.length]!;
        for (const list of lists) {
          const page = await call(issuer.who, 'GET', list.path, { query: { limit: 1 } });
          const cursor: string | undefined = page.json.nextCursor;
          if (!cursor) continue;
          cursorsTried++;
          const r = await call(user.who, 'GET', list.path, { query: { limit: 100, cursor } });
          if (r.status === 200) {
            expect(r.json.items.filter((x: any) => !list.mine(x, user)), `${user.who} with ${issuer.who}'s ${list.path} cursor`).toEqual([]);
          } else {
            expect(r.status, r.text).toBe(400);
          }
        }
        // one referral's trail: the issuer's cursor on the user's own referral, and on the issuer's
        const trail = await call(issuer.who, 'GET', '/v1/audit', { query: { referralId: issuer.referralId, limit: 1 } });
        expect(trail.json.nextCursor).toBeDefined();
        cursorsTried++;
        const onOwn = await call(user.who, 'GET', '/v1/audit', { query: { referralId: user.referralId, cursor: trail.json.nextCursor } });
        if (onOwn.status === 200) expect(onOwn.json.items.every((e: any) => e.referralId === user.referralId)).toBe(true);
        else expect(onOwn.status).toBe(400);
        expect((await call(user.who, 'GET', '/v1/audit', { query: { referralId: issuer.referralId, cursor: trail.json.nextCursor } })).status).toBe(404);
        // a search cursor is bound to its caller
        const body = { child: { age: 14, sex: 'female', needs: [] }, placementTypes: [IN_HOUSE_TYPE], limit: 1 };
        const search = await call(issuer.who, 'POST', '/v1/vacancies/search', { body });
        if (search.json.nextCursor) {
          cursorsTried++;
          const reused = await call(user.who, 'POST', '/v1/vacancies/search', { body: { ...body, cursor: search.json.nextCursor } });
          expect(reused.status, reused.text).toBe(400);
        }
      }),
      4,
    );
    expect(cursorsTried).toBeGreaterThanOrEqual(tenants.length * 3);
  }, 300_000);

  it('every victim reads its data back unchanged, and its trail records each attempted read once', async () => {
    await inBatches(
      tenants.map((t) => async () => {
        const home = await call(t.who, 'GET', `/v1/homes/${t.urn}`);
        expect(home.json).toMatchObject({ owner: t.who, name: 'Attack Suite House', shareWithRegion: false, version: 1 });
        const vacancies = await pageAll(t.who, `/v1/homes/${t.urn}/vacancies`);
        expect(vacancies.map((v) => v.id)).toEqual([t.vacancyId]);
        expect(vacancies[0]).toMatchObject({ status: 'open', version: 1, beds: 1 });
        const placement = await call(t.who, 'GET', `/v1/placements/${t.placementId}`);
        expect(placement.json).toMatchObject({ status: 'awaiting-approval', approval: { status: 'pending' }, by: { principal: t.who } });
        expect(placement.json.notices[0].sentAt).toBeUndefined();
        expect((await call(t.who, 'GET', `/v1/pool/requests/${t.pendingId}`)).json.status).toBe('pending');
        expect((await call(t.who, 'GET', `/v1/pool/requests/${t.requestId}`)).json).toMatchObject({ status: 'allocated', allocationId: t.allocationId });
        expect((await call(t.who, 'GET', `/v1/pool/allocations/${t.allocationId}`)).json).toMatchObject({ status: 'active', authority: t.slug });
        expect((await call(PO, 'GET', `/v1/pool/beds/${t.bedId}`)).json).toMatchObject({ status: 'occupied', allocation: { id: t.allocationId } });
        const referral = await call(t.who, 'GET', `/v1/referrals/${t.referralId}`);
        expect(referral.json.consentHistory).toEqual([]);
        expect(referral.json.lawfulBasis.consent).toBeUndefined();
        expect((await call('provider:harbour-care', 'GET', `/v1/referrals/${t.referralId}`)).status).toBe(200);
        // no other authority declined or accepted its offer
        expect(referral.json.status).toBe('open');
        expect((await call(t.who, 'GET', `/v1/offers/${t.offerId}`)).json).toMatchObject({ status: 'open', by: { principal: 'provider:harbour-care' } });
        if (HAS_SPEND) {
          expect((await call(t.who, 'GET', `/v1/spend/batches/${t.batchId}`)).json).toMatchObject({ authority: t.slug, accepted: 2, months: [SPEND_MONTH] });
          expect((await call(t.who, 'GET', `/v1/spend/batches/${t.batchId}/raw`)).text).toBe(t.batchBody);
        }

        const trail = await pageAll(t.who, '/v1/audit', { referralId: t.referralId });
        const denied = trail.filter((e) => e.outcome === 'denied' && e.action === 'read');
        // one denied read per other authority: each attempt recorded, under the key's principal
        expect(denied.map((e) => e.principal).sort()).toEqual(AUTHORITIES.filter((a) => a !== t.who).sort());
        expect(denied.every((e) => e.action === 'read' && e.fields.length === 0)).toBe(true);
        // (list entries are left out: other files page harbour-care's list, which shows these referrals too)
        expect(trail.filter((e) => e.outcome === 'allowed' && e.action === 'read').map((e) => e.principal)).toEqual(['provider:harbour-care', 'provider:harbour-care']);
      }),
      4,
    );
  }, 300_000);
});

describe('providers against each other, against in-house homes, and authorities against provider homes', () => {
  it('a provider reaches no other provider\'s home or vacancy, and no unshared in-house home', async () => {
    const missingHome = await missingUrn();
    const missingVacancy = fakeUuid();
    const attacker0 = providers[0]!.who;
    const base = {
      getHome: await call(attacker0, 'GET', `/v1/homes/${missingHome}`),
      postVacancy: await call(attacker0, 'POST', `/v1/homes/${missingHome}/vacancies`, { body: { beds: 1, availableFrom: today } }),
      listVacancies: await call(attacker0, 'GET', `/v1/homes/${missingHome}/vacancies`),
      getVacancy: await call(attacker0, 'GET', `/v1/vacancies/${missingVacancy}`),
      patch: await call(attacker0, 'PATCH', `/v1/vacancies/${missingVacancy}`, { body: { beds: 2 } }),
      confirm: await call(attacker0, 'POST', `/v1/vacancies/${missingVacancy}/confirm`),
      respond: await call(attacker0, 'POST', `/v1/referrals/${missingVacancy}/responses`, { body: { response: 'interested' } }),
    };
    const same = (label: string, r: CallResult, id: string, b: CallResult, bid: string) => {
      if (!(r.status === 404 && JSON.stringify(observable(r, [id])) === JSON.stringify(observable(b, [bid])))) return [`${label} → ${r.status} ${r.text.slice(0, 160)}`];
      return [];
    };
    const tasks: (() => Promise<string[]>)[] = [];
    for (const p of providers) {
      for (const v of providers) {
        if (v === p) continue;
        tasks.push(async () => [
          ...same(`${p.who} GET ${v.who}'s home`, await call(p.who, 'GET', `/v1/homes/${v.urn}`), v.urn, base.getHome, missingHome),
          ...same(`${p.who} PUT ${v.who}'s home`, await call(p.who, 'PUT', `/v1/homes/${v.urn}`, { body: homeBody({ name: 'Hijacked' }) }), v.urn, base.getHome, missingHome),
          ...same(`${p.who} POST vacancy in ${v.who}'s home`, await call(p.who, 'POST', `/v1/homes/${v.urn}/vacancies`, { body: { beds: 1, availableFrom: today } }), v.urn, base.postVacancy, missingHome),
          ...same(`${p.who} lists ${v.who}'s vacancies`, await call(p.who, 'GET', `/v1/homes/${v.urn}/vacancies`), v.urn, base.listVacancies, missingHome),
          ...same(`${p.who} GET ${v.who}'s vacancy`, await call(p.who, 'GET', `/v1/vacancies/${v.vacancyId}`), v.vacancyId, base.getVacancy, missingVacancy),
          ...same(`${p.who} PATCH ${v.who}'s vacancy`, await call(p.who, 'PATCH', `/v1/vacancies/${v.vacancyId}`, { body: { beds: 2 } }), v.vacancyId, base.patch, missingVacancy),
          ...same(`${p.who} confirms ${v.who}'s vacancy`, await call(p.who, 'POST', `/v1/vacancies/${v.vacancyId}/confirm`), v.vacancyId, base.confirm, missingVacancy),
        ]);
      }
      for (const t of tenants) {
        tasks.push(async () => [
          ...same(`${p.who} GET ${t.who}'s in-house home`, await call(p.who, 'GET', `/v1/homes/${t.urn}`), t.urn, base.getHome, missingHome),
          ...same(`${p.who} GET ${t.who}'s in-house vacancy`, await call(p.who, 'GET', `/v1/vacancies/${t.vacancyId}`), t.vacancyId, base.getVacancy, missingVacancy),
          ...same(`${p.who} PATCH ${t.who}'s in-house vacancy`, await call(p.who, 'PATCH', `/v1/vacancies/${t.vacancyId}`, { body: { beds: 2 } }), t.vacancyId, base.patch, missingVacancy),
          // not named on the referral (nor a party to the agreement): answering it is 404, as for none
          ...same(`${p.who} answers ${t.who}'s referral`, await call(p.who, 'POST', `/v1/referrals/${t.referralId}/responses`, { body: { response: 'interested' } }), t.referralId, base.respond, missingVacancy),
        ]);
      }
    }
    expect((await inBatches(tasks, 8)).flat()).toEqual([]);
    for (const p of providers) {
      const homes = await pageAll(p.who, '/v1/homes');
      expect(homes.map((h) => h.urn)).toEqual([p.urn]);
    }
    for (const t of tenants) expect((await call(t.who, 'GET', `/v1/referrals/${t.referralId}`)).json.responses, t.who).toEqual([]);
  }, 300_000);

  it('providers named on one referral never see each other\'s answers, nor the child\'s reference', async () => {
    const owner = tenants[5]!;
    const [a, b] = ['provider:harbour-care', 'provider:fenland-childrens-homes'];
    const referral = await created(call(owner.who, 'POST', '/v1/referrals', { body: referralBody(['harbour-care', 'fenland-childrens-homes']) }), 'referral');
    await created(call(a, 'POST', `/v1/referrals/${referral.id}/responses`, { body: { response: 'declined', reason: 'no-vacancy' } }), 'answer a');
    await created(call(b, 'POST', `/v1/referrals/${referral.id}/responses`, { body: { response: 'interested' } }), 'answer b');
    // (their lists are not read here: a provider's list audits every referral it shows, other files' too)
    for (const [me, other] of [[a, b], [b, a]] as const) {
      const single = await call(me, 'GET', `/v1/referrals/${referral.id}`);
      expect(single.status).toBe(200);
      expect(single.json.responses).toBeUndefined();
      expect(single.json.shareWith).toBeUndefined();
      expect(single.json.child.childRef).toBeUndefined();
      expect(single.text).not.toContain(other);
      expect(single.text).not.toContain('ATK-');
    }
    const full = await call(owner.who, 'GET', `/v1/referrals/${referral.id}`);
    expect(full.json.responses.map((r: any) => r.provider).sort()).toEqual([a, b].sort());
  });

  it('an authority may read a provider\'s home but never write it or its vacancies', async () => {
    const missingHome = await missingUrn();
    const missingVacancy = fakeUuid();
    const a0 = AUTHORITIES[0]!;
    const base = {
      home: await call(a0, 'GET', `/v1/homes/${missingHome}`),
      postVacancy: await call(a0, 'POST', `/v1/homes/${missingHome}/vacancies`, { body: { beds: 1, availableFrom: today } }),
      patch: await call(a0, 'PATCH', `/v1/vacancies/${missingVacancy}`, { body: { status: 'filled' } }),
      confirm: await call(a0, 'POST', `/v1/vacancies/${missingVacancy}/confirm`),
    };
    const tasks: (() => Promise<string[]>)[] = [];
    for (const who of AUTHORITIES) {
      for (const p of providers) {
        tasks.push(async () => {
          const out: string[] = [];
          const check = (label: string, r: CallResult, id: string, b: CallResult, bid: string) => {
            if (!(r.status === 404 && JSON.stringify(observable(r, [id])) === JSON.stringify(observable(b, [bid])))) out.push(`${who} ${label} → ${r.status} ${r.text.slice(0, 160)}`);
          };
          check(`PUT ${p.who}'s home`, await call(who, 'PUT', `/v1/homes/${p.urn}`, { body: homeBody({ name: 'Hijacked', shareWithRegion: false }) }), p.urn, base.home, missingHome);
          check(`POST vacancy in ${p.who}'s home`, await call(who, 'POST', `/v1/homes/${p.urn}/vacancies`, { body: { beds: 1, availableFrom: today } }), p.urn, base.postVacancy, missingHome);
          check(`PATCH ${p.who}'s vacancy`, await call(who, 'PATCH', `/v1/vacancies/${p.vacancyId}`, { body: { status: 'filled' } }), p.vacancyId, base.patch, missingVacancy);
          check(`confirm ${p.who}'s vacancy`, await call(who, 'POST', `/v1/vacancies/${p.vacancyId}/confirm`), p.vacancyId, base.confirm, missingVacancy);
          return out;
        });
      }
    }
    expect((await inBatches(tasks, 8)).flat()).toEqual([]);
    for (const p of providers) {
      const home = await call(p.who, 'GET', `/v1/homes/${p.urn}`);
      expect(home.json).toMatchObject({ owner: p.who, name: 'Attack Suite House', version: 1 });
      const vacancies = await pageAll(p.who, `/v1/homes/${p.urn}/vacancies`);
      expect(vacancies.map((v) => [v.id, v.status, v.version, v.beds])).toEqual([[p.vacancyId, 'open', 1, 1]]);
      // reading is allowed: provider homes are the region's to find
      expect((await call(AUTHORITIES[3]!, 'GET', `/v1/homes/${p.urn}`)).status).toBe(200);
    }
  }, 300_000);
});
