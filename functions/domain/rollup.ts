import { createHash } from 'node:crypto';
import { MAX_GROUPS, type Rollup } from '../../schemas/spend.ts';
import { GroupResolver, type MappingIndex } from './provider-groups.ts';
import { AUTHORITY_SLUGS } from './reference/authorities.ts';
import { PLACE_CODES_BY_YEAR } from '../../schemas/codes.ts';
import { gbpOf, penceToText, STORED_ROW_FIELDS, type StoredRow } from './spend.ts';
import { suppress, THRESHOLD } from './suppression.ts';

/**
 * A period's spend, aggregated as its lines stream past — exact, in integer pence — without
 * keeping the lines: per provider identity, per placement type and per authority running sums;
 * for the distinct counts, one id per (authority, childRef) and, per child, the few distinct
 * (provider, placement type) pairs it was seen with as small integers (placements are distinct
 * (authority, childRef, provider group); children distinct (authority, childRef)). Memory grows
 * with children and provider identities, never with lines. Pure.
 */

/** Every PLACE code of any collection year, in a fixed order. */
const PLACE_CODES = [...new Set<string>(Object.values(PLACE_CODES_BY_YEAR).flat())].sort();
/**
 * PLACE codes are a capital letter and one or two digits (`K2`, `Z11`): index them by character
 * codes, with no hashing — two-character codes below 260, three-character ones above.
 */
const charsKey = (code: string): number => {
  const k = (code.charCodeAt(0) - 65) * 10 + (code.charCodeAt(1) - 48);
  return code.length === 2 ? k : 260 + k * 10 + (code.charCodeAt(2) - 48);
};
const TYPE_BY_CHARS = new Int8Array(260 + 2600).fill(-1);
PLACE_CODES.forEach((c, i) => (TYPE_BY_CHARS[charsKey(c)] = i));
function typeIndex(code: string): number {
  if (code.length !== 2 && code.length !== 3) return -1;
  const k = charsKey(code);
  return k >= 0 && k < TYPE_BY_CHARS.length ? TYPE_BY_CHARS[k]! : -1;
}
const AUTH_INDEX = new Map<string, number>(AUTHORITY_SLUGS.map((s, i) => [s, i]));

// Positions in a stored row (see STORED_ROW_FIELDS in spend.ts), as plain constants for the hot loop.
const PERIOD = 0;
const PROVIDER_NAME = 1;
const PROVIDER_URN = 2;
const COMPANY = 3;
const PROVIDER_GROUP = 4;
const PLACEMENT_TYPE = 5;
const CHILD_REF = 7;
const AMOUNT_PENCE = 10;
const POSITIONS = { period: PERIOD, providerName: PROVIDER_NAME, providerUrn: PROVIDER_URN, companiesHouseNumber: COMPANY, providerGroup: PROVIDER_GROUP, placementType: PLACEMENT_TYPE, childRef: CHILD_REF, amountPence: AMOUNT_PENCE };
for (const [field, i] of Object.entries(POSITIONS)) if (STORED_ROW_FIELDS[i] !== field) throw new Error(`stored row layout changed: ${field}`);

/** A child's (entry, type) pair packs as entry × 32 + type: entries stay below 2^20, types below 32. */
const ENTRY_SPAN = MAX_GROUPS;
const TYPE_SPAN = 32;
/**
 * Per-child state lives in one Int32Array, SLOT ints per child, so a line touches one small
 * block of memory: [latest provider entry, number of pairs (-1 once they overflow to a Set),
 * up to SLOT - 2 distinct (entry, type) pairs].
 */
const SLOT = 8;
const INLINE = SLOT - 2;

const popcount = (n: number): number => {
  let c = 0;
  for (; n; n &= n - 1) c++;
  return c;
};
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `part / whole` as a fraction rounded half away from zero to 6 places, exactly; null when whole ≤ 0. */
export function shareOf(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  const p = BigInt(part) * 2_000_000n;
  const w = BigInt(whole);
  const q = (p < 0n ? p - w : p + w) / (2n * w);
  return Number(q) / 1_000_000;
}

export interface RollupResult {
  /** What everyone sees (provider-groups.json): counts below 5 and their protectors as "c". */
  rollup: Rollup;
  /** Each authority's own exact placements, for its own byAuthority line only. */
  authorityPlacements: Record<string, number>;
  /** Exact spend in pence, for the CSV. */
  penceByGroup: Map<string, number>;
  /** How many lines of the period were counted. */
  lines: number;
}

