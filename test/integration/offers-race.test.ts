import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { config, dynamo } from '../../functions/store/config.ts';
import { getHome } from '../../functions/store/homes.ts';
import * as keys from '../../functions/store/keys.ts';
import { call, pageAll } from '../support/hub.ts';
import { HubError } from '../../functions/domain/errors.ts';
import { byOf } from '../../functions/domain/principal.ts';
import { acceptOffer } from '../../functions/store/offer-acceptance.ts';
import { newUrn, postVacancy, putHome } from './homes-fixtures.ts';
import { FENLAND, HARBOUR, OWNER, homesOf, offer, offerBody, pooled, referral } from './offers-fixtures.ts';

/**
 * Acceptance under concurrency, with real requests racing over HTTP on DynamoDB Local
 * (CONTRACT.md "Offers and placements": under any concurrency a referral has at most one
 * accepted offer and no vacancy's beds go below 0).
 */

const accept = (offerId: string) => call(OWNER, 'POST', `/v1/offers/${offerId}/accept`, { body: {} });

async function placementsOf(referralId: string): Promise<number> {
  const { pk, skPrefix } = keys.placementsOf('essex');
  const out = await dynamo().send(new QueryCommand({
    TableName: config.tableName, KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', FilterExpression: 'referralId = :r',
    ExpressionAttributeValues: { ':p': pk, ':s': skPrefix, ':r': referralId }, ConsistentRead: true,
  }));
  return out.Items?.length ?? 0;
}

