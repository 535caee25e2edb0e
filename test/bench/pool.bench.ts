import { randomInt } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { config, dynamo } from '../../functions/store/config.ts';
import { keys } from '../../functions/store/keys.ts';
import type { HomeItem } from '../../functions/store/homes.ts';
import { addDays, londonToday } from '../../functions/domain/calendar-days.ts';
import { AUTHORITY_SLUGS } from '../../functions/domain/reference/authorities.ts';
import { AUTHORIZER_CACHE_SECONDS } from '../../infra/routes.ts';
import { cpuMs, percentile, round, startGatewayProcess, type BenchContext, type BenchRow } from './harness.ts';

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

type Ctx = Pick<BenchContext, 'baseUrl' | 'keyFor' | 'pids'>;

/** CPU (ms) each process spent per operation while `fn` ran `ops` operations: where the time goes on this machine. */
async function withCpu<T>(pids: Ctx['pids'], ops: number, fn: () => Promise<T>): Promise<{ result: T; cpu: { dynamodb: number; gateway: number; bench: number; total: number } }> {
  const sample = () => ({ dynamodb: cpuMs(pids.dynamodb), gateway: pids.gateway ? cpuMs(pids.gateway) : 0, bench: cpuMs() });
  const before = sample();
  const result = await fn();
  const after = sample();
  const per = (k: keyof typeof before) => (after[k] - before[k]) / ops;
  const cpu = { dynamodb: per('dynamodb'), gateway: per('gateway'), bench: per('bench') };
  return { result, cpu: { ...cpu, total: cpu.dynamodb + cpu.gateway + cpu.bench } };
}

const cpuText = (c: { dynamodb: number; gateway: number; bench: number }) =>
  `DynamoDB Local ${round(c.dynamodb, 2)} + gateway ${round(c.gateway, 2)} + load generator ${round(c.bench, 2)}`;

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

