import type { Readable } from 'node:stream';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from './ddb.ts';
import { addressed, rollupAudience } from '../domain/events.ts';
import { AUTHORITY_SLUGS } from '../domain/reference/authorities.ts';
import type { Rollup } from '../../schemas/spend.ts';
import { notFound } from '../domain/errors.ts';
import { RollupAggregator, renderRollupCsv, renderRollupJson, sha256 } from '../domain/rollup.ts';
import { monthsOf, periodStart, requirePeriodStarted, type StoredRow } from '../domain/spend.ts';
import { batchGet } from './batch-get.ts';
import { config, dynamo } from './config.ts';
import { eventPuts } from './events.ts';
import { newId } from './ids.ts';
import { deleteObjects, getObjectText, openObject, putObject } from './objects.ts';
import type { HomeItem } from './homes.ts';
import * as keys from './keys.ts';
import { loadMapping } from './provider-groups.ts';
import { BatchVanished, monthBatches, monthsChangedAt, streamBatchRows, type MonthBatchRef } from './spend.ts';

/**
 * Rollups: stream a period's batches from S3 through the aggregator, then publish
 * `rollups/<period>/provider-groups.json`, `provider-groups.csv` and — last — `manifest.json`.
 *
 * Crash safety: each run first writes its objects under `rollups/<period>/runs/<runId>/` (runId
 * is a hash of the content, so a rerun on the same inputs writes the same keys and bytes), then
 * the published copies, then the manifest, which is the commit point: it names the run and each
 * object's SHA-256. `GET /v1/rollups/{period}` reads through the manifest to the run's immutable
 * objects, so a crash at any step leaves the previous complete rollup in force.
 */

export const ROLLUP_FILES = {
  json: 'provider-groups.json',
  csv: 'provider-groups.csv',
  /** Each authority's exact own placements (never published; read for that authority's own line). */
  exact: 'authority-lines.json',
  manifest: 'manifest.json',
} as const;

export interface ManifestObject {
  name: string;
  /** Where the published copy lives (null for a run-only object). */
  key: string | null;
  /** The run's immutable copy, which readers use. */
  runKey: string;
  sha256: string;
  bytes: number;
  contentType: string;
}

export interface Manifest {
  format: 'commission-east/rollup-manifest/1';
  period: string;
  generatedAt: string;
  runId: string;
  months: string[];
  batches: number;
  lines: number;
  objects: ManifestObject[];
}

/** Thrown only when the run was asked to skip a period no spend was ever posted for (`skipEmpty`). */
export class NoSpendForPeriod extends Error {}

export interface RunProgress {
  /** Lines of the period streamed so far, of `total`. */
  onProgress?: (done: number, total: number) => void;
  /** Objects fetched ahead while one is being aggregated. */
  prefetch?: number;
  /** Called after the run's objects and published copies are written, before the manifest (tests simulate a crash here). */
  beforeManifest?: () => Promise<void>;
  /** Throw NoSpendForPeriod rather than write an empty rollup when no spend was ever posted for the period (the nightly job). */
  skipEmpty?: boolean;
  /** The clock (tests): a period that has not started by then is refused (422), never published. */
  now?: Date;
}

interface PeriodInputs {
  months: string[];
  batches: MonthBatchRef[];
  totalLines: number;
  changedAt?: string;
}

