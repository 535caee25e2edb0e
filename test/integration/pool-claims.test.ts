import { afterEach, describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { call, unique } from '../support/hub.ts';
import { putHome } from '../support/pool-fixtures.ts';
import { allocate, BED_CLAIM_MS, createBed, createRequest, getBed } from '../../functions/store/pool.ts';
import { PoolRefusal } from '../../functions/domain/pool.ts';
import { config, dynamo } from '../../functions/store/config.ts';
import * as keys from '../../functions/store/keys.ts';
import { addDays, londonToday } from '../../functions/domain/calendar-days.ts';

/**
 * The claim an allocation takes on a bed before it has read its request (functions/store/pool/take.ts):
 * a contender that finds it looks again a few times within ~0.5 s (the holder may yet release it),
 * until the holder, having found its request pending and the home able to take the child, marks
 * it firm; a firm claim is refused at once, with no more round trips. The store's own allocate is
 * called in process, with the DynamoDB commands it sends counted.
 */

const PO = { kind: 'programme-office' } as const;
const today = londonToday();

async function bedAndRequest() {
  const home = await putHome();
  const bed = await createBed(PO, { homeUrn: home.urn, kind: 'emergency', weeklyCostPence: 700_000, contractRef: `CLAIM-${unique()}`, from: addDays(today, -30) });
  const request = await createRequest({ kind: 'authority', id: 'essex' }, { kind: 'emergency', urgency: 'today', neededFrom: today, child: { childRef: `C-${unique()}`, age: 14, sex: 'female', needs: [] } });
  return { bedId: bed.id, requestId: request.id };
}

const claimOn = (bedId: string, claim: Record<string, unknown>) =>
  dynamo().send(new UpdateCommand({ TableName: config.tableName, Key: keys.poolBed(bedId), UpdateExpression: 'SET claim = :c', ExpressionAttributeValues: { ':c': claim } }));
const releaseOn = (bedId: string) =>
  dynamo().send(new UpdateCommand({ TableName: config.tableName, Key: keys.poolBed(bedId), UpdateExpression: 'REMOVE claim' }));

/** The commands this process's DynamoDB client sends, in order, while counting. */
const sent: string[] = [];
const counting = 'claimTestCount';
function count(): void {
  dynamo().middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: counting },
  );
}
afterEach(() => {
  dynamo().middlewareStack.remove(counting);
  sent.length = 0;
});

describe('claims on a pooled bed', () => {
  it('a bed under a firm claim is refused at once: one claim write, no looking again', async () => {
    const { bedId, requestId } = await bedAndRequest();
    await claimOn(bedId, { id: 'clm_someoneelse', until: Date.now() + BED_CLAIM_MS, firm: true });
    count();
    const refused = await allocate({ requestId, bedId, startDate: today, who: PO, httpRequestId: 't' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PoolRefusal);
    expect((refused as PoolRefusal).reason).toBe('bed-not-available');
    expect((refused as PoolRefusal).message).toMatch(/taking this bed/);
    expect(sent).toEqual(['UpdateItemCommand']);
  });

  it('a bed under a claim not yet firm is looked at again, and won once that claim is released', async () => {
    const { bedId, requestId } = await bedAndRequest();
    await claimOn(bedId, { id: 'clm_someoneelse', until: Date.now() + BED_CLAIM_MS });
    const won = allocate({ requestId, bedId, startDate: today, who: PO, httpRequestId: 't' });
    await new Promise((r) => setTimeout(r, 40));
    await releaseOn(bedId); // its holder found its request cancelled
    const allocation = await won;
    expect(allocation.bedId).toBe(bedId);
    expect((await getBed(bedId, true))!.allocation!.id).toBe(allocation.id);
  });

  it('a contender looks again with reads, not claim writes, and is refused once the claim turns firm', async () => {
    const { bedId, requestId } = await bedAndRequest();
    await claimOn(bedId, { id: 'clm_someoneelse', until: Date.now() + BED_CLAIM_MS });
    count();
    const refused = allocate({ requestId, bedId, startDate: today, who: PO, httpRequestId: 't' }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 40));
    await claimOn(bedId, { id: 'clm_someoneelse', until: Date.now() + BED_CLAIM_MS, firm: true }); // its holder found its request pending
    const answer = await refused;
    expect(answer).toBeInstanceOf(PoolRefusal);
    expect((answer as PoolRefusal).message).toMatch(/taking this bed/);
    const calls = sent.filter((c) => c !== 'ListTablesCommand');
    expect(calls[0]).toBe('UpdateItemCommand'); // its one claim write
    // then only reads, but for this test's own write marking the other claim firm
    expect(calls.filter((c) => c === 'UpdateItemCommand')).toHaveLength(2);
    expect(calls.filter((c) => c === 'GetItemCommand').length).toBeGreaterThan(0);
    expect(new Set(calls)).toEqual(new Set(['UpdateItemCommand', 'GetItemCommand']));
  });

  it('the holder marks its claim firm after reading its request and home, before its transaction', async () => {
    const { bedId, requestId } = await bedAndRequest();
    count();
    await allocate({ requestId, bedId, startDate: today, who: PO, httpRequestId: 't' });
    expect(sent.filter((c) => c !== 'ListTablesCommand')).toEqual(['UpdateItemCommand', 'BatchGetItemCommand', 'UpdateItemCommand', 'TransactWriteItemsCommand']);
    const bed = (await getBed(bedId, true))!;
    expect(bed.status).toBe('occupied');
    expect(bed.claim).toBeUndefined();
  });

  it('a refused holder never marks its claim firm, and releases it', async () => {
    const { bedId, requestId } = await bedAndRequest();
    expect((await call('authority:essex', 'POST', `/v1/pool/requests/${requestId}/cancel`)).status).toBe(200);
    count();
    const refused = await allocate({ requestId, bedId, startDate: today, who: PO, httpRequestId: 't' }).catch((e: unknown) => e);
    expect((refused as PoolRefusal).reason).toBe('request-not-pending');
    expect(sent).toEqual(['UpdateItemCommand', 'BatchGetItemCommand', 'UpdateItemCommand']); // claim, read, release
    expect((await getBed(bedId, true))!.claim).toBeUndefined();
  });

  it('a claim write that landed but whose answer was lost is retried, refused by its own claim, and the allocation goes on', async () => {
    const { bedId, requestId } = await bedAndRequest();
    // the first claim write lands and its answer is lost; the client's retry (the same write again) is what answers
    const lost = 'claimTestLostAnswer';
    let first = true;
    dynamo().middlewareStack.add(
      (next, context) => async (args) => {
        if (first && context.commandName === 'UpdateItemCommand') {
          first = false;
          await next(args);
        }
        return next(args);
      },
      { step: 'initialize', name: lost },
    );
    try {
      const allocation = await allocate({ requestId, bedId, startDate: today, who: PO, httpRequestId: 't' });
      expect(allocation.bedId).toBe(bedId);
      const bed = (await getBed(bedId, true))!;
      expect([bed.status, bed.allocation?.id, bed.claim]).toEqual(['occupied', allocation.id, undefined]);
    } finally {
      dynamo().middlewareStack.remove(lost);
    }
  });
});
