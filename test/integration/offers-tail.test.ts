import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { handler as reminders } from '../../functions/jobs/reminders.ts';
import { byOf } from '../../functions/domain/principal.ts';
import { config, dynamo } from '../../functions/store/config.ts';
import * as keys from '../../functions/store/keys.ts';
import { acceptOffer } from '../../functions/store/offer-acceptance.ts';
import { queryAll } from '../../functions/store/query.ts';
import { finishStaleTails, TAIL_STALE_MS, tailFaults } from '../../functions/store/supersede-tail.ts';
import { call } from '../support/hub.ts';
import { postVacancy } from './homes-fixtures.ts';
import { HARBOUR, homesOf, offer, pooled, referral } from './offers-fixtures.ts';

/**
 * An acceptance with more rivals than its transaction has room for (CONTRACT "Events": no change
 * without its event): the rivals beyond it are written as a durable tail in the same transaction
 * (store/supersede-tail.ts). Here the process "dies" right after the commit (the store's test-only
 * fault seam throws there, so nothing after it runs), and again part-way through finishing the tail;
 * the reminders job, run as it runs on its schedule, then finishes it: every rival gets exactly one
 * offer.superseded and its hold released. Real DynamoDB Local; the acceptance runs in this process
 * (the seam is this process's), the reads go over HTTP.
 */

/** Each holds a bed (2 items each), well past the 100 items of one transaction: the tail holds ~45, two batches of its writes. */
const RIVALS = 90;
const crash = () => {
  throw new Error('simulated crash');
};

afterEach(() => {
  delete tailFaults.afterCommit;
  delete tailFaults.beforeBatch;
});

/** offer.superseded events per rival offer, read from the provider's outbox partition. */
async function supersededCounts(offerIds: readonly string[]): Promise<number[]> {
  const items = await queryAll({
    TableName: config.tableName,
    KeyConditionExpression: 'pk = :p',
    FilterExpression: '#e.#t = :t',
    ExpressionAttributeNames: { '#e': 'event', '#t': 'type' },
    ExpressionAttributeValues: { ':p': keys.eventsOf(HARBOUR).pk, ':t': 'offer.superseded' },
    ConsistentRead: true,
  });
  return offerIds.map((id) => items.filter((i) => (i.event as { subject: { id: string } }).subject.id === id).length);
}

const tailItem = async (referralId: string) =>
  (await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.supersedeTail(referralId, 0), ConsistentRead: true }))).Item;

describe('an acceptance\'s tail survives a crash between its transaction and the rest', () => {
  it('crash after the commit, and again part-way through the tail: the job finishes it, each rival superseded exactly once, every hold released', async () => {
    const referralId = await referral();
    const homes = await homesOf('harbour-care', RIVALS + 1);
    const vacancies = await pooled(homes, 8, (urn) => postVacancy(HARBOUR, urn, { beds: 1 }));
    const offers = await pooled(homes, 8, (urn, i) => offer(HARBOUR, referralId, urn, { vacancyId: vacancies[i] }));
    const [mine, ...rivals] = offers.map((o) => o.id as string);
    const rivalVacancies = vacancies.slice(1);
    const heldBeds = async () => (await pooled(rivalVacancies, 8, async (v) => (await call(HARBOUR, 'GET', `/v1/vacancies/${v}`)).json.heldBeds as number)).reduce((a, b) => a + b, 0);
    expect(await heldBeds()).toBe(RIVALS);

    // the process dies right after the acceptance's transaction commits
    tailFaults.afterCommit = crash;
    await expect(acceptOffer({ kind: 'authority', id: 'essex' }, mine!, 'req-tail-crash', byOf({ kind: 'authority', id: 'essex' }))).rejects.toThrow('simulated crash');
    delete tailFaults.afterCommit;
    expect((await call('authority:essex', 'GET', `/v1/referrals/${referralId}`)).json.status).toBe('placed');
    const tail = await tailItem(referralId);
    expect(tail, 'the transaction wrote the tail').toBeDefined();
    const inTail = (tail!.rivals as { offerId: string }[]).map((r) => r.offerId);
    expect(inTail.length).toBeGreaterThan(0);
    const before = await supersededCounts(rivals);
    // in the transaction: one event each; in the tail: none yet, and their beds still held
    expect(before.filter((n) => n === 1)).toHaveLength(RIVALS - inTail.length);
    expect(rivals.filter((_, i) => before[i] === 0).sort()).toEqual([...inTail].sort());
    expect(await heldBeds()).toBe(inTail.length);

    // a tail younger than a minute is the acceptance's own to finish: the job leaves it
    expect(await finishStaleTails(new Date())).toEqual({ finished: 0, failed: [] });
    expect(await tailItem(referralId)).toBeDefined();

    // the job's run dies part-way through (its first batch of rivals written, not its second): the tail stays
    const later = new Date(Date.now() + TAIL_STALE_MS + 5_000);
    tailFaults.beforeBatch = (i) => {
      if (i > 0) crash();
    };
    await expect(finishStaleTails(later)).resolves.toMatchObject({ finished: 0, failed: [expect.stringContaining('simulated crash')] });
    delete tailFaults.beforeBatch;
    await new Promise((r) => setTimeout(r, 2_000)); // the first batch, in flight when the second threw, settles
    expect(await tailItem(referralId)).toBeDefined();
    const midway = await supersededCounts(rivals);
    expect(midway.filter((n) => n === 1).length).toBeGreaterThan(before.filter((n) => n === 1).length);
    expect(midway.filter((n) => n === 0).length).toBeGreaterThan(0);

    // the next runs of the reminders job finish it; a run after that finds nothing to do
    expect((await reminders(undefined, later)).tails).toBe(1);
    expect((await reminders(undefined, later)).tails).toBe(0);
    expect(await tailItem(referralId)).toBeUndefined();
    expect(await supersededCounts(rivals)).toEqual(rivals.map(() => 1));
    expect(await heldBeds()).toBe(0);
    expect((await call(HARBOUR, 'GET', `/v1/vacancies/${rivalVacancies[0]}`)).json).toMatchObject({ beds: 1, heldBeds: 0, status: 'open' });
  }, 240_000);

  it('no crash: the acceptance writes its tail itself and deletes it, each rival superseded exactly once', async () => {
    const referralId = await referral();
    const homes = await homesOf('harbour-care', 61);
    const vacancies = await pooled(homes, 8, (urn) => postVacancy(HARBOUR, urn, { beds: 1 }));
    const offers = await pooled(homes, 8, (urn, i) => offer(HARBOUR, referralId, urn, { vacancyId: vacancies[i] }));
    const [mine, ...rivals] = offers.map((o) => o.id as string);
    const r = await call('authority:essex', 'POST', `/v1/offers/${mine}/accept`, { body: {} });
    expect(r.status, r.text).toBe(201);
    expect(await tailItem(referralId)).toBeUndefined();
    expect(await supersededCounts(rivals)).toEqual(rivals.map(() => 1));
  }, 240_000);
});
