import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_SETTLE_MS, EVENT_TYPES } from '../../functions/domain/events.ts';
import { AUTHORITY_SLUGS } from '../../functions/domain/reference/authorities.ts';
import type { HomeItem } from '../../functions/domain/homes.ts';
import { handler as reminders } from '../../functions/jobs/reminders.ts';
import { call, pageAll, unique } from '../support/hub.ts';
import { putHome as putPoolHome } from '../support/pool-fixtures.ts';
import { postVacancy, putHome } from './homes-fixtures.ts';
import { FENLAND, HARBOUR, OTHER_LA, OWNER, UNNAMED, hoursFromNow, offer, offerBody, referral } from './offers-fixtures.ts';

/**
 * Events (CONTRACT.md "Events"), over HTTP on DynamoDB Local: each event is in exactly its
 * recipients' feeds once the change commits, and in nobody else's; a refused change makes none;
 * the feed pages to the end and polls from its last cursor; an event about a referral whose
 * consent was withdrawn is no longer shown; reminders are written once however often the job runs.
 */

const PO = 'programme-office';
const THURROCK = 'authority:thurrock';
const HERTS = 'authority:hertfordshire';
const EVERYONE = [OWNER, OTHER_LA, THURROCK, HERTS, HARBOUR, FENLAND, UNNAMED, PO];
/** A Friday before Christmas: an emergency pool placement's notice is due on Tuesday 29 December. */
const FRIDAY = '2026-12-18';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Past the feed's settle window: every change made before is in the feeds. */
const settle = () => sleep(EVENT_SETTLE_MS + 600);

type Ev = { id: string; type: string; occurredAt: string; subject: { kind: string; id: string } };
const feeds = new Map<string, Ev[]>();
/** Every principal's whole feed, read again. */
async function readFeeds(): Promise<void> {
  for (const who of EVERYONE) feeds.set(who, await pageAll<Ev>(who, '/v1/events'));
}
/** Who holds an event of this type about this subject, and how many each. */
function holders(type: string, subjectId: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [who, list] of feeds) {
    const n = list.filter((e) => e.type === type && e.subject.id === subjectId).length;
    if (n) out[who] = n;
  }
  return out;
}

const post = (who: string, path: string, body: unknown = {}) => call(who, 'POST', path, { body });

// ---------------------------------------------------------------- the changes, made once for the file

const made: Record<string, string> = {};
let harbourHome: string;
let fenlandHome: string;

beforeAll(async () => {
  harbourHome = await putHome(HARBOUR, { supports: ['self-harm'] });
  fenlandHome = await putHome(FENLAND, { outcode: 'CM2' });
  const vacancy = await postVacancy(HARBOUR, harbourHome, { beds: 2 });

  // a referral shared with two providers; an offer from each, harbour's holding a bed
  made.referral = await referral();
  made.heldOffer = (await offer(HARBOUR, made.referral, harbourHome, { vacancyId: vacancy })).id;
  made.plainOffer = (await offer(FENLAND, made.referral, fenlandHome)).id;
  // refused: a home that is not the provider's (422): no offer, so no offer.made
  expect((await post(HARBOUR, `/v1/referrals/${made.referral}/offers`, offerBody(fenlandHome))).status).toBe(422);
  // fenland's is accepted: harbour's is superseded (its hold released), the placement created
  const accepted = await post(OWNER, `/v1/offers/${made.plainOffer}/accept`);
  expect(accepted.status, accepted.text).toBe(201);
  made.placement = accepted.json.id;
  // refused: the referral is placed (409): no second offer.accepted
  expect((await post(OWNER, `/v1/offers/${made.heldOffer}/accept`)).status).toBe(409);

  // a declined offer
  made.declinedReferral = await referral();
  made.declined = (await offer(HARBOUR, made.declinedReferral, harbourHome)).id;
  expect((await post(OWNER, `/v1/offers/${made.declined}/decline`, { reason: 'price' })).status).toBe(200);

  // a referral whose consent will be withdrawn
  made.withdrawn = await referral();

  // a pool allocation to Thurrock in a Hertfordshire home (notice delivered to Hertfordshire), then ended
  const home = await putPoolHome({ outcode: 'AL1', authority: 'hertfordshire', name: 'Beech House', owner: 'provider:harbour-care' } as Partial<HomeItem>);
  const bed = await post(PO, '/v1/pool/beds', { homeUrn: home.urn, kind: 'emergency', weeklyCost: 7000, contractRef: `PLC-${unique()}`, from: '2026-01-01' });
  expect(bed.status, bed.text).toBe(201);
  const request = await post(THURROCK, '/v1/pool/requests', {
    kind: 'emergency', urgency: 'today', neededFrom: FRIDAY, child: { childRef: `THR-${unique()}`, age: 14, sex: 'female', needs: [] }, homeOutcode: 'RM17',
  });
  expect(request.status, request.text).toBe(201);
  const allocation = await post(PO, '/v1/pool/allocations', { requestId: request.json.id, bedId: bed.json.id, startDate: FRIDAY });
  expect(allocation.status, allocation.text).toBe(201);
  made.allocation = allocation.json.id;
  made.poolPlacement = allocation.json.placementId;
  expect((await post(THURROCK, `/v1/pool/allocations/${made.allocation}/end`, { endDate: '2026-12-22', reason: 'CARPL' })).status).toBe(200);

  // a rollup of a month nobody else rolls up, twice over the same inputs
  made.period = '2019-03';
  for (let i = 0; i < 2; i++) expect((await post(PO, '/v1/rollups', { period: made.period })).status).toBe(201);

  await settle();
  await readFeeds();
}, 120_000);

