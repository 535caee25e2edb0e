import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { newPlacement, episodeSourceOf, type Placement } from '../../functions/domain/placement-record.ts';
import { episodeRows, episodesCsv } from '../../functions/domain/ssda903.ts';
import { config, dynamo } from '../../functions/store/config.ts';
import { placementRecords } from '../../functions/store/placement-record.ts';
import { allPlacements, newNoticeId, newPlacementId } from '../../functions/store/placements.ts';
import { judge, median, round, type BenchContext, type BenchRow } from './harness.ts';

/**
 * The SSDA903 export (GET /v1/placements/ssda903) of 5,000 placements of one authority, over
 * HTTP end to end, beside the time to read those 5,000 placements from the same DynamoDB Local
 * in the same run (the full partition Query the export makes, in this process). The export may
 * cost at most half as much again as the read it is built on: mapping, sorting and writing the
 * CSV, the Lambda edge and the HTTP hop together stay under the read's own time.
 */

const AUTHORITY = 'cambridgeshire' as const;
const COUNT = 5_000;
const RUNS = 5;
const YEAR = '2025-26';

/** Placements of many children over two collection years: most open, some ended (X1 and E11), homes in and out of area. */
function placementsFor(n: number): Placement[] {
  const hosts = [
    { outcode: 'CB1', localAuthority: 'E10000003', postcode: 'CB1 1AA' },
    { outcode: 'PE1', localAuthority: 'E06000031', postcode: 'PE1 1AA' },
    { outcode: 'SW1A' },
  ];
  const at = new Date('2025-04-01T09:00:00Z');
  return Array.from({ length: n }, (_, i) => {
    const now = new Date(at.getTime() + i * 60_000);
    const start = new Date(Date.UTC(2025, 3, 1) + (i % 700) * 86_400_000).toISOString().slice(0, 10);
    const p = newPlacement({
      id: newPlacementId(AUTHORITY, now.getTime()),
      noticeId: newNoticeId(now.getTime()),
      authority: AUTHORITY,
      child: { childRef: `CAM-${String(i % 3_000).padStart(5, '0')}`, age: 8 + (i % 10), sex: i % 2 ? 'male' : 'female', needs: ['semh'], homeOutcode: 'CB2', urgency: 'planned' },
      home: { urn: `SC${String(100_000 + (i % 400)).padStart(6, '0')}`, name: `Bench Home ${i % 400}`, owner: `provider:bench-${i % 20}`, provider: { id: `bench-${i % 20}`, name: `Bench ${i % 20}` }, placementType: 'K2', sector: 'private', ...hosts[i % hosts.length]! },
      startDate: start,
      weeklyCost: 4000 + (i % 50) * 100,
      by: { principal: `authority:${AUTHORITY}` },
      now,
    });
    if (i % 4 !== 0) return p;
    const end = new Date(Date.parse(start) + 30 * 86_400_000).toISOString().slice(0, 10);
    return { ...p, status: 'ended', endDate: end, reasonEpisodeCeased: i % 8 === 0 ? 'X1' : 'E11', ...(i % 8 === 0 ? { reasonPlaceChange: 'CARPL' as const } : {}) };
  });
}

async function seed(placements: Placement[]): Promise<void> {
  const items = placements.flatMap((p) => placementRecords(p));
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < chunks.length) {
        let requests = chunks[next++]!.map((Item) => ({ PutRequest: { Item } }));
        while (requests.length) {
          const out = await dynamo().send(new BatchWriteCommand({ RequestItems: { [config.tableName]: requests } }));
          requests = (out.UnprocessedItems?.[config.tableName] ?? []) as typeof requests;
        }
      }
    }),
  );
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const t0 = performance.now();
  await seed(placementsFor(COUNT));
  const seedMs = performance.now() - t0;
  const key = await ctx.keyFor(`authority:${AUTHORITY}`);

  const readMs: number[] = [];
  const buildMs: number[] = [];
  const exportMs: number[] = [];
  let rows = 0;
  let read: Placement[] = [];
  for (let r = 0; r < RUNS + 1; r++) {
    let t = performance.now();
    read = await allPlacements(AUTHORITY, { today: '2026-12-03' });
    const tRead = performance.now() - t;
    t = performance.now();
    const csv = episodesCsv(episodeRows(read.map(episodeSourceOf), YEAR));
    const tBuild = performance.now() - t;
    t = performance.now();
    const res = await fetch(new URL(`/v1/placements/ssda903?year=${YEAR}`, ctx.baseUrl), { headers: { 'x-api-key': key } });
    const text = await res.text();
    const tExport = performance.now() - t;
    if (res.status !== 200) throw new Error(`export: ${res.status} ${text.slice(0, 200)}`);
    if (text !== csv) throw new Error('the HTTP export differs from the rows built from the read');
    rows = text.split('\n').length - 2;
    if (r === 0) continue; // warm-up: the Lambda's cold start and DynamoDB Local's first scan
    readMs.push(tRead);
    buildMs.push(tBuild);
    exportMs.push(tExport);
  }
  if (read.length !== COUNT) throw new Error(`read ${read.length} placements, not ${COUNT}`);

  const readP50 = round(median(readMs), 1);
  const exportP50 = round(median(exportMs), 1);
  return [
    { name: `seed: ${COUNT} placements (${AUTHORITY}), batch writes`, value: round(seedMs / 1000, 1), unit: 's' },
    {
      name: `SSDA903 export ${YEAR} of ${COUNT} placements (${rows} episode rows) over HTTP, median of ${RUNS}`,
      value: exportP50,
      unit: 'ms',
      baseline: { name: `read of the ${COUNT} placements (partition Query), median`, value: readP50 },
      ...judge(exportP50, '≤', round(1.5 * readP50, 1), 'ms', '1.5× the read'),
    },
    { name: `episode rows + CSV of ${COUNT} placements in process (pure), median`, value: round(median(buildMs), 1), unit: 'ms', ...judge(median(buildMs), '≤', 250, 'ms') },
  ];
}
