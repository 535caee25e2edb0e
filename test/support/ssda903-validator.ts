import { parse } from 'csv-parse/sync';

/**
 * A small port of the open SSDA903 validator's Episodes rules on the columns the hub fills
 * (data-to-insight/csc-validator-be-903 at 10ad07c, `lac_validator/rules/<year>/rule_<code>.py`),
 * to run an export through in tests. Code lists are copied from the rule files, NOT from the
 * hub's schemas/codes.ts, so the two are checked against each other. A blank cell is pandas'
 * NA, as read_csv reads it.
 *
 * Which file each year uses follows the validator's registry: a year takes the previous year's
 * rule unless its own folder overrides it (lac2026_27/__init__.py builds on lac2025_26, and so on).
 *
 * Known defects of the validator, NOT copied:
 * - lac2024_25/rule_146.py lists `k3` in lower case, so every 2024-25 K3 episode fails there;
 *   the port lists `K3` (K3 was added in 2024-25).
 * - lac2025_26/rule_233.py reads a column DATE_EPISODE_CEASED that the Episodes table does not
 *   have, so it never fires; the port checks what it means (no REASON_PLACE_CHANGE without DEC).
 * - rule 371 (K3 under 16) skips open episodes (rule_utils.decom_before_dob drops rows with no
 *   DEC) and needs the child's date of birth, which the hub does not hold: not ported here (the
 *   hub enforces reg 27A on placing instead).
 */

export type PortedYear = '2024-25' | '2025-26' | '2026-27';
export interface Failure {
  rule: string;
  /** 0-based index of the episode row (after the header). */
  row: number;
}

const T = ['T0', 'T1', 'T2', 'T3', 'T4'];
const Z11_14 = ['Z11', 'Z12', 'Z13', 'Z14'];

/** rule_146: lac2024_25/rule_146.py (with `k3` read as `K3`); lac2025_26/rule_146.py. */
export const PLACE_146: Record<PortedYear, string[]> = {
  '2024-25': ['A3', 'A4', 'A5', 'A6', 'H5', 'K1', 'K2', 'K3', 'P1', 'P2', 'P3', 'R1', 'R2', 'R3', 'R5', 'S1', ...T, 'U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'Z1'],
  '2025-26': ['A3', 'A4', 'A5', 'A6', 'K1', 'K2', 'K3', 'P1', 'P3', 'R1', 'R2', 'R3', 'R5', 'S1', ...T, 'U1', 'U2', 'U3', 'U4', 'U5', 'U6', ...Z11_14],
  '2026-27': [],
};
PLACE_146['2026-27'] = PLACE_146['2025-26'];

/** rule_178 "no provider" list: lac2022_23/rule_178.py (T0–T4, Z1); lac2025_26/rule_178.py (T0–T3, Z11–Z14: T4 is missing there). */
const NO_PROVIDER_178: Record<PortedYear, string[]> = { '2024-25': [...T, 'Z1'], '2025-26': ['T0', 'T1', 'T2', 'T3', ...Z11_14], '2026-27': ['T0', 'T1', 'T2', 'T3', ...Z11_14] };
/** rule_213: lac2022_23/rule_213.py (T0–T4); lac2025_26/rule_213.py (T0–T4, Z11–Z14). */
const NO_PROVIDER_213: Record<PortedYear, string[]> = { '2024-25': T, '2025-26': [...T, ...Z11_14], '2026-27': [...T, ...Z11_14] };
/** rule_526: lac2022_23/rule_526.py (T0–T4, Z1); lac2025_26/rule_526.py (T0–T4, Z11–Z14). */
const NO_PROVIDER_526: Record<PortedYear, string[]> = { '2024-25': [...T, 'Z1'], '2025-26': [...T, ...Z11_14], '2026-27': [...T, ...Z11_14] };
/** rules 218 and 222: lac2024_25/rule_218.py, rule_222.py (… T4, Z1); lac2025_26/rule_218.py, rule_222.py (… T4, Z11–Z14). */
const NO_URN: Record<PortedYear, string[]> = {
  '2024-25': ['P1', 'P3', 'R1', 'R2', 'R5', ...T, 'Z1'],
  '2025-26': ['P1', 'P3', 'R1', 'R2', 'R5', ...T, ...Z11_14],
  '2026-27': ['P1', 'P3', 'R1', 'R2', 'R5', ...T, ...Z11_14],
};
/** lac2022_23/rule_149.py. */
const REC_149 = ['E11', 'E12', 'E2', 'E3', 'E4A', 'E4B', 'E13', 'E41', 'E45', 'E46', 'E47', 'E48', 'E5', 'E6', 'E7', 'E8', 'E9', 'E14', 'E15', 'E16', 'E17', 'X1'];
/** lac2022_23/rule_1009.py. */
const REASON_1009 = ['CARPL', 'CLOSE', 'ALLEG', 'STAND', 'APPRR', 'CREQB', 'CREQO', 'CHILD', 'LAREQ', 'PLACE', 'CUSTOD', 'OTHER'];
const PLACE_PROVIDER_178 = ['PR0', 'PR1', 'PR2', 'PR3', 'PR4', 'PR5'];

/** pd.to_datetime(x, format="%d/%m/%Y"): day/month/4-digit year, a real date; undefined otherwise. */
function dayOf(text: string): number | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (!m) return undefined;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? t : undefined;
}