describe('each event in exactly its recipients\' feeds (CONTRACT "Events")', () => {
  it('referral.shared to each provider named', () => {
    expect(holders('referral.shared', made.referral!)).toEqual({ [HARBOUR]: 1, [FENLAND]: 1 });
  });

  it('offer.made to the referring authority, once per offer made and none for the refused one', () => {
    expect(holders('offer.made', made.heldOffer!)).toEqual({ [OWNER]: 1 });
    expect(holders('offer.made', made.plainOffer!)).toEqual({ [OWNER]: 1 });
    const onReferral = feeds.get(OWNER)!.filter((e) => e.type === 'offer.made' && e.subject.id.startsWith(`off_${made.referral}_`));
    expect(onReferral).toHaveLength(2);
  });

  it('offer.accepted and placement.created to the provider; offer.superseded to the rival; none for the 409', () => {
    expect(holders('offer.accepted', made.plainOffer!)).toEqual({ [FENLAND]: 1 });
    expect(holders('offer.superseded', made.heldOffer!)).toEqual({ [HARBOUR]: 1 });
    expect(holders('offer.accepted', made.heldOffer!)).toEqual({});
    expect(holders('placement.created', made.placement!)).toEqual({ [FENLAND]: 1 });
  });

  it('offer.declined to the provider', () => {
    expect(holders('offer.declined', made.declined!)).toEqual({ [HARBOUR]: 1 });
  });

  it('allocation.created and allocation.ended to the authority; placement.created to the home\'s provider; notice.delivered to the host', () => {
    expect(holders('allocation.created', made.allocation!)).toEqual({ [THURROCK]: 1 });
    expect(holders('allocation.ended', made.allocation!)).toEqual({ [THURROCK]: 1 });
    expect(holders('placement.created', made.poolPlacement!)).toEqual({ [HARBOUR]: 1 });
    const delivered = feeds.get(HERTS)!.filter((e) => e.type === 'notice.delivered');
    expect(delivered.length).toBeGreaterThanOrEqual(1);
    const noticeId = delivered.at(-1)!.subject.id;
    expect(holders('notice.delivered', noticeId)).toEqual({ [HERTS]: 1 });
  });

  it('rollup.published to every authority and the programme office, once for a run over the same inputs', () => {
    const h = holders('rollup.published', made.period!);
    expect(h).toEqual({ [OWNER]: 1, [OTHER_LA]: 1, [THURROCK]: 1, [HERTS]: 1, [PO]: 1 });
  });

  it('rollup.published to each of the 11 authorities once (providers are in no feed above)', async () => {
    for (const slug of AUTHORITY_SLUGS) {
      const feed = feeds.get(`authority:${slug}`) ?? (await pageAll<Ev>(`authority:${slug}`, '/v1/events'));
      expect(feed.filter((e) => e.type === 'rollup.published' && e.subject.id === made.period), slug).toHaveLength(1);
    }
  });

  it('an event is {id, type, occurredAt, subject} and nothing else: no child data, no storage keys', () => {
    for (const [, list] of feeds) {
      for (const e of list) {
        expect(Object.keys(e).sort()).toEqual(['id', 'occurredAt', 'subject', 'type']);
        expect(Object.keys(e.subject).sort()).toEqual(['id', 'kind']);
      }
    }
    const text = JSON.stringify([...feeds.values()]);
    expect(text).not.toMatch(/ESX-|THR-|childRef|EVENTS#/);
  });

  it('oldest first', () => {
    for (const [, list] of feeds) expect(list.map((e) => e.occurredAt)).toEqual([...list.map((e) => e.occurredAt)].sort());
  });
});

describe('the feed pages, and polls from its last cursor', () => {
  it('pages to the end, the last page carrying a cursor from which later events are read; then an empty page', async () => {
    const seen: Ev[] = [];
    let cursor: string | undefined;
    let last: string | undefined;
    for (let pages = 0; pages < 200; pages++) {
      const r = await call(HARBOUR, 'GET', '/v1/events', { query: { limit: 3, ...(cursor ? { cursor } : {}) } });
      expect(r.status, r.text).toBe(200);
      expect(r.json.items.length).toBeLessThanOrEqual(3);
      seen.push(...r.json.items);
      if (r.json.nextCursor) last = r.json.nextCursor;
      cursor = r.json.nextCursor;
      if (!cursor) {
        expect(r.json.items, 'a page without a cursor read nothing').toEqual([]);
        break;
      }
    }
    expect(seen.map((e) => e.id)).toEqual(feeds.get(HARBOUR)!.map((e) => e.id));
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);

    // a later change: polling from the last cursor returns it, and only it
    const later = await referral();
    await settle();
    const polled = await call(HARBOUR, 'GET', '/v1/events', { query: { cursor: last! } });
    expect(polled.status, polled.text).toBe(200);
    expect(polled.json.items.map((e: Ev) => [e.type, e.subject.id])).toEqual([['referral.shared', later]]);
    expect(polled.json.nextCursor).toEqual(expect.any(String));
    const again = await call(HARBOUR, 'GET', '/v1/events', { query: { cursor: polled.json.nextCursor } });
    expect(again.json).toEqual({ items: [] });
  }, 60_000);

  it('a cursor is the caller\'s own: another principal\'s, or a made-up one, is a 400', async () => {
    const r = await call(HARBOUR, 'GET', '/v1/events', { query: { limit: 1 } });
    expect(r.json.nextCursor).toEqual(expect.any(String));
    const stolen = await call(FENLAND, 'GET', '/v1/events', { query: { cursor: r.json.nextCursor } });
    expect(stolen.status).toBe(400);
    expect((await call(HARBOUR, 'GET', '/v1/events', { query: { cursor: 'abc.def' } })).status).toBe(400);
    expect((await call(null, 'GET', '/v1/events')).status).toBe(401);
  });
});