describe('racing acceptances', () => {
  it('200 concurrent accepts of 200 rival offers on one referral: exactly one 201, the rest 409, one placement, the rivals superseded', async () => {
    const id = await referral();
    const urns = [...(await homesOf('harbour-care', 100)), ...(await homesOf('fenland-childrens-homes', 100))];
    // a few rivals hold beds: the winner's transaction releases them
    const held = new Map<string, string>();
    for (const urn of [urns[3]!, urns[150]!]) held.set(urn, await postVacancy(urn === urns[3] ? HARBOUR : FENLAND, urn, { beds: 1 }));
    const offers = await pooled(urns, 16, (urn, i) => offer(i < 100 ? HARBOUR : FENLAND, id, urn, held.has(urn) ? { vacancyId: held.get(urn) } : {}));
    expect(offers).toHaveLength(200);

    const answers = await Promise.all(offers.map((o) => accept(o.id)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409), answers.filter((a) => a.status !== 409 && a.status !== 201).map((a) => `${a.status} ${a.text.slice(0, 200)}`).join('\n')).toHaveLength(199);
    const winner = answers.find((a) => a.status === 201)!.json;

    expect(await placementsOf(id)).toBe(1);
    const after = await pageAll(OWNER, `/v1/referrals/${id}/offers`);
    expect(after.filter((o) => o.status === 'accepted').map((o) => o.id)).toEqual([winner.offerId]);
    expect(after.filter((o) => o.status === 'superseded')).toHaveLength(199);
    expect((await call(OWNER, 'GET', `/v1/referrals/${id}`)).json.status).toBe('placed');
    for (const [urn, vacancyId] of held) {
      const v = (await call(urn === urns[3] ? HARBOUR : FENLAND, 'GET', `/v1/vacancies/${vacancyId}`)).json;
      // the winner's bed is taken; a rival's hold is released
      expect(v).toMatchObject(winner.homeUrn === urn ? { beds: 0, status: 'filled' } : { beds: 1, heldBeds: 0, status: 'open' });
    }
  }, 120_000);

  it('rival acceptances racing for one referral fail fast on its claim: only the one acceptance that wins sends its transaction (of up to 100 items)', async () => {
    const id = await referral();
    const urns = [...(await homesOf('harbour-care', 12)), ...(await homesOf('fenland-childrens-homes', 12))];
    const offers = await pooled(urns, 8, (urn, i) => offer(i < 12 ? HARBOUR : FENLAND, id, urn));
    // the store's acceptance called in this process, so that its DynamoDB calls can be counted
    const transactions: number[] = [];
    const name = 'countAcceptanceTransactions';
    dynamo().middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand') transactions.push((args.input as { TransactItems: unknown[] }).TransactItems.length);
      return next(args);
    }, { step: 'initialize', name });
    try {
      const owner = { kind: 'authority' as const, id: 'essex' as const };
      const answers = await Promise.allSettled(offers.map((o, i) => acceptOffer(owner, o.id, `race-${i}`, byOf(owner))));
      expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      const refused = answers.flatMap((a) => (a.status === 'rejected' ? [a.reason] : []));
      expect(refused.map((e) => (e instanceof HubError ? e.code : String(e)))).toEqual(Array(23).fill('conflict'));
      // before the claim, every rival that read the referral open sent its own transaction (28 items here), all but one cancelled
      expect(transactions).toHaveLength(1);
    } finally {
      dynamo().middlewareStack.remove(name);
    }
    expect(await placementsOf(id)).toBe(1);
  }, 120_000);

  it('more rivals holding beds than one transaction has room for (100 items): the acceptance still places once, and every rival hold is released', async () => {
    const id = await referral();
    const [mine, ...rivals] = await homesOf('harbour-care', 101);
    // 100 rivals, each holding the one bed of a vacancy of its own home: 100 hold releases, past the 100 items of a
    // transaction once the acceptance's own writes are counted (the earlier cap of ~45 rivals left 55 beds held)
    const vacancies = await pooled([mine!, ...rivals], 16, (urn) => postVacancy(HARBOUR, urn, { beds: 1 }));
    const offers = await pooled([mine!, ...rivals], 16, (urn, i) => offer(HARBOUR, id, urn, { vacancyId: vacancies[i] }));
    const vacancyViews = () => pooled(vacancies, 16, async (v) => (await call(HARBOUR, 'GET', `/v1/vacancies/${v}`)).json);
    expect((await vacancyViews()).filter((v) => v.beds === 0 && v.heldBeds === 1)).toHaveLength(101); // every bed held

    const r = await accept(offers[0].id);
    expect(r.status, r.text).toBe(201);
    expect(await placementsOf(id)).toBe(1);
    const after = await pageAll(OWNER, `/v1/referrals/${id}/offers`);
    expect(after.filter((o) => o.status === 'superseded')).toHaveLength(100);
    const [taken, ...released] = await vacancyViews();
    expect(taken).toMatchObject({ beds: 0, status: 'filled' });
    expect(released.filter((v) => v.beds === 1 && v.heldBeds === 0 && v.status === 'open')).toHaveLength(100);
    // a rival's bed can be offered to another child at once, not only when its hold would have lapsed
    const next = await referral();
    expect((await call(HARBOUR, 'POST', `/v1/referrals/${next}/offers`, { body: offerBody(rivals[99]!, { vacancyId: vacancies[100] }) })).status).toBe(201);
  }, 240_000);

  it('offers racing for the last beds of a vacancy: as many holds as beds, the rest 409', async () => {
    const home = await putHome(HARBOUR, { registeredPlaces: 4, supports: ['self-harm'] });
    const vacancyId = await postVacancy(HARBOUR, home, { beds: 2 });
    const referrals = await pooled(Array.from({ length: 12 }), 6, () => referral());
    const answers = await Promise.all(referrals.map((id) => call(HARBOUR, 'POST', `/v1/referrals/${id}/offers`, { body: offerBody(home, { vacancyId }) })));
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(2).fill(201), ...Array(10).fill(409)]);
    expect((await call(HARBOUR, 'GET', `/v1/vacancies/${vacancyId}`)).json).toMatchObject({ beds: 0, heldBeds: 2 });
  }, 60_000);

  it('concurrent accepts on different referrals holding the last beds of one vacancy: each holder placed once, beds never below 0', async () => {
    const home = await putHome(HARBOUR, { registeredPlaces: 4, supports: ['self-harm'] });
    const vacancyId = await postVacancy(HARBOUR, home, { beds: 3 });
    const openBefore = (await getHome(home, true))!.openBeds!;
    const referrals = await pooled(Array.from({ length: 3 }), 3, () => referral());
    const offers = await pooled(referrals, 3, (id) => offer(HARBOUR, id, home, { vacancyId }));
    // no unheld bed is left for a fourth referral
    const fourth = await call(HARBOUR, 'POST', `/v1/referrals/${await referral()}/offers`, { body: offerBody(home, { vacancyId }) });
    expect(fourth.status).toBe(409);

    const answers = await Promise.all(offers.flatMap((o) => Array.from({ length: 5 }, () => accept(o.id))));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(12);
    for (const id of referrals) expect(await placementsOf(id)).toBe(1);
    expect((await call(HARBOUR, 'GET', `/v1/vacancies/${vacancyId}`)).json).toMatchObject({ beds: 0, heldBeds: 0, status: 'filled' });
    expect((await getHome(home, true))!.openBeds).toBe(openBefore - 3);
  }, 60_000);
});