/** Runs the ported rules over an Episodes CSV for a collection year; every failure, by rule and row. */
export function validateEpisodes(csv: string, year: PortedYear): Failure[] {
  const rows = parse(csv, { columns: true, bom: true }) as Record<string, string>[];
  const na = (v: string | undefined) => v === undefined || v === '';
  const collectionStart = Date.UTC(Number(year.slice(0, 4)), 3, 1);
  const failures: Failure[] = [];
  const fail = (rule: string, row: number) => failures.push({ rule, row });

  rows.forEach((r, i) => {
    const place = r.PLACE ?? '';
    const provider = r.PLACE_PROVIDER;
    if (!na(r.DECOM) && dayOf(r.DECOM!) === undefined) fail('141', i);
    if (!na(place) && !PLACE_146[year].includes(place)) fail('146', i);
    if (!na(r.DEC) && dayOf(r.DEC!) === undefined) fail('147', i);
    if (na(r.DEC) !== na(r.REC)) fail('148', i);
    if (!na(r.REC) && !REC_149.includes(r.REC!)) fail('149', i);
    // 178: a provider given must be a valid code and not for a type with no provider
    if (!na(provider) && !(PLACE_PROVIDER_178.includes(provider!) && !NO_PROVIDER_178[year].includes(place))) fail('178', i);
    if (NO_PROVIDER_213[year].includes(place) && !na(provider)) fail('213', i);
    // 218: URN required unless exempt or out of England (PL_LA, not filled by the hub: NA), for episodes ending on or after the collection start
    const dec = na(r.DEC) ? undefined : dayOf(r.DEC!);
    const endsAfterStart = na(r.DEC) || (dec !== undefined && dec >= collectionStart);
    if (endsAfterStart && na(r.URN) && !NO_URN[year].includes(place)) fail('218', i);
    if (NO_URN[year].includes(place) && !na(r.URN) && r.URN !== 'XXXXXXX') fail('222', i);
    if (!NO_PROVIDER_526[year].includes(place) && na(provider)) fail('526', i);
    if (!na(r.REASON_PLACE_CHANGE) && !REASON_1009.includes(r.REASON_PLACE_CHANGE!)) fail('1009', i);
    if (na(r.DEC) && !na(r.REASON_PLACE_CHANGE)) fail('233', i); // what lac2025_26/rule_233.py means
  });

  // 142 (lac2022_23/rule_142.py): every episode but a child's last (by DECOM) has DEC and REC.
  // 226 (lac2022_23/rule_226.py; lac2025_26/rule_226.py, the same test): a temporary placement,
  // and the episode before it, give no REASON_PLACE_CHANGE.
  const byChild = new Map<string, number[]>();
  rows.forEach((r, i) => byChild.set(r.CHILD ?? '', [...(byChild.get(r.CHILD ?? '') ?? []), i]));
  for (const idx of byChild.values()) {
    const ordered = [...idx].sort((a, b) => (dayOf(rows[a]!.DECOM ?? '') ?? 0) - (dayOf(rows[b]!.DECOM ?? '') ?? 0));
    ordered.slice(0, -1).forEach((i) => {
      if (na(rows[i]!.DEC) || na(rows[i]!.REC)) fail('142', i);
    });
    ordered.forEach((i, k) => {
      const previous = k > 0 ? rows[ordered[k - 1]!]! : undefined;
      if (T.includes(rows[i]!.PLACE ?? '') && (!na(rows[i]!.REASON_PLACE_CHANGE) || (previous && !na(previous.REASON_PLACE_CHANGE)))) fail('226', i);
    });
  }
  return failures.sort((a, b) => a.row - b.row || (a.rule < b.rule ? -1 : 1));
}