describe('disclosure', () => {
  it('consent withdrawn: the providers\' referral.shared events are no longer shown, the others still are', async () => {
    expect(holders('referral.shared', made.withdrawn!)).toEqual({ [HARBOUR]: 1, [FENLAND]: 1 });
    const w = await post(OWNER, `/v1/referrals/${made.withdrawn}/consent`, { status: 'withdrawn', recordedAt: new Date().toISOString() });
    expect(w.status, w.text).toBe(200);
    const harbour = await pageAll<Ev>(HARBOUR, '/v1/events');
    expect(harbour.filter((e) => e.subject.id === made.withdrawn)).toEqual([]);
    expect(harbour.some((e) => e.subject.id === made.referral)).toBe(true);
    expect((await pageAll<Ev>(FENLAND, '/v1/events')).filter((e) => e.subject.id === made.withdrawn)).toEqual([]);
  });
});

describe('reminders (the job, run in this process against the same store)', () => {
  it('vacancy.expiring, hold.expiring and notice.due to whom the contract names, once however often the job runs', async () => {
    const vacancy = await postVacancy(HARBOUR, harbourHome, { beds: 1 });
    const r = await referral();
    const short = (await offer(HARBOUR, r, harbourHome, { holdUntil: hoursFromNow(1.5) })).id;
    // a pool placement in a London home: its notice is the placing authority's to send, due 29 December
    const home = await putPoolHome({ outcode: 'E1', name: 'Thames House' } as Partial<HomeItem>);
    const bed = await post(PO, '/v1/pool/beds', { homeUrn: home.urn, kind: 'emergency', weeklyCost: 7000, contractRef: `PLC-${unique()}`, from: '2026-01-01' });
    const req = await post(THURROCK, '/v1/pool/requests', {
      kind: 'emergency', urgency: 'today', neededFrom: FRIDAY, child: { childRef: `THR-${unique()}`, age: 14, sex: 'female', needs: [] }, homeOutcode: 'RM17',
    });
    const alloc = await post(PO, '/v1/pool/allocations', { requestId: req.json.id, bedId: bed.json.id, startDate: FRIDAY });
    expect(alloc.status, alloc.text).toBe(201);
    const placement = await call(THURROCK, 'GET', `/v1/placements/${alloc.json.placementId}`);
    const notice = placement.json.notices[0];
    expect(notice).toMatchObject({ dueBy: '2026-12-29' });
    expect(notice.sentAt).toBeUndefined();

    // now: the hold; 6 days and 1 hour on: the vacancy (7 days after posting); Thursday 24 December: the notice (25th and 28th are bank holidays)
    const vacancyDue = new Date(Date.now() + (6 * 24 + 1) * 3_600_000);
    const noticeDue = new Date('2026-12-24T09:00:00Z');
    for (let run = 0; run < 2; run++) {
      await reminders(undefined, new Date());
      await reminders(undefined, vacancyDue);
      await reminders(undefined, noticeDue);
    }
    await settle();
    await readFeeds();
    expect(holders('hold.expiring', short)).toEqual({ [HARBOUR]: 1 });
    expect(holders('vacancy.expiring', vacancy)).toEqual({ [HARBOUR]: 1 });
    expect(holders('notice.due', notice.id)).toEqual({ [THURROCK]: 1 });
    // no reminder before its time: the vacancy was not reminded of by the runs at "now"
    expect(holders('hold.expiring', made.heldOffer!)).toEqual({});
    // every event type of the contract was checked above, in exactly its recipients' feeds
    expect([...new Set([...feeds.values()].flat().map((e) => e.type))].sort()).toEqual([...EVENT_TYPES].sort());
  }, 60_000);
});
