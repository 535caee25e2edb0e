import { notFound } from '../domain/errors.ts';
import type { Principal } from '../domain/principal.ts';
import { rollupFor } from '../domain/rollup.ts';
import { getObjectText } from '../store/objects.ts';
import { publishedRollup, readManifest, ROLLUP_FILES } from '../store/rollups.ts';
import type { Caller } from './caller.ts';

type Either = Caller<Extract<Principal, { kind: 'authority' | 'programme-office' }>>;

/** GET /v1/rollups/{period}: the published rollup (small counts as "c"); an authority sees its own placements count. */
export async function rollup(c: Either, period: string) {
  const found = await publishedRollup(period);
  return rollupFor(found.rollup, found.authorityPlacements, c.principal.kind === 'authority' ? c.principal.id : undefined);
}

/** The period's published provider-groups.csv (the run's immutable copy the manifest names), under the rollup's rule. */
export async function rollupCsv(_c: Either, period: string): Promise<string> {
  const o = (await readManifest(period))?.objects.find((x) => x.name === ROLLUP_FILES.csv);
  const text = o ? await getObjectText(o.runKey) : undefined;
  if (text === undefined) throw notFound(`${period} has not been rolled up.`);
  return text;
}
