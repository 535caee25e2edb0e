import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { outcodeCentroid } from '../../functions/domain/geo.ts';
import { rank, toCandidate, type Candidate, type Child } from '../../functions/domain/matching.ts';
import { NEEDS_CODES, OFSTED_RATINGS, type NeedCode } from '../../schemas/codes.ts';
import { config, dynamo } from '../../functions/store/config.ts';
import { vacancyTypes } from '../../functions/store/homes.ts';
import * as keys from '../../functions/store/keys.ts';
import { searchVacancies, type SearchQuery } from '../../functions/store/search.ts';
import { SEARCH_FACTS_ATTRIBUTE } from '../../functions/store/vacancy-record.ts';
import { ENGLAND_REGISTER, loadHomesAndVacancies, prng } from './england.ts';
import { allOf, judge, percentile, round, timeMany, type BenchRow } from './harness.ts';

/**
 * The vacancy search at England scale (issue 3), on the England-scale homes and vacancies of
 * ./england.ts (every children's home in Ofsted's 2025 England register, imported with the
 * hub's own importer and posted vacant). Then, in the same run:
 * - search p50/p99 over HTTP (an authority, K2, near Chelmsford, 20 a page), beside the p99 of
 *   the raw DynamoDB Queries that read the same candidates (the floor any search stands on);
 * - ranking 15,000 candidates in process (the pure function in functions/domain/matching.ts).
 * Works against the stack the bench harness starts (process.env points the store at it).
 */

const SEARCHES = 100;
const RANKS = 500;