export class RollupAggregator {
  /** A period's months are a contiguous run: a line is in it when its month lies between these. */
  private readonly firstMonth: string;
  private readonly lastMonth: string;
  private readonly resolver: GroupResolver;
  private lines = 0;
  private spend = 0;
  /** Sum of |amount|: every partial sum is exact while this stays below 2^53 pence (£90 trillion). */
  private absSpend = 0;
  private noRef = 0;
  private authMask = 0;
  private readonly spendByAuth = new Array<number>(AUTHORITY_SLUGS.length).fill(0);
  private readonly noRefByAuth = new Array<number>(AUTHORITY_SLUGS.length).fill(0);
  private readonly spendByType = new Array<number>(PLACE_CODES.length).fill(0);
  private readonly noRefByType = new Array<number>(PLACE_CODES.length).fill(0);
  private readonly linesByType = new Array<number>(PLACE_CODES.length).fill(0);
  private readonly entrySpend: number[] = [];
  private readonly entryAuth: number[] = [];
  private readonly entryNoRef: number[] = [];
  /** Per authority: childRef → child id. */
  private readonly children = AUTHORITY_SLUGS.map(() => new Map<string, number>());
  private readonly childAuth: number[] = [];
  private slab = new Int32Array(SLOT * 1024);
  /** Children with more than INLINE distinct (entry, type) pairs. */
  private readonly overflow = new Map<number, Set<number>>();
  private childCount = 0;
  private lastAuthority = '';
  private lastA = -1;
  /**
   * The child of the previous line with a childRef (and its authority): in a finance export a
   * child's invoices come together, so most lines name the child of the line before, found by
   * one string comparison instead of hashing the ref for a Map lookup.
   */
  private lastRef = '';
  private lastRefA = -1;
  private lastChild = -1;

  constructor(readonly period: string, readonly months: string[], mapping: MappingIndex) {
    this.firstMonth = months[0]!;
    this.lastMonth = months[months.length - 1]!;
    if (months.some((m, i) => i > 0 && !(m > months[i - 1]!))) throw new Error('months must be in order');
    this.resolver = new GroupResolver(mapping);
  }

  /** Counts one stored line of an authority's batch; lines outside the period's months are skipped. */
  add(authority: string, row: StoredRow): boolean {
    const month = row[PERIOD] as string;
    if (month < this.firstMonth || month > this.lastMonth) return false;
    if (authority !== this.lastAuthority) {
      this.lastA = AUTH_INDEX.get(authority) ?? -1;
      this.lastAuthority = authority;
    }
    const a = this.lastA;
    const t = typeIndex(row[PLACEMENT_TYPE] as string);
    if (a === -1 || t === -1) throw new Error(`stored line of ${authority} has an unknown authority or placement type`);
    const group = row[PROVIDER_GROUP] as string | null;
    const urn = row[PROVIDER_URN] as string | null;
    const company = row[COMPANY] as string | null;
    const name = row[PROVIDER_NAME] as string;
    const childRef = row[CHILD_REF] as string | null;
    // A child's lines mostly name the provider of its previous line: try that entry first.
    const byRef = childRef === null ? undefined : this.children[a]!;
    const child = byRef === undefined ? undefined : childRef === this.lastRef && a === this.lastRefA ? this.lastChild : byRef.get(childRef!);
    let entry: number;
    const base = child === undefined ? -1 : child * SLOT;
    if (base !== -1 && this.resolver.sameAs(this.slab[base]!, group, urn, company, name)) {
      entry = this.slab[base]!;
      this.resolver.countLine(entry);
    } else entry = this.resolver.resolve(group, urn, company, name);
    if (entry >= ENTRY_SPAN) throw new Error('more than 2^20 distinct provider identities in one period');
    const amount = row[AMOUNT_PENCE] as number;
    const bit = 1 << a;
    this.lines++;
    this.spend += amount;
    this.absSpend += amount < 0 ? -amount : amount;
    this.authMask |= bit;
    this.spendByAuth[a] = this.spendByAuth[a]! + amount;
    this.spendByType[t] = this.spendByType[t]! + amount;
    this.linesByType[t] = this.linesByType[t]! + 1;
    if (entry === this.entrySpend.length) {
      this.entrySpend.push(0);
      this.entryAuth.push(0);
      this.entryNoRef.push(0);
    }
    this.entrySpend[entry] = this.entrySpend[entry]! + amount;
    this.entryAuth[entry] = this.entryAuth[entry]! | bit;
    if (byRef === undefined) {
      this.noRef++;
      this.noRefByAuth[a] = this.noRefByAuth[a]! + 1;
      this.noRefByType[t] = this.noRefByType[t]! + 1;
      this.entryNoRef[entry] = this.entryNoRef[entry]! + 1;
      return true;
    }
    const code = entry * TYPE_SPAN + t;
    if (child === undefined) {
      const id = this.childCount++;
      byRef.set(childRef!, id);
      this.lastRef = childRef!;
      this.lastRefA = a;
      this.lastChild = id;
      this.childAuth.push(a);
      if ((id + 1) * SLOT > this.slab.length) {
        const grown = new Int32Array(this.slab.length * 2);
        grown.set(this.slab);
        this.slab = grown;
      }
      const b = id * SLOT;
      this.slab[b] = entry;
      this.slab[b + 1] = 1;
      this.slab[b + 2] = code;
      return true;
    }
    this.lastRef = childRef!;
    this.lastRefA = a;
    this.lastChild = child;
    const slab = this.slab;
    slab[base] = entry;
    const n = slab[base + 1]!;
    if (n === -1) {
      this.overflow.get(child)!.add(code);
      return true;
    }
    for (let i = 0; i < n; i++) if (slab[base + 2 + i] === code) return true;
    if (n < INLINE) {
      slab[base + 2 + n] = code;
      slab[base + 1] = n + 1;
    } else {
      const all = new Set<number>(slab.subarray(base + 2, base + 2 + n));
      all.add(code);
      this.overflow.set(child, all);
      slab[base + 1] = -1;
    }
    return true;
  }

