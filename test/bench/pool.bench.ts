import { randomInt } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { config, dynamo } from '../../functions/store/config.ts';
import { keys } from '../../functions/store/keys.ts';
import type { HomeItem } from '../../functions/store/homes.ts';
import { addDays, londonToday } from '../../functions/domain/calendar-days.ts';
import { AUTHORITY_SLUGS } from '../../functions/domain/reference/authorities.ts';
import { percentile, round, type BenchContext, type BenchRow } from './harness.ts';

/**
 * Pooled-bed allocation under contention (issue 4): 500 allocation requests fired at once over
 * HTTP for 10 beds (request i → bed i mod 10, each request distinct), against the local stack.
 * Reports the winners (must equal the beds), the rate allocations were answered, the latency,
 * and beside it the raw conditional-write rate of the same DynamoDB Local in the same run
 * (PutItem with attribute_not_exists, 500 at once: on distinct keys, and contended on 10 keys).
 *
 * Assumes this process's environment points the store at the same DynamoDB Local as the hub
 * (as the test and bench setups do), to write the one home the beds sit in.
 */

const BEDS = 10;
const REQUESTS = 500;

type Ctx = Pick<BenchContext, 'baseUrl' | 'keyFor'>;

async function post(ctx: Ctx, who: string, path: string, body: unknown): Promise<{ status: number; json: any; ms: number }> {
  const started = performance.now();
  const res = await fetch(new URL(path, ctx.baseUrl), {
    method: 'POST',
    headers: { 'x-api-key': await ctx.keyFor(who), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, ms: performance.now() - started };
}

/** Runs `fn` over `items` with at most `width` in flight. */
async function pooled<T, R>(items: readonly T[], width: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

const round1 = (x: number) => round(x, 1);

/** `n` conditional PutItems at once on `distinct` keys (round robin); answers writes/s and how many succeeded. */
async function rawConditionalWrites(n: number, distinct: number): Promise<{ perSecond: number; succeeded: number }> {
  const run = `BENCH#${Date.now().toString(36)}${randomInt(1e9).toString(36)}`;
  let succeeded = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      try {
        await dynamo().send(
          new PutCommand({
            TableName: config.tableName,
            Item: { pk: `${run}#${i % distinct}`, sk: 'BENCH', ttl: Math.floor(Date.now() / 1000) + 3600, writer: i },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        succeeded++;
      } catch (e) {
        if (!(e instanceof ConditionalCheckFailedException)) throw e;
      }
    }),
  );
  return { perSecond: n / ((performance.now() - started) / 1000), succeeded };
}

export async function run(ctx: Ctx): Promise<BenchRow[]> {
  const today = londonToday();

  // one home for the beds, written as a HomeItem (homes are another feature's routes)
  const urn = `SC${String(randomInt(1_000_000)).padStart(6, '0')}`;
  const home: HomeItem = {
    urn, name: 'Bench House', owner: 'provider:harbour-care', provider: { id: 'harbour-care', name: 'Harbour Care Ltd', group: 'Harbour Care Group' },
    placementType: 'K2', outcode: 'CM1', authority: 'essex', registeredPlaces: BEDS, ofstedRating: 'good', ageRange: { min: 0, max: 25 },
    sexes: ['female', 'male'], supports: [], excludes: [], version: 1, updatedAt: new Date().toISOString(),
  };
  await dynamo().send(new PutCommand({ TableName: config.tableName, Item: { ...keys.home(urn), type: 'home', ...home } }));

  const beds = await pooled(Array.from({ length: BEDS }), 10, async () => {
    const r = await post(ctx, 'programme-office', '/v1/pool/beds', {
      homeUrn: urn, kind: 'emergency', weeklyCost: 7000, contractRef: 'BENCH', from: addDays(today, -1),
    });
    if (r.status !== 201) throw new Error(`bench: creating a bed answered ${r.status}`);
    return r.json.id as string;
  });
  const requests = await pooled(Array.from({ length: REQUESTS }), 25, async (_, i) => {
    const r = await post(ctx, `authority:${AUTHORITY_SLUGS[i % AUTHORITY_SLUGS.length]}`, '/v1/pool/requests', {
      kind: 'emergency', urgency: 'today', neededFrom: today, child: { childRef: `BENCH-${i}`, age: 14, sex: 'female', needs: [] },
    });
    if (r.status !== 201) throw new Error(`bench: creating a request answered ${r.status}`);
    return r.json.id as string;
  });

  // warm-up, not measured: the gateway's first allocations compile the handler's paths
  const warmBed = (await post(ctx, 'programme-office', '/v1/pool/beds', { homeUrn: urn, kind: 'emergency', weeklyCost: 7000, contractRef: 'BENCH-WARM', from: addDays(today, -1) })).json.id;
  const warmRequests = await pooled(Array.from({ length: 20 }), 10, async (_, i) =>
    (await post(ctx, 'authority:essex', '/v1/pool/requests', { kind: 'emergency', urgency: 'today', neededFrom: today, child: { childRef: `BENCH-W${i}`, age: 14, sex: 'female', needs: [] } })).json.id);
  await Promise.all(warmRequests.map((requestId) => post(ctx, 'programme-office', '/v1/pool/allocations', { requestId, bedId: warmBed, startDate: today })));
  await rawConditionalWrites(50, 50);

  // the contended run: all 500 at once
  const started = performance.now();
  const answers = await Promise.all(requests.map((requestId, i) => post(ctx, 'programme-office', '/v1/pool/allocations', { requestId, bedId: beds[i % BEDS], startDate: today })));
  const seconds = (performance.now() - started) / 1000;
  const winners = answers.filter((a) => a.status === 201);
  const refused = answers.filter((a) => a.status === 409);
  const other = answers.length - winners.length - refused.length;
  const bedsWon = new Set(winners.map((w) => w.json.bedId)).size;
  const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);

  // the same DynamoDB Local, same run: raw conditional writes, 500 at once
  const raw = await rawConditionalWrites(REQUESTS, REQUESTS);
  const rawContended = await rawConditionalWrites(REQUESTS, BEDS);

  return [
    {
      name: `pool: winners of ${REQUESTS} concurrent allocations for ${BEDS} beds`,
      value: winners.length,
      unit: 'winners',
      target: `= ${BEDS}, one per bed (distinct beds won: ${bedsWon})`,
      ok: winners.length === BEDS && bedsWon === BEDS,
    },
    {
      name: 'pool: allocations answered/s under contention (HTTP, conditional transaction)',
      value: round1(REQUESTS / seconds),
      unit: 'ops/s',
      baseline: { name: 'DynamoDB Local conditional PutItem/s, 500 at once, distinct keys', value: round1(raw.perSecond) },
    },
    { name: 'pool: allocation latency p50 under contention (all 500 in flight)', value: round1(percentile(latencies, 50)), unit: 'ms' },
    { name: 'pool: allocation latency p95 under contention (all 500 in flight)', value: round1(percentile(latencies, 95)), unit: 'ms' },
    {
      name: 'pool: losers answered 409 with a reason',
      value: refused.length,
      unit: `409s (other statuses: ${other})`,
      target: `${REQUESTS - BEDS}, none other`,
      ok: refused.length === REQUESTS - BEDS && other === 0,
    },
    { name: 'DynamoDB Local conditional PutItem/s (attribute_not_exists), 500 at once, distinct keys', value: round1(raw.perSecond), unit: 'ops/s' },
    {
      name: `DynamoDB Local conditional PutItem/s, 500 at once on ${BEDS} keys`,
      value: round1(rawContended.perSecond),
      unit: 'ops/s',
      target: `${BEDS} succeed (got ${rawContended.succeeded})`,
      ok: rawContended.succeeded === BEDS,
    },
  ];
}
