import { randomInt } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { londonToday } from '../../functions/domain/calendar-days.ts';
import { config, dynamo } from '../../functions/store/config.ts';
import { putHomeRecords, type HomeItem } from '../../functions/store/homes.ts';
import { pooled } from '../support/pooled.ts';
import { judge, median, percentile, round, type BenchContext, type BenchRow } from './harness.ts';

/**
 * Acceptance of an offer under contention (issue 12): RIVALS providers' offers on one referral,
 * all accepted at once over HTTP; exactly one may win (one transaction: offer accepted, referral
 * placed, placement and audit written; rivals superseded). Reported beside the same DynamoDB
 * Local's raw rate of 5-item TransactWriteItems (the size of an acceptance without a vacancy),
 * measured in the same run right after each burst, RIVALS at once on distinct keys; and one
 * uncontended acceptance against one raw 5-item transaction.
 *
 * Assumes this process's environment points the store at the same DynamoDB Local as the hub
 * (as the bench setup does), to write the rival homes.
 */

const RIVALS = 200;
const ROUNDS = 3;
const WARM = 1;
const SINGLES = 20;

type Ctx = Pick<BenchContext, 'baseUrl' | 'keyFor'>;

async function send(ctx: Ctx, who: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any; ms: number }> {
  const started = performance.now();
  const res = await fetch(new URL(path, ctx.baseUrl), {
    method,
    headers: { 'x-api-key': await ctx.keyFor(who), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, ms: performance.now() - started };
}

const PROVIDERS = ['harbour-care', 'fenland-childrens-homes'] as const;

/** `n` homes per provider, written straight to the store (bench data). */
async function rivalHomes(n: number): Promise<{ urn: string; provider: string }[]> {
  const now = new Date().toISOString();
  const homes: HomeItem[] = Array.from({ length: n }, (_, i) => {
    const provider = PROVIDERS[i % PROVIDERS.length]!;
    return {
      urn: String(2_000_000 + randomInt(7_000_000)), name: `Bench rival ${i}`, owner: `provider:${provider}`, provider: { id: provider, name: provider, group: provider },
      placementType: 'K2', outcode: 'CM1', registeredPlaces: 4, ofstedRating: 'good', ageRange: { min: 0, max: 25 }, sexes: ['female', 'male'],
      supports: [], excludes: [], version: 1, updatedAt: now, sector: 'private', source: 'demo',
    };
  });
  await putHomeRecords(homes);
  return homes.map((h) => ({ urn: h.urn, provider: `provider:${h.provider!.id}` }));
}

async function newReferral(ctx: Ctx, tag: string): Promise<string> {
  const r = await send(ctx, 'authority:essex', 'POST', '/v1/referrals', {
    agreementId: 'commission-east-placements-isp', purpose: 'placement-matching',
    child: { childRef: `BENCH-${tag}`, age: 14, sex: 'female', needs: [], homeOutcode: 'CM1' },
    lawfulBasis: { article6: '6(1)(e)' }, shareWith: [...PROVIDERS],
  });
  if (r.status !== 201) throw new Error(`bench: creating a referral answered ${r.status}`);
  return r.json.id;
}

/** A referral with `n` rival offers, one per home. */
async function prepare(ctx: Ctx, homes: { urn: string; provider: string }[], tag: string): Promise<string[]> {
  const id = await newReferral(ctx, tag);
  const holdUntil = new Date(Date.now() + 86_400_000).toISOString();
  return pooled(homes, 16, async (h) => {
    const r = await send(ctx, h.provider, 'POST', `/v1/referrals/${id}/offers`, { homeUrn: h.urn, startDate: londonToday(), weeklyCost: { core: 5000 }, holdUntil });
    if (r.status !== 201) throw new Error(`bench: making an offer answered ${r.status} ${JSON.stringify(r.json)}`);
    return r.json.id as string;
  });
}

/** `n` raw 5-item transactions at once (5 Puts with attribute_not_exists on fresh keys): per second, and each one's latency. */
async function rawTransactions(n: number): Promise<{ perSecond: number; latencies: number[] }> {
  const run = `BENCH#TX#${Date.now().toString(36)}${randomInt(1e9).toString(36)}`;
  const ttl = Math.floor(Date.now() / 1000) + 3600;
  const started = performance.now();
  const latencies = await Promise.all(Array.from({ length: n }, async (_, i) => {
    const t = performance.now();
    await dynamo().send(new TransactWriteCommand({
      TransactItems: Array.from({ length: 5 }, (_, k) => ({
        Put: { TableName: config.tableName, Item: { pk: `${run}#${i}`, sk: `ITEM#${k}`, ttl, writer: i }, ConditionExpression: 'attribute_not_exists(pk)' },
      })),
    }));
    return performance.now() - t;
  }));
  return { perSecond: n / ((performance.now() - started) / 1000), latencies: latencies.sort((a, b) => a - b) };
}

interface Round {
  winners: number;
  refused: number;
  others: number[];
  perSecond: number;
  latencies: number[];
  raw: { perSecond: number; latencies: number[] };
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const homes = await rivalHomes(RIVALS);
  const rounds: Round[] = [];
  for (let r = 0; r < WARM + ROUNDS; r++) {
    const offers = await prepare(ctx, homes, `${Date.now().toString(36)}-${r}`);
    const started = performance.now();
    const answers = await Promise.all(offers.map((id) => send(ctx, 'authority:essex', 'POST', `/v1/offers/${id}/accept`, {})));
    const seconds = (performance.now() - started) / 1000;
    const raw = await rawTransactions(RIVALS);
    if (r < WARM) continue;
    rounds.push({
      winners: answers.filter((a) => a.status === 201).length,
      refused: answers.filter((a) => a.status === 409).length,
      others: answers.filter((a) => a.status !== 201 && a.status !== 409).map((a) => a.status),
      perSecond: RIVALS / seconds,
      latencies: answers.map((a) => a.ms).sort((a, b) => a - b),
      raw,
    });
  }

  // uncontended: one acceptance at a time (each on its own referral with one offer) beside one raw 5-item transaction at a time
  const singles: number[] = [];
  const rawSingles: number[] = [];
  for (let i = 0; i < SINGLES; i++) {
    const [offerId] = await prepare(ctx, homes.slice(0, 1), `single-${Date.now().toString(36)}-${i}`);
    const a = await send(ctx, 'authority:essex', 'POST', `/v1/offers/${offerId}/accept`, {});
    if (a.status !== 201) throw new Error(`bench: an uncontended acceptance answered ${a.status}`);
    singles.push(a.ms);
    rawSingles.push((await rawTransactions(1)).latencies[0]!);
  }

  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const rawLatencies = rounds.flatMap((r) => r.raw.latencies).sort((a, b) => a - b);
  const rate = median(rounds.map((r) => r.perSecond));
  const rawRate = median(rounds.map((r) => r.raw.perSecond));
  const perRound = (f: (r: Round) => number) => rounds.map(f).join(', ');
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  const rawP50 = percentile(rawLatencies, 50);
  const rawP99 = percentile(rawLatencies, 99);
  return [
    {
      name: `offers: rounds of ${RIVALS} concurrent accepts of rival offers on one referral with exactly one winner (winners per round: ${perRound((r) => r.winners)})`,
      value: rounds.filter((r) => r.winners === 1).length,
      unit: 'rounds',
      ...judge(rounds.filter((r) => r.winners === 1).length, '=', ROUNDS),
    },
    {
      name: `offers: the others answered 409, each round (other statuses: ${rounds.flatMap((r) => r.others).join(', ') || 'none'})`,
      value: Math.min(...rounds.map((r) => r.refused)),
      unit: '409s',
      ...judge(Math.min(...rounds.map((r) => r.refused)), '=', RIVALS - 1),
    },
    {
      name: `offers: acceptance p50 over HTTP, ${RIVALS} rival accepts at once (rounds' bursts: ${perRound((r) => Math.round(r.perSecond))} answers/s)`,
      value: round(p50, 1),
      unit: 'ms',
      baseline: { name: `raw 5-item TransactWriteItems p50, ${RIVALS} at once, same DynamoDB Local, right after each burst`, value: round(rawP50, 1) },
      ...judge(p50, '≤', 6_000, 'ms'),
    },
    {
      name: `offers: acceptance p99 over HTTP, ${RIVALS} rival accepts at once`,
      value: round(p99, 1),
      unit: 'ms',
      baseline: { name: `raw 5-item TransactWriteItems p99, ${RIVALS} at once`, value: round(rawP99, 1) },
      ...judge(p99, '≤', 12_000, 'ms'),
    },
    {
      name: `offers: accepts answered/s under contention (median of ${ROUNDS} rounds)`,
      value: round(rate, 1),
      unit: 'ops/s',
      baseline: { name: `raw 5-item TransactWriteItems/s, ${RIVALS} at once, distinct keys (median)`, value: round(rawRate, 1) },
    },
    {
      name: `offers: one uncontended acceptance over HTTP (median of ${SINGLES}: 1 BatchGet of the referral and offer, the claim, 1 Query, 1 BatchGet, the transaction, idempotency and audit)`,
      value: round(median(singles), 1),
      unit: 'ms',
      baseline: { name: 'one raw 5-item TransactWriteItems (median)', value: round(median(rawSingles), 1) },
    },
  ];
}