  /** URNs whose homes the caller must look up (via the store) before `finish`. */
  urns(): string[] {
    return this.resolver.urns();
  }

  /**
   * The rollup. `homeGroups` maps each URN from `urns()` to its home's provider group (absent
   * when unknown); `generatedAt` must come from the inputs so that reruns are byte-identical.
   */
  finish(homeGroups: ReadonlyMap<string, string | undefined>, generatedAt: string): RollupResult {
    if (this.absSpend > Number.MAX_SAFE_INTEGER) throw new Error(`${this.period}: amounts too large to add exactly in pence`);
    const { groupOfEntry, groups, unresolved } = this.resolver.finish(homeGroups);
    const G = groups.length;
    const gSpend = new Array<number>(G).fill(0);
    const gAuth = new Array<number>(G).fill(0);
    const gPlacements = new Array<number>(G).fill(0);
    this.entrySpend.forEach((s, e) => {
      const g = groupOfEntry[e]!;
      gSpend[g] = gSpend[g]! + s;
      gAuth[g] = gAuth[g]! | this.entryAuth[e]!;
      gPlacements[g] = gPlacements[g]! + this.entryNoRef[e]!;
    });
    const aPlacements = [...this.noRefByAuth];
    const tPlacements = [...this.noRefByType];

    // Distinct (child, group) and (child, group, type): entries that settled into one group count once.
    let refPlacements = 0;
    for (let child = 0; child < this.childCount; child++) {
      const a = this.childAuth[child]!;
      const seenG: number[] = [];
      const seenGT: number[] = [];
      const base = child * SLOT;
      const n = this.slab[base + 1]!;
      const codes = n === -1 ? this.overflow.get(child)! : this.slab.subarray(base + 2, base + 2 + n);
      for (const code of codes) {
        const t = code % TYPE_SPAN;
        const g = groupOfEntry[(code - t) / TYPE_SPAN]!;
        if (!seenG.includes(g)) {
          seenG.push(g);
          refPlacements++;
          gPlacements[g] = gPlacements[g]! + 1;
          aPlacements[a] = aPlacements[a]! + 1;
        }
        const gt = g * TYPE_SPAN + t;
        if (!seenGT.includes(gt)) {
          seenGT.push(gt);
          tPlacements[t] = tPlacements[t]! + 1;
        }
      }
    }
    // A line without childRef is a placement of its own, but names no child: children are only
    // the distinct (authority, childRef).
    const totalPlacements = refPlacements + this.noRef;
    const totalChildren = this.childCount;

    const groupOrder = groups
      .map((g, i) => ({ i, name: g.name }))
      .sort((x, y) => gSpend[y.i]! - gSpend[x.i]! || cmp(x.name, y.name));
    const typeOrder = PLACE_CODES.map((code, t) => ({ code, t })).filter(({ t }) => this.linesByType[t]! > 0);
    const authOrder = AUTHORITY_SLUGS.map((slug, a) => ({ slug, a })).filter(({ a }) => (this.authMask & (1 << a)) !== 0);

    const { totalSuppressed, suppressed } = suppress(totalPlacements, [
      { ownersKnowOwn: false, cells: groupOrder.map(({ i, name }) => ({ value: gPlacements[i]!, lower: Math.max(1, popcount(gAuth[i]!)), order: name })) },
      { ownersKnowOwn: false, cells: typeOrder.map(({ code, t }) => ({ value: tPlacements[t]!, lower: 1, order: code })) },
      { ownersKnowOwn: true, cells: authOrder.map(({ slug, a }) => ({ value: aPlacements[a]!, lower: 1, order: slug })) },
    ]);
    const [supG, supT, supA] = suppressed as [boolean[], boolean[], boolean[]];

    const rollup: Rollup = {
      period: this.period,
      generatedAt,
      months: this.months,
      totals: {
        spend: gbpOf(this.spend),
        placements: totalSuppressed ? 'c' : totalPlacements,
        // Children are not in any list; hidden below 5, and with the placements total (which
        // they would otherwise bound).
        children: totalChildren < THRESHOLD || totalSuppressed ? 'c' : totalChildren,
        authorities: popcount(this.authMask),
        providerGroups: G,
      },
      byProviderGroup: groupOrder.map(({ i, name }, k) => ({
        group: name,
        spend: gbpOf(gSpend[i]!),
        share: shareOf(gSpend[i]!, this.spend),
        authorities: popcount(gAuth[i]!),
        placements: supG[k] ? 'c' : gPlacements[i]!,
      })),
      byPlacementType: typeOrder.map(({ code, t }, k) => ({
        placementType: code,
        spend: gbpOf(this.spendByType[t]!),
        placements: supT[k] ? 'c' : tPlacements[t]!,
      })),
      byAuthority: authOrder.map(({ slug, a }, k) => ({
        authority: slug,
        spend: gbpOf(this.spendByAuth[a]!),
        placements: supA[k] ? 'c' : aPlacements[a]!,
      })),
      unresolvedNames: unresolved,
    };
    return {
      rollup,
      authorityPlacements: Object.fromEntries(authOrder.map(({ slug, a }) => [slug, aPlacements[a]!])),
      penceByGroup: new Map(groupOrder.map(({ i, name }) => [name, gSpend[i]!])),
      lines: this.lines,
    };
  }
}

