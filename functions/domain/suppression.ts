/**
 * Statistical disclosure control for rollup counts (CONTRACT.md "Pooled spend"): any count of
 * children or placements below 5 is shown as "c" (primary suppression); within each list, more
 * cells are suppressed — the next smallest first — until no suppressed cell can be worked out
 * from the published cells and the total (secondary suppression); the total itself is suppressed
 * only when nothing else can protect a cell. Pure.
 *
 * The model of what a reader can work out: a list's cells add up to its total; every suppressed
 * cell is a whole number no smaller than its lower bound (1 for a listed entry, or the number of
 * authorities counted in a provider group's line, which is published); a suppressed cell is
 * "derivable" when those facts leave it only one possible value. Where readers know one cell
 * themselves (an authority knows its own line of `byAuthority`), the list must stay safe for
 * each of them with that cell known.
 */

export const THRESHOLD = 5;

export interface SuppressionCell {
  value: number;
  /** Smallest value a reader knows the cell must have (≥ 1 for any listed entry). */
  lower: number;
  /** Tie-break among equal values: the cell suppressed first is the one ordered first. */
  order: string;
}

export interface SuppressionList {
  cells: SuppressionCell[];
  /** Each cell's owner knows that cell exactly (byAuthority: an authority knows its own line). */
  ownersKnowOwn: boolean;
}

export interface SuppressionResult {
  totalSuppressed: boolean;
  /** Per list, per cell: shown as "c". */
  suppressed: boolean[][];
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** Can a reader pin a suppressed cell of this list, in the state given? */
export function listDiscloses(list: SuppressionList, suppressed: boolean[], totalKnown: boolean): boolean {
  const cells = list.cells;
  const hidden = cells.map((_, i) => i).filter((i) => suppressed[i]);
  if (!totalKnown) {
    // The total is unknown, so suppressed cells have no upper bound — as long as no reader can
    // add the list up to the total: at least one cell must stay unknown to every reader.
    const need = Math.min(cells.length, list.ownersKnowOwn ? 2 : 1);
    return hidden.length < need;
  }
  const scenarios: (number | undefined)[] = [undefined, ...(list.ownersKnowOwn ? hidden : [])];
  for (const own of scenarios) {
    const unknown = hidden.filter((i) => i !== own);
    if (unknown.length === 0) continue;
    if (unknown.length === 1) return true;
    // The unknown cells add up to the total less the known ones; each is at least its lower
    // bound, so each can move only by the slack between that sum and the bounds.
    const slack = sum(unknown.map((i) => cells[i]!.value - cells[i]!.lower));
    if (slack <= 0) return true;
  }
  return false;
}

/**
 * Suppresses cells of several lists that share one total (each list's cells sum to it, or — for
 * lists where an item can count in two lines — to at least it).
 */
export function suppress(total: number, lists: SuppressionList[]): SuppressionResult {
  let totalSuppressed = total < THRESHOLD;
  const suppressed = lists.map((l) => l.cells.map((c) => c.value < THRESHOLD));
  for (;;) {
    let changed = false;
    lists.forEach((list, li) => {
      const sup = suppressed[li]!;
      while (listDiscloses(list, sup, !totalSuppressed)) {
        let pick = -1;
        list.cells.forEach((c, i) => {
          if (sup[i]) return;
          const p = pick === -1 ? undefined : list.cells[pick]!;
          if (!p || c.value < p.value || (c.value === p.value && c.order < p.order)) pick = i;
        });
        if (pick === -1) {
          if (!totalSuppressed) {
            totalSuppressed = true;
            changed = true;
          }
          break;
        }
        sup[pick] = true;
        changed = true;
      }
    });
    if (!changed) break;
  }
  return { totalSuppressed, suppressed };
}