async function get(ctx: Ctx, who: string, path: string): Promise<number> {
  const res = await fetch(new URL(path, ctx.baseUrl), { headers: { 'x-api-key': await ctx.keyFor(who) } });
  await res.arrayBuffer();
  return res.status;
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

/** One contended run on a gateway: fresh beds and requests, warm-up, then 500 allocations at once. */
async function contend(ctx: Ctx, urn: string, today: string, tag: string) {
  const beds = await pooled(Array.from({ length: BEDS }), 10, async () => {
    const r = await post(ctx, 'programme-office', '/v1/pool/beds', { homeUrn: urn, kind: 'emergency', weeklyCost: 7000, contractRef: `BENCH-${tag}`, from: addDays(today, -1) });
    if (r.status !== 201) throw new Error(`bench: creating a bed answered ${r.status}`);
    return r.json.id as string;
  });
  const requests = await pooled(Array.from({ length: REQUESTS }), 25, async (_, i) => {
    const r = await post(ctx, `authority:${AUTHORITY_SLUGS[i % AUTHORITY_SLUGS.length]}`, '/v1/pool/requests', {
      kind: 'emergency', urgency: 'today', neededFrom: today, child: { childRef: `BENCH-${tag}-${i}`, age: 14, sex: 'female', needs: [] },
    });
    if (r.status !== 201) throw new Error(`bench: creating a request answered ${r.status}`);
    return r.json.id as string;
  });

  // warm-up, not measured: the gateway's first allocations compile the handler's paths
  const warmBed = (await post(ctx, 'programme-office', '/v1/pool/beds', { homeUrn: urn, kind: 'emergency', weeklyCost: 7000, contractRef: `BENCH-WARM-${tag}`, from: addDays(today, -1) })).json.id;
  const warmRequests = await pooled(Array.from({ length: 20 }), 10, async (_, i) =>
    (await post(ctx, 'authority:essex', '/v1/pool/requests', { kind: 'emergency', urgency: 'today', neededFrom: today, child: { childRef: `BENCH-W${tag}${i}`, age: 14, sex: 'female', needs: [] } })).json.id);
  await Promise.all(warmRequests.map((requestId) => post(ctx, 'programme-office', '/v1/pool/allocations', { requestId, bedId: warmBed, startDate: today })));
  await rawConditionalWrites(50, 50);

  // the contended run: all 500 at once
  const started = performance.now();
  const { result: answers, cpu } = await withCpu(ctx.pids, REQUESTS, () =>
    Promise.all(requests.map((requestId, i) => post(ctx, 'programme-office', '/v1/pool/allocations', { requestId, bedId: beds[i % BEDS], startDate: today }))),
  );
  const seconds = (performance.now() - started) / 1000;
  const winners = answers.filter((a) => a.status === 201);
  return {
    beds,
    cpu,
    perSecond: REQUESTS / seconds,
    winners: winners.length,
    bedsWon: new Set(winners.map((w) => w.json.bedId)).size,
    refused: answers.filter((a) => a.status === 409).length,
    latencies: answers.map((a) => a.ms).sort((a, b) => a - b),
  };
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const today = londonToday();

  // one home for the beds, written as a HomeItem (homes are another feature's routes)
  const urn = `SC${String(randomInt(1_000_000)).padStart(6, '0')}`;
  const home: HomeItem = {
    urn, name: 'Bench House', owner: 'provider:harbour-care', provider: { id: 'harbour-care', name: 'Harbour Care Ltd', group: 'Harbour Care Group' },
    placementType: 'K2', outcode: 'CM1', authority: 'essex', registeredPlaces: BEDS, ofstedRating: 'good', ageRange: { min: 0, max: 25 },
    sexes: ['female', 'male'], supports: [], excludes: [], version: 1, updatedAt: new Date().toISOString(),
  };
  await dynamo().send(new PutCommand({ TableName: config.tableName, Item: { ...keys.home(urn), type: 'home', ...home } }));

  // as the local gateway runs by default: the authorizer looks the key up on every request
  const run1 = await contend(ctx, urn, today, 'A');

  // the same DynamoDB Local, same run: raw conditional writes, 500 at once
  const { result: raw, cpu: rawCpu } = await withCpu({ dynamodb: ctx.pids.dynamodb }, REQUESTS, () => rawConditionalWrites(REQUESTS, REQUESTS));
  const rawContended = await rawConditionalWrites(REQUESTS, BEDS);

  // the floor any authenticated route stands on here: 500 reads of a bed at once over HTTP
  // (the authorizer's key lookup + one GetItem), for the programme office
  const readStarted = performance.now();
  const reads = await Promise.all(run1.beds.flatMap((bedId) => Array.from({ length: REQUESTS / BEDS }, () => get(ctx, 'programme-office', `/v1/pool/beds/${bedId}`))));
  const readSeconds = (performance.now() - readStarted) / 1000;
  if (reads.some((st) => st !== 200)) throw new Error('bench: reading a bed failed');

  // as deployed: API Gateway keeps the authorizer's answer per key (AUTHORIZER_CACHE_SECONDS);
  // a second local gateway on the same store, with that cache on
  const cached = await startGatewayProcess(ctx.env, { HUB_AUTHORIZER_CACHE_SECONDS: String(AUTHORIZER_CACHE_SECONDS) });
  let run2: Awaited<ReturnType<typeof contend>>;
  let raw2: Awaited<ReturnType<typeof rawConditionalWrites>>;
  try {
    run2 = await contend({ ...ctx, baseUrl: cached.baseUrl, pids: { dynamodb: ctx.pids.dynamodb, gateway: cached.pid } }, urn, today, 'B');
    raw2 = await rawConditionalWrites(REQUESTS, REQUESTS);
  } finally {
    await cached.stop();
  }

  const judged = (r: typeof run1, label: string): BenchRow[] => [
    {
      name: `pool: winners of ${REQUESTS} concurrent allocations for ${BEDS} beds (${label})`,
      value: r.winners,
      unit: 'winners',
      target: `= ${BEDS}, one per bed (distinct beds won: ${r.bedsWon})`,
      ok: r.winners === BEDS && r.bedsWon === BEDS,
    },
    {
      name: `pool: losers answered 409 with a reason (${label})`,
      value: r.refused,
      unit: `409s (other statuses: ${REQUESTS - r.winners - r.refused})`,
      target: `${REQUESTS - BEDS}, none other`,
      ok: r.refused === REQUESTS - BEDS && r.winners + r.refused === REQUESTS,
    },
  ];
  return [
    ...judged(run1, 'key looked up per request'),
    {
      name: 'pool: allocations answered/s under contention, HTTP, key looked up per request (local default)',
      value: round1(run1.perSecond),
      unit: 'ops/s',
      baseline: { name: 'DynamoDB Local conditional PutItem/s, 500 at once, distinct keys', value: round1(raw.perSecond) },
      target: '≥ 0.5× raw conditional writes',
      ok: run1.perSecond >= 0.5 * raw.perSecond,
    },
    {
      name: 'pool: the same allocations/s, beside the HTTP floor',
      value: round1(run1.perSecond),
      unit: 'ops/s',
      baseline: { name: 'authenticated HTTP reads of a bed/s, 500 at once (key lookup + 1 GetItem)', value: round1(REQUESTS / readSeconds) },
    },
    {
      name: `pool: CPU per allocation, key looked up per request (${cpuText(run1.cpu)}; 2 cores shared)`,
      value: round(run1.cpu.total, 2),
      unit: 'ms CPU',
      baseline: { name: `CPU per raw conditional PutItem (${cpuText(rawCpu)})`, value: round(rawCpu.total, 2) },
    },
    { name: 'pool: allocation latency p50 under contention (all 500 in flight)', value: round1(percentile(run1.latencies, 50)), unit: 'ms' },
    { name: 'pool: allocation latency p95 under contention (all 500 in flight)', value: round1(percentile(run1.latencies, 95)), unit: 'ms' },
    ...judged(run2, 'authorizer answer cached per key, as deployed'),
    {
      name: `pool: allocations answered/s under contention, HTTP, authorizer answer cached per key (API Gateway, ${AUTHORIZER_CACHE_SECONDS} s)`,
      value: round1(run2.perSecond),
      unit: 'ops/s',
      baseline: { name: 'DynamoDB Local conditional PutItem/s, 500 at once, distinct keys (measured right after)', value: round1(raw2.perSecond) },
      target: '≥ 0.5× raw conditional writes',
      ok: run2.perSecond >= 0.5 * raw2.perSecond,
    },
    {
      name: `pool: CPU per allocation, authorizer answer cached (${cpuText(run2.cpu)})`,
      value: round(run2.cpu.total, 2),
      unit: 'ms CPU',
      baseline: { name: 'CPU per raw conditional PutItem (as above)', value: round(rawCpu.total, 2) },
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
