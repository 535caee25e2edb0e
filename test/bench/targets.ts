/**
 * Bench targets, judged from the measurement. A row's `target` text and its verdict `ok` come
 * from one call (`judge`), never written by hand, and `npm run bench` (./run.ts) exits non-zero
 * when any target is missed or was left unjudged (`missedTargets`).
 *
 * `BENCH_TARGET_SCALE` (default 1) scales every limit judged here: below 1 tightens them all
 * (0.001: every timing and size target is missed, to see a red run), above 1 loosens them (a
 * slow machine). Targets that are counts of outcomes (`=`) are never scaled.
 */
export type Op = '≤' | '<' | '≥' | '>' | '=';

export interface Verdict {
  target: string;
  ok: boolean;
}

export function targetScale(env: Record<string, string | undefined> = process.env): number {
  const raw = env.BENCH_TARGET_SCALE;
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`BENCH_TARGET_SCALE must be a positive number, not ${JSON.stringify(raw)}`);
  return scale;
}

const figure = (x: number) => (Number.isInteger(x) ? x.toLocaleString('en-GB') : x.toLocaleString('en-GB', { maximumFractionDigits: 2 }));

/**
 * The verdict on `value` against `limit`: e.g. `judge(p99, '≤', 5, 'ms')` → `{ target: '≤ 5 ms',
 * ok: p99 <= 5 }`. `what` names a limit computed from another measurement (`'1.5× read + parse'`);
 * the figure it came to is shown beside it.
 */
export function judge(value: number, op: Op, limit: number, unit = '', what?: string, scale = targetScale()): Verdict {
  const scaled = op === '=' ? limit : op === '≥' || op === '>' ? limit / scale : limit * scale;
  const ok =
    Number.isFinite(value) &&
    (op === '≤' ? value <= scaled : op === '<' ? value < scaled : op === '≥' ? value >= scaled : op === '>' ? value > scaled : value === scaled);
  const amount = `${figure(scaled)}${unit ? ` ${unit}` : ''}`;
  const tightened = scale !== 1 && op !== '=' ? ` (scaled ×${scale})` : '';
  return { target: what ? `${op} ${what} (${amount})${tightened}` : `${op} ${amount}${tightened}`, ok };
}

/** Every verdict must hold: the first that fails is the row's verdict, their texts joined. */
export function allOf(...verdicts: Verdict[]): Verdict {
  return { target: verdicts.map((v) => v.target).join('; '), ok: verdicts.every((v) => v.ok) };
}

export interface JudgedRow {
  name: string;
  value: number;
  unit: string;
  target?: string;
  ok?: boolean;
}

export interface Miss {
  bench: string;
  figure: string;
  value: string;
  target: string;
  /** `missed`: judged and not met; `unjudged`: a target with no verdict (a bench bug, counted as a miss). */
  why: 'missed' | 'unjudged';
}

/** The rows whose target is not met, or that state a target without judging it. */
export function missedTargets(results: readonly { bench: string; rows: readonly JudgedRow[] }[]): Miss[] {
  return results.flatMap((r) =>
    r.rows
      .filter((row) => (row.target !== undefined && row.ok !== true) || row.ok === false)
      .map((row) => ({
        bench: r.bench,
        figure: row.name,
        value: `${row.value} ${row.unit}`.trim(),
        target: row.target ?? '(none stated)',
        why: row.ok === undefined ? ('unjudged' as const) : ('missed' as const),
      })),
  );
}