/** The same Queries the search makes for K2 (every shard, every page, the same projection), straight to DynamoDB. */
async function rawCandidateRead(placementType: string): Promise<number> {
  const now = new Date().toISOString();
  const counts = await Promise.all(
    Array.from({ length: keys.openVacancyShards }, async (_, shard) => {
      let n = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const out = await dynamo().send(
          new QueryCommand({
            TableName: config.tableName,
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :p AND gsi2sk > :now',
            ProjectionExpression: '#sf',
            ExpressionAttributeNames: { '#sf': SEARCH_FACTS_ATTRIBUTE },
            ExpressionAttributeValues: { ':p': keys.openVacancy(placementType, shard).gsi2pk, ':now': now },
            ExclusiveStartKey: start,
          }),
        );
        n += out.Items?.length ?? 0;
        start = out.LastEvaluatedKey;
      } while (start);
      return n;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * The DynamoDB requests one search makes, counted as they are sent: the same store function the
 * search Lambda calls, run in this process with a counting middleware on its client.
 */
async function countSearchRequests(query: SearchQuery): Promise<{ byCommand: Record<string, number>; total: number; candidates: number; reported: number }> {
  const byCommand: Record<string, number> = {};
  const client = dynamo();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      byCommand[context.commandName ?? 'unknown'] = (byCommand[context.commandName ?? 'unknown'] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCount' },
  );
  try {
    const { stats } = await searchVacancies({ kind: 'authority', id: 'essex' }, query);
    return { byCommand, total: Object.values(byCommand).reduce((a, b) => a + b, 0), candidates: stats.candidates, reported: stats.queries };
  } finally {
    client.middlewareStack.remove('benchRequestCount');
  }
}

/** 15,000 candidates with varied facts, prepared once (as the search prepares what it reads). */
function syntheticCandidates(n: number): Candidate[] {
  const rnd = prng(15000);
  const outcodes = ['CM1', 'NR1', 'IP1', 'PE1', 'LU1', 'MK40', 'SG17', 'SS1', 'RM17', 'AL1', 'CB1', 'M1', 'B1', 'LS1', 'BS1'];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const needs = (k: number) => [...new Set(Array.from({ length: k }, () => pick(NEEDS_CODES)))] as NeedCode[];
  const now = Date.now();
  return Array.from({ length: n }, (_, i) => {
    const min = Math.floor(rnd() * 12);
    const supports = needs(Math.floor(rnd() * 5));
    return toCandidate(
      `c${String(i).padStart(5, '0')}`,
      {
        ageRange: { min, max: Math.min(17, min + 4 + Math.floor(rnd() * 10)) },
        sexes: rnd() < 0.7 ? ['female', 'male'] : [pick(['female', 'male'] as const)],
        supports,
        excludes: needs(Math.floor(rnd() * 3)).filter((x) => !supports.includes(x)),
        careAlongside: rnd() < 0.3 ? 'solo' : 'group',
        ofstedRating: pick(OFSTED_RATINGS),
        outcode: rnd() < 0.8 ? pick(outcodes) : undefined,
        authority: rnd() < 0.5 ? 'essex' : undefined,
        weeklyPrice: Math.round(4000 + rnd() * 6000),
      },
      { availableFrom: `2026-0${1 + Math.floor(rnd() * 6)}-1${Math.floor(rnd() * 9)}`, confirmedAt: new Date(now - Math.floor(rnd() * 7 * 86_400_000)) },
    );
  });
}

export async function run(ctx: { baseUrl: string; keyFor(p: string): Promise<string> }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];

  // ---- search over HTTP at England scale
  const loaded = await loadHomesAndVacancies();
  if (loaded) {
    rows.push({ name: `load: import England register (${loaded.written} written, ${loaded.rows} rows)`, value: round(loaded.importMs / 1000, 1), unit: 's' });
    rows.push({ name: `load: ${loaded.vacancies} vacancies (${loaded.beds} beds) by BatchWrite`, value: round(loaded.vacancyMs / 1000, 1), unit: 's' });
    const count = loaded.vacancies;
    const key = await ctx.keyFor('authority:essex');
    const query: SearchQuery = {
      child: { age: 14, sex: 'female', needs: ['self-harm', 'going-missing'] },
      placementTypes: ['K2'],
      near: { outcode: 'CM1' },
      limit: 20,
    };
    const body = JSON.stringify(query);
    let returned = 0;
    const search = await timeMany(SEARCHES, async () => {
      const res = await fetch(`${ctx.baseUrl}/v1/vacancies/search`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body });
      const json = (await res.json()) as { items: unknown[] };
      if (res.status !== 200) throw new Error(`search answered ${res.status}`);
      returned = json.items.length;
    }, 10);
    let read = 0;
    const raw = await timeMany(SEARCHES, async () => {
      read = await rawCandidateRead('K2');
    }, 10);
    const sent = await countSearchRequests(query);
    const types = await vacancyTypes();
    const gets = (sent.byCommand.GetCommand ?? 0) + (sent.byCommand.GetItemCommand ?? 0);
    const queries = sent.byCommand.QueryCommand ?? 0;
    const scans = (sent.byCommand.ScanCommand ?? 0) + (sent.byCommand.ExecuteStatementCommand ?? 0);
    // one GetItem of the type registry, and per shard of K2 one Query page per 1 MB read. DynamoDB
    // counts the 1 MB before the projection, so a page is bounded by whole vacancy items (its
    // home snapshot included: under 2 KB each), not by the packed facts it returns
    const perShard = Math.ceil(sent.candidates / keys.openVacancyShards);
    const bound = 1 + keys.openVacancyShards * Math.max(1, Math.ceil((perShard * 2048) / (1024 * 1024)));

    rows.push({ name: `search p50 (HTTP, ${count} open K2 vacancies, ${returned} a page)`, value: round(percentile(search, 50), 1), unit: 'ms', baseline: { name: 'raw candidate Queries p50', value: round(percentile(raw, 50), 1) } });
    rows.push({ name: 'search p99 (HTTP)', value: round(percentile(search, 99), 1), unit: 'ms', baseline: { name: `raw DynamoDB Queries of the same ${read} candidates p99`, value: round(percentile(raw, 99), 1) } });
    rows.push({
      name: `DynamoDB requests a search makes, counted as sent (${gets} GetItem of the type registry + ${queries} Queries: ${keys.openVacancyShards} shards × K2, pages included; ${sent.candidates} candidates; ${types.length} types in use)`,
      value: sent.total,
      unit: 'requests',
      ...allOf(
        judge(scans, '=', 0, 'Scans'),
        judge(sent.total - gets - queries, '=', 0, 'requests but GetItem and Query'),
        judge(sent.total, '≤', bound, 'requests', '1 + a Query page a shard per 1 MB of vacancy items (≤ 2 KB each)'),
        judge(sent.total, '=', sent.reported, 'requests', "the search's own count"),
      ),
    });
  } else {
    rows.push({ name: `search at England scale skipped: ${ENGLAND_REGISTER} not present`, value: 0, unit: '' });
  }

  // ---- ranking in process
  const candidates = syntheticCandidates(15_000);
  const child: Child = { age: 14, sex: 'female', needs: ['self-harm', 'going-missing', 'semh'] };
  const near = outcodeCentroid('CM1');
  let eligible = 0;
  const times = await timeMany(RANKS, () => {
    eligible = rank({ child, near, now: Date.now() }, candidates, { limit: 20 }).eligible;
  }, 50);
  rows.push({ name: `rank 15,000 candidates p50 (${eligible} pass the hard rules)`, value: round(percentile(times, 50), 2), unit: 'ms' });
  rows.push({ name: 'rank 15,000 candidates p99', value: round(percentile(times, 99), 2), unit: 'ms', ...judge(percentile(times, 99), '≤', 5, 'ms') });
  return rows;
}