// ---------------------------------------------------------------- outputs

/** provider-groups.json: stable key order, 2-space indent, trailing newline. */
export function renderRollupJson(r: Rollup): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  // Text that Excel would run as a formula is defused; anything with a separator, quote or
  // line break is quoted (RFC 4180).
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * provider-groups.csv for Excel: UTF-8 with a BOM, CRLF, £ values as plain numbers with two
 * decimals, share as a fraction, suppressed counts as c.
 */
export function renderRollupCsv(r: Rollup, penceByGroup: ReadonlyMap<string, number>): string {
  const rows: string[] = [['period', 'group', 'spend_gbp', 'share', 'authorities', 'placements'].join(',')];
  for (const g of r.byProviderGroup) {
    rows.push([
      csvCell(r.period), csvCell(g.group), penceToText(penceByGroup.get(g.group)!), csvCell(g.share),
      csvCell(g.authorities), csvCell(g.placements),
    ].join(','));
  }
  return `\uFEFF${rows.join('\r\n')}\r\n`;
}

export const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/** The view an authority gets: the public rollup with its own byAuthority line exact. */
export function rollupFor(r: Rollup, authorityPlacements: Record<string, number>, authority?: string): Rollup {
  if (authority === undefined || authorityPlacements[authority] === undefined) return r;
  return {
    ...r,
    byAuthority: r.byAuthority.map((l) => (l.authority === authority ? { ...l, placements: authorityPlacements[authority]! } : l)),
  };
}