async function periodInputs(period: string): Promise<PeriodInputs> {
  const months = monthsOf(period);
  const [perMonth, changed] = await Promise.all([Promise.all(months.map((m) => monthBatches(m))), monthsChangedAt(months)]);
  const byBatch = new Map<string, MonthBatchRef>();
  let totalLines = 0;
  for (const refs of perMonth) {
    for (const r of refs) {
      totalLines += r.lines;
      byBatch.set(`${r.authority}/${r.batchId}`, r);
    }
  }
  const batches = [...byBatch.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  const changedAt = [...changed.values()].sort().at(-1);
  return { months, batches, totalLines, ...(changedAt ? { changedAt } : {}) };
}

/**
 * Streams every stored row of the period's batches, in a fixed order (authority, batch id), with
 * up to `prefetch` objects' responses opened ahead. Rows of other months are passed too (a batch
 * may span months); the consumer filters. Used by the rollup and, alone, by the benchmark's
 * read-and-parse baseline.
 */
export async function streamPeriodRows(
  batches: MonthBatchRef[],
  onRow: (authority: string, row: StoredRow) => void,
  prefetch = 4,
  onBatch?: () => void,
): Promise<void> {
  const opened: Promise<Readable>[] = [];
  const open = (i: number) => {
    if (i < batches.length && opened[i] === undefined) {
      opened[i] = openObject(batches[i]!.linesKey);
      opened[i]!.catch(() => undefined); // surfaced when awaited in order
    }
  };
  for (let i = 0; i < Math.min(prefetch, batches.length); i++) open(i);
  for (let i = 0; i < batches.length; i++) {
    open(i + prefetch);
    const b = batches[i]!;
    await streamBatchRows(b.linesKey, (row) => onRow(b.authority, row), opened[i]);
    delete opened[i];
    onBatch?.();
  }
}

/** The provider group of each home named by URN (undefined when unknown), and the newest home change. */
async function homeGroups(urns: string[]): Promise<{ groups: Map<string, string | undefined>; updatedAt?: string }> {
  const groups = new Map<string, string | undefined>(urns.map((u) => [u, undefined]));
  let updatedAt: string | undefined;
  for (const item of (await batchGet(urns.map((u) => keys.home(u)))) as unknown as HomeItem[]) {
    const g = item.provider?.group?.trim();
    groups.set(item.urn, g ? g : undefined);
    if (item.updatedAt) {
      const t = new Date(item.updatedAt).toISOString();
      if (!updatedAt || t > updatedAt) updatedAt = t;
    }
  }
  return { groups, ...(updatedAt ? { updatedAt } : {}) };
}

export async function readManifest(period: string): Promise<Manifest | undefined> {
  const text = await getObjectText(keys.rollupObject(period, ROLLUP_FILES.manifest));
  return text === undefined ? undefined : (JSON.parse(text) as Manifest);
}

export interface RollupRun {
  period: string;
  generatedAt: string;
  objects: { key: string; sha256: string; bytes: number }[];
  batches: number;
  lines: number;
  rollup: Rollup;
}

/**
 * Rolls up a period: streams its batches, aggregates exactly, writes the objects and commits the
 * manifest. Same inputs (batches, homes, mapping) → byte-identical objects.
 */
export async function runRollup(period: string, opts: RunProgress = {}): Promise<RollupRun> {
  requirePeriodStarted(period, opts.now);
  for (let attempt = 0; ; attempt++) {
    try {
      return await runOnce(period, opts);
    } catch (e) {
      // A batch deleted while we streamed it: its index entry is gone too, so start again.
      if (!(e instanceof BatchVanished) || attempt >= 3) throw e;
    }
  }
}

async function runOnce(period: string, opts: RunProgress): Promise<RollupRun> {
  // The index, the mapping and the previous manifest are read together.
  const previousManifest = readManifest(period);
  previousManifest.catch(() => undefined);
  const [inputs, mapping] = await Promise.all([periodInputs(period), loadMapping()]);
  if (inputs.changedAt === undefined && opts.skipEmpty) throw new NoSpendForPeriod(period);
  const agg = new RollupAggregator(period, inputs.months, mapping.index);
  let done = 0;
  const tick = Math.max(1, Math.floor(inputs.totalLines / 200));
  opts.onProgress?.(0, inputs.totalLines);
  await streamPeriodRows(inputs.batches, (authority, row) => {
    if (agg.add(authority, row) && ++done % tick === 0) opts.onProgress?.(done, inputs.totalLines);
  }, opts.prefetch ?? 4);
  opts.onProgress?.(done, inputs.totalLines);
  const homes = await homeGroups(agg.urns());
  // From the inputs, never the clock. A period no spend was ever posted for rolls up empty (its
  // content depends on nothing), dated at the period's first instant.
  const generatedAt = inputs.changedAt === undefined
    ? periodStart(period)
    : [inputs.changedAt, mapping.updatedAt, homes.updatedAt].filter((t): t is string => !!t).sort().at(-1)!;
  const result = agg.finish(homes.groups, generatedAt);

  const json = renderRollupJson(result.rollup);
  const csv = renderRollupCsv(result.rollup, result.penceByGroup);
  const exact = `${JSON.stringify({ period, generatedAt, byAuthority: result.authorityPlacements }, null, 2)}\n`;
  const runId = sha256(`${sha256(json)}\n${sha256(csv)}\n${sha256(exact)}`).slice(0, 16);
  const files = [
    { name: ROLLUP_FILES.json, body: json, contentType: 'application/json', published: true },
    { name: ROLLUP_FILES.csv, body: csv, contentType: 'text/csv; charset=utf-8', published: true },
    { name: ROLLUP_FILES.exact, body: exact, contentType: 'application/json', published: false },
  ];
  const objects: ManifestObject[] = files.map((f) => ({
    name: f.name,
    key: f.published ? keys.rollupObject(period, f.name) : null,
    runKey: keys.rollupRunObject(period, runId, f.name),
    sha256: sha256(f.body),
    bytes: Buffer.byteLength(f.body),
    contentType: f.contentType,
  }));
  const manifest: Manifest = {
    format: 'commission-east/rollup-manifest/1',
    period,
    generatedAt,
    runId,
    months: inputs.months,
    batches: inputs.batches.length,
    lines: result.lines,
    objects,
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  const previous = await previousManifest;
  if (previous && previous.generatedAt > generatedAt) {
    // A run over newer inputs has committed meanwhile: it stands.
    return runFromManifest(previous, result.rollup, inputs.batches.length, result.lines);
  }
  // The run's immutable objects and the published copies, then — only once all are in — the
  // manifest that commits them.
  await Promise.all([
    ...files.map((f, i) => putObject(objects[i]!.runKey, f.body, f.contentType)),
    ...files.filter((f) => f.published).map((f) => putObject(keys.rollupObject(period, f.name), f.body, f.contentType)),
  ]);
  await opts.beforeManifest?.();
  await putObject(keys.rollupObject(period, ROLLUP_FILES.manifest), manifestText, 'application/json');

  await announce(period, runId);

  if (previous && previous.runId !== runId) {
    // an orphaned old run is harmless: the manifest no longer names it
    await deleteObjects(previous.objects.map((o) => o.runKey)).catch(() => undefined);
  }
  return {
    period,
    generatedAt,
    objects: [
      ...objects.filter((o) => o.key !== null).map((o) => ({ key: o.key!, sha256: o.sha256, bytes: o.bytes })),
      { key: keys.rollupObject(period, ROLLUP_FILES.manifest), sha256: sha256(manifestText), bytes: Buffer.byteLength(manifestText) },
    ],
    batches: manifest.batches,
    lines: manifest.lines,
    rollup: result.rollup,
  };
}

/**
 * `rollup.published` to everyone who may read a rollup (domain/events.ts rollupAudience: the 11
 * authorities and the programme office), once per period and run. A rollup commits in S3 (its
 * manifest), which no DynamoDB transaction can include, so the events follow the commit in one
 * transaction with a write-once marker of the run: a re-run over unchanged inputs (the same run
 * id) announces nothing again, and a crash between the manifest and this write is made good by
 * the next run of the period, which finds the same run unannounced.
 */
async function announce(period: string, runId: string): Promise<void> {
  try {
    await dynamo().send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: config.tableName, Item: { ...keys.rollupPublished(period, runId), type: 'rollupPublished' }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ...eventPuts(addressed('rollup.published', period, rollupAudience(AUTHORITY_SLUGS), new Date(), () => newId())),
      ],
    }));
  } catch (e) {
    if (!(e instanceof TransactionCanceledException && e.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed')) throw e;
  }
}

function runFromManifest(m: Manifest, rollup: Rollup, batches: number, lines: number): RollupRun {
  return {
    period: m.period,
    generatedAt: m.generatedAt,
    objects: m.objects.filter((o) => o.key !== null).map((o) => ({ key: o.key!, sha256: o.sha256, bytes: o.bytes })),
    batches,
    lines,
    rollup,
  };
}

export class RollupCorrupt extends Error {}

/** A committed rollup; 404 for a period never rolled up. */
export async function publishedRollup(period: string): Promise<{ rollup: Rollup; authorityPlacements: Record<string, number> }> {
  const found = await readRollup(period);
  if (!found) throw notFound(`${period} has not been rolled up.`);
  return found;
}

/** A committed rollup, read through its manifest (undefined when the period was never rolled up). */
export async function readRollup(period: string): Promise<{ rollup: Rollup; authorityPlacements: Record<string, number> } | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const manifest = await readManifest(period);
    if (!manifest) return undefined;
    const get = async (name: string) => {
      const o = manifest.objects.find((x) => x.name === name);
      if (!o) throw new RollupCorrupt(`manifest of ${period} names no ${name}`);
      const text = await getObjectText(o.runKey);
      if (text === undefined) return undefined;
      if (sha256(text) !== o.sha256) throw new RollupCorrupt(`${o.runKey} does not match its manifest`);
      return text;
    };
    const [json, exact] = await Promise.all([get(ROLLUP_FILES.json), get(ROLLUP_FILES.exact)]);
    // A newer run replaced this one between our reads: read the new manifest.
    if (json === undefined || exact === undefined) continue;
    return {
      rollup: JSON.parse(json) as Rollup,
      authorityPlacements: (JSON.parse(exact) as { byAuthority: Record<string, number> }).byAuthority,
    };
  }
  throw new RollupCorrupt(`the objects of ${period}'s manifest kept changing`);
}
