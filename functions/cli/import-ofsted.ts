import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import type { HomeItem, ProviderRef } from '../domain/homes.ts';
import { interpretRow, mergeOfstedHome, parseRegister, registerDate, type OfstedHeader, type OfstedHome } from '../domain/ofsted.ts';
import { getHomes, putProviderProfiles, refreshVacancySnapshots, writeHomesVersioned, writeHomeVersioned } from '../store/homes.ts';

/**
 * `hub import-ofsted FILE [--region "East of England"]`: loads Ofsted's provider-level register
 * as published into homes. Idempotent: a row whose home already says what the row says is
 * skipped as unchanged; facts the owner keeps (ages, sexes, needs, price, sharing, its own
 * outcode and name where Ofsted withholds them) survive a re-import.
 */

export interface Summary {
  file: string;
  /** The date the register stands at, from its title. */
  asAt?: string;
  encoding: 'utf-8' | 'windows-1252';
  /** Data rows read (below the header). */
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  /** Why rows were skipped, with counts. */
  reasons: Record<string, number>;
  /** Provider organisations seen among the imported homes. */
  providers: number;
  /** In-house homes of the region's authorities among them. */
  inHouse: number;
  seconds: number;
}

const WRITE_CONCURRENCY = 4;

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const comparable = (h: HomeItem) => {
  const { version: _v, updatedAt: _u, ...rest } = h;
  return stable(rest);
};

/** An Ofsted provider-level CSV as published, decoded and parsed: its rows and where its header is. */
export async function readRegister(file: string): Promise<{ encoding: ReturnType<typeof parseRegister>['encoding']; rows: string[][]; header: OfstedHeader }> {
  const { encoding, rows, header } = parseRegister(await readFile(file));
  if (!header) throw new Error(`${basename(file)}: no header row naming URN and Provision type in the first 20 rows; is this Ofsted's provider-level file?`);
  if (header.columns.urn === undefined || header.columns.provisionType === undefined) throw new Error(`${basename(file)}: header lacks URN or Provision type`);
  return { encoding, rows, header };
}

export async function importOfsted(file: string, opts: { region?: string; progress?: boolean } = {}): Promise<Summary> {
  const started = performance.now();
  const { encoding, rows, header } = await readRegister(file);

  const asAt = registerDate(rows, header.row);
  const reasons: Record<string, number> = {};
  const skip = (reason: string) => (reasons[reason] = (reasons[reason] ?? 0) + 1);
  const data = rows.slice(header.row + 1).filter((r) => r.some((c) => c.trim() !== ''));
  const homes = new Map<string, OfstedHome>();
  for (const row of data) {
    const out = interpretRow(row, header, { region: opts.region });
    if (out.kind === 'skip') skip(out.reason);
    else if (homes.has(out.home.urn)) skip('URN repeated in the file');
    else homes.set(out.home.urn, out.home);
  }

  const showBar = opts.progress ?? process.stdout.isTTY === true;
  const bar = showBar
    ? new cliProgress.SingleBar({ format: 'importing homes [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left', hideCursor: true, stream: process.stdout }, cliProgress.Presets.shades_classic)
    : undefined;
  bar?.start(homes.size, 0);

  const profiles = new Map<string, ProviderRef>();
  let created = 0;
  let updated = 0;
  let inHouse = 0;
  const queue = [...homes.values()];
  for (const row of queue) {
    if (row.owner.kind === 'provider') profiles.set(row.owner.id, { id: row.owner.id, name: row.owner.name, group: row.owner.group });
    else inHouse++;
  }
  await putProviderProfiles([...profiles.values()]);

  // Versioned writes, 100 homes a transaction; a chunk that loses a race is retried home by home.
  const existing = await getHomes(queue.map((h) => h.urn));
  const chunks: OfstedHome[][] = [];
  for (let i = 0; i < queue.length; i += 100) chunks.push(queue.slice(i, i + 100));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      const now = new Date().toISOString();
      const writes: { home: HomeItem; expected: number | undefined; row: OfstedHome }[] = [];
      for (const row of chunk) {
        const current = existing.get(row.urn);
        const merged = mergeOfstedHome(row, current, now, asAt);
        if (merged.kind === 'skip') skip(merged.reason);
        else if (current && comparable(merged.home) === comparable(current)) skip('unchanged since the last import');
        else writes.push({ home: merged.home, expected: current?.version, row });
      }
      const accepted = await writeHomesVersioned(writes);
      for (let i = 0; i < writes.length; i++) {
        const { home, expected, row } = writes[i]!;
        let ok = accepted[i]!;
        let wrote = home;
        let was = expected;
        let unchanged = false;
        let refused: string | undefined;
        for (let attempt = 0; !ok && attempt < 3; attempt++) {
          const fresh = (await getHomes([row.urn])).get(row.urn);
          const merged = mergeOfstedHome(row, fresh, new Date().toISOString(), asAt);
          if (merged.kind === 'skip') {
            refused = merged.reason;
            break;
          }
          wrote = merged.home;
          was = fresh?.version;
          if (fresh && comparable(wrote) === comparable(fresh)) {
            unchanged = true;
            break;
          }
          ok = await writeHomeVersioned(wrote, was);
        }
        if (refused || unchanged || !ok) {
          skip(refused ?? (unchanged ? 'unchanged since the last import' : 'changed by another writer during the import; run it again'));
          continue;
        }
        if (was === undefined) created++;
        else {
          updated++;
          await refreshVacancySnapshots(wrote);
        }
      }
      bar?.increment(chunk.length);
    }
  };
  await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));
  bar?.stop();

  const summary: Summary = {
    file: basename(file),
    asAt,
    encoding,
    rows: data.length,
    created,
    updated,
    skipped: Object.values(reasons).reduce((a, b) => a + b, 0),
    reasons,
    providers: profiles.size,
    inHouse,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  printSummary(summary, opts.region);
  return summary;
}

function printSummary(s: Summary, region: string | undefined): void {
  console.log(`${s.file} (${s.asAt ? `as at ${s.asAt}, ` : ''}${s.encoding}${region ? `, ${region} only` : ''}): ${s.rows} rows in ${s.seconds} s`);
  console.log(`  created ${s.created}, updated ${s.updated}, skipped ${s.skipped}`);
  console.log(`  ${s.providers} provider organisations; ${s.inHouse} in-house homes of the region's authorities`);
  for (const [reason, n] of Object.entries(s.reasons).sort((a, b) => b[1] - a[1])) console.log(`  skipped ${String(n).padStart(5)}  ${reason}`);
}
