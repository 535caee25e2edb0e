import type { ProviderGroupMappingEntry } from './reference/provider-groups.ts';

/**
 * Which provider group a spend line belongs to, in the contract's order: an explicit group; else
 * the group of the home its URN names; else its Companies House number; else its normalised
 * name (legal suffixes, case, punctuation and "t/a" trading names ignored). The programme
 * office's mapping merges brands, subsidiaries and company numbers into groups. Pure: homes are
 * looked up by the caller, once per URN, and handed to `finish`.
 */

export { normaliseName } from '../../schemas/codes.ts';
import { normaliseName } from '../../schemas/codes.ts';

const TRADING_AS = /\s*[(,]?\s*\b(?:t\s*\/\s*a|t\.a\.|trading\s+as|trading\s+under\s+the\s+name(?:\s+of)?)\s+/i;

/** `Acme Holdings Ltd t/a Sunrise Homes` → legal `Acme Holdings Ltd`, trading `Sunrise Homes`. */
export function splitTradingName(name: string): { legal: string; trading?: string } {
  const m = TRADING_AS.exec(name);
  if (!m || m.index === 0) return { legal: name.trim() };
  const legal = name.slice(0, m.index).trim();
  const trading = name.slice(m.index + m[0].length).replace(/[)\s.,]+$/, '').trim();
  return trading ? { legal, trading } : { legal };
}

// ---------------------------------------------------------------- the mapping

export interface MappingIndex {
  /** normalised alias (or group name) → group */
  byName: Map<string, string>;
  /** Companies House number → group */
  byCompany: Map<string, string>;
}

/** The file's entries with the hub's on top: a hub entry for a group replaces the file's entry for it. */
export function mergeMappings(file: readonly ProviderGroupMappingEntry[], hub: readonly ProviderGroupMappingEntry[]): ProviderGroupMappingEntry[] {
  const byGroup = new Map<string, ProviderGroupMappingEntry>();
  for (const e of [...file, ...hub]) byGroup.set(normaliseName(e.group), e);
  return [...byGroup.values()].sort((a, b) => cmp(a.group, b.group));
}

/** Aliases in entries later in the list win over earlier ones (callers put the hub's last). */
export function buildMappingIndex(entries: readonly ProviderGroupMappingEntry[]): MappingIndex {
  const byName = new Map<string, string>();
  const byCompany = new Map<string, string>();
  for (const e of entries) {
    byName.set(normaliseName(e.group), e.group);
    for (const a of e.aliases) byName.set(normaliseName(a), e.group);
    for (const c of e.companiesHouseNumbers) byCompany.set(c, e.group);
  }
  return { byName, byCompany };
}

// ---------------------------------------------------------------- resolution

const LEGAL_NAME = /\b(limited|ltd|plc|llp)\b\.?\s*$/i;
const legal = (name: string): number => (LEGAL_NAME.test(name) ? 1 : 0);

/** Code-unit order: the same on every machine and locale. */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Entries for a provider name posted without group or URN: the first company number seen, then any others. */
interface PlainSlot {
  company: string;
  entry: number;
  others: Map<string, number> | undefined;
}

/** How a node's lines were resolved: by a group (explicit, home or mapping), or only by company number / name. */
type NodeKind = 'group' | 'company' | 'name';

interface Entry {
  node: number;
  name: string;
  /** The label this entry proposes for its group, and how strongly (3 mapping, 2 explicit or home, 1 name). */
  label: string;
  weight: number;
  urn: string | undefined;
  company: string | undefined;
  explicit: boolean;
  /** The identity exactly as resolved, for `sameAs`. */
  raw: [group: string | null, urn: string | null, company: string | null];
}

export interface ResolvedGroups {
  /** Final group index of every entry (see `resolve`). */
  groupOfEntry: Int32Array;
  /** Groups, by index. */
  groups: { name: string; resolved: boolean }[];
  /** Provider names that reached their group only by name or an unmapped company number. */
  unresolved: { name: string; group: string }[];
}

/**
 * Assigns each line a provisional node as it streams past (cached per distinct provider
 * identity, so a million lines cost a few thousand resolutions), then settles nodes into groups
 * once homes are known.
 */
export class GroupResolver {
  private readonly nodeIds = new Map<string, number>();
  private readonly nodeKind: NodeKind[] = [];
  private readonly nodeKey: string[] = [];
  private readonly entries: Entry[] = [];
  /** Lines counted per entry (kept apart from the entries: this is touched once per line). */
  private readonly lines: number[] = [];
  private readonly cache = new Map<string, number>();
  private readonly plain = new Map<string, PlainSlot>();

  constructor(private readonly mapping: MappingIndex) {}

  private node(key: string, kind: NodeKind): number {
    let id = this.nodeIds.get(key);
    if (id === undefined) {
      id = this.nodeIds.size;
      this.nodeIds.set(key, id);
      this.nodeKind.push(kind);
      this.nodeKey.push(key);
    } else if (kind === 'group') this.nodeKind[id] = 'group';
    return id;
  }

  /** A group name, canonicalised through the mapping. */
  private groupNode(group: string): { node: number; label: string; weight: number } {
    const mapped = this.mapping.byName.get(normaliseName(group));
    const label = (mapped ?? group.trim()).slice(0, 200);
    return { node: this.node(`n:${normaliseName(label)}`, 'group'), label, weight: mapped ? 3 : 2 };
  }

  /** Without group or home: a mapped company number, a mapped name, an unmapped company, the name. */
  private fallback(company: string | null, name: string): { node: number; label: string; weight: number } {
    if (company !== null) {
      const g = this.mapping.byCompany.get(company);
      if (g !== undefined) return this.groupNode(g);
    }
    const { legal, trading } = splitTradingName(name);
    const legalKey = normaliseName(legal);
    const mapped = this.mapping.byName.get(legalKey) ?? (trading !== undefined ? this.mapping.byName.get(normaliseName(trading)) : undefined);
    if (mapped !== undefined) return this.groupNode(mapped);
    if (company !== null) return { node: this.node(`c:${company}`, 'company'), label: legal, weight: 1 };
    return { node: this.node(`n:${legalKey}`, 'name'), label: legal, weight: 1 };
  }

  /** The entry for a line's provider identity (counted), to be settled by `finish`. */
  resolve(group: string | null, urn: string | null, company: string | null, name: string): number {
    // The common line names neither group nor home: look it up by name, then company, without
    // building a key string (this runs once per line of a rollup).
    let slot: PlainSlot | undefined;
    let key = '';
    let e: number | undefined;
    if (group === null && urn === null) {
      // A name nearly always comes with one company number (or none): compare with the last one
      // seen before hashing anything else.
      slot = this.plain.get(name);
      if (slot === undefined) this.plain.set(name, (slot = { company: company ?? '', entry: -1, others: undefined }));
      const c = company ?? '';
      if (slot.company === c) e = slot.entry === -1 ? undefined : slot.entry;
      else e = slot.others?.get(c);
    } else {
      key = `${group ?? ''}\u0001${urn ?? ''}\u0001${company ?? ''}\u0001${name}`;
      e = this.cache.get(key);
    }
    if (e === undefined) {
      const r = group !== null ? this.groupNode(group) : this.fallback(company, name);
      e = this.entries.length;
      this.entries.push({
        node: r.node, name, label: r.label, weight: r.weight, explicit: group !== null,
        urn: urn !== null && group === null ? urn : undefined,
        company: company ?? undefined,
        raw: [group, urn, company],
      });
      this.lines.push(0);
      if (slot) {
        const c = company ?? '';
        if (slot.company === c) slot.entry = e;
        else (slot.others ??= new Map()).set(c, e);
      } else this.cache.set(key, e);
    }
    this.lines[e] = this.lines[e]! + 1;
    return e;
  }

  /**
   * Whether a line's provider identity is that of an entry already resolved: a string comparison
   * instead of a lookup, for callers that can guess the entry (a child's previous line).
   */
  sameAs(entry: number, group: string | null, urn: string | null, company: string | null, name: string): boolean {
    const e = this.entries[entry]!;
    return e.name === name && e.raw[2] === company && e.raw[0] === group && e.raw[1] === urn;
  }

  /** Counts one more line for an entry found by `sameAs`. */
  countLine(entry: number): void {
    this.lines[entry] = this.lines[entry]! + 1;
  }

  /** Distinct provider identities seen so far. */
  get entryCount(): number {
    return this.entries.length;
  }

  /** URNs whose homes must be looked up before `finish` (lines without an explicit group). */
  urns(): string[] {
    return [...new Set(this.entries.filter((e) => e.urn !== undefined).map((e) => e.urn!))].sort();
  }

  /**
   * Settles every node into a group. `homeGroups` maps a URN to its home's provider group (absent
   * when the hub has no such home or it names no group).
   */
  finish(homeGroups: ReadonlyMap<string, string | undefined>): ResolvedGroups {
    // 1. The node each entry finally speaks for: a URN whose home names a group overrides the fallback.
    const target: number[] = this.entries.map((e) => {
      if (e.urn === undefined) return e.node;
      const g = homeGroups.get(e.urn);
      if (g === undefined) return e.node;
      const r = this.groupNode(g);
      e.label = r.label;
      e.weight = r.weight;
      return r.node;
    });
    const n = this.nodeIds.size;
    const parent = Int32Array.from({ length: n }, (_, i) => i);
    const find = (x: number): number => {
      while (parent[x] !== x) {
        parent[x] = parent[parent[x]!]!;
        x = parent[x]!;
      }
      return x;
    };
    const union = (a: number, b: number) => {
      const [ra, rb] = [find(a), find(b)];
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    };

    // 2. An unmapped company number joins the group that lines naming a group (or a home) give it.
    const votes = new Map<string, Map<number, number>>();
    this.entries.forEach((e, i) => {
      if (e.company === undefined || this.mapping.byCompany.has(e.company)) return;
      if (this.nodeKind[target[i]!] !== 'group') return;
      const v = votes.get(e.company) ?? new Map<number, number>();
      v.set(target[i]!, (v.get(target[i]!) ?? 0) + this.lines[i]!);
      votes.set(e.company, v);
    });
    for (const [company, v] of votes) {
      const c = this.nodeIds.get(`c:${company}`);
      if (c === undefined) continue;
      const best = [...v.entries()].sort((a, b) => b[1] - a[1] || cmp(this.nodeKey[a[0]]!, this.nodeKey[b[0]]!))[0]![0];
      union(best, c);
    }
    // 3. Otherwise a company number ties together the names it was posted under.
    this.entries.forEach((e, i) => {
      const t = target[i]!;
      if (this.nodeKind[t] !== 'company' || votes.has(e.company!)) return;
      const nameNode = this.nodeIds.get(`n:${normaliseName(e.label)}`);
      if (nameNode !== undefined) union(t, nameNode);
    });

    // 4. Labels: the strongest proposal, then the most lines, then a legal name (Ltd, Limited,
    // plc, LLP) over a brand, then alphabetical.
    const proposals = new Map<number, Map<string, [weight: number, lines: number]>>();
    this.entries.forEach((e, i) => {
      const root = find(target[i]!);
      const m = proposals.get(root) ?? new Map<string, [number, number]>();
      const p = m.get(e.label) ?? [0, 0];
      m.set(e.label, [Math.max(p[0], e.weight), p[1] + this.lines[i]!]);
      proposals.set(root, m);
    });
    const labelOf = new Map<number, string>();
    for (const [root, m] of proposals) {
      const best = [...m.entries()].sort((a, b) => b[1][0] - a[1][0] || b[1][1] - a[1][1] || legal(b[0]) - legal(a[0]) || cmp(a[0], b[0]))[0]!;
      labelOf.set(root, best[0]);
    }
    // Two components that ended with the same name are one group.
    const rootByLabel = new Map<string, number>();
    for (const [root, label] of [...labelOf.entries()].sort((a, b) => a[0] - b[0])) {
      const first = rootByLabel.get(label);
      if (first === undefined) rootByLabel.set(label, root);
      else union(first, root);
    }

    const resolvedRoot = new Set<number>();
    for (let i = 0; i < n; i++) if (this.nodeKind[i] === 'group') resolvedRoot.add(find(i));
    const names = [...new Set([...labelOf.entries()].map(([r, l]) => labelOf.get(find(r)) ?? l))].sort();
    const groupIndex = new Map<string, number>(names.map((l, i) => [l, i]));
    const groups = names.map((name) => ({ name, resolved: false }));
    const groupOfEntry = new Int32Array(this.entries.length);
    this.entries.forEach((_, i) => {
      const root = find(target[i]!);
      const g = groupIndex.get(labelOf.get(root)!)!;
      groupOfEntry[i] = g;
      if (resolvedRoot.has(root)) groups[g]!.resolved = true;
    });

    const unresolvedSet = new Map<string, { name: string; group: string }>();
    this.entries.forEach((e, i) => {
      const g = groups[groupOfEntry[i]!]!;
      if (!g.resolved) unresolvedSet.set(`${e.name}\u0001${g.name}`, { name: e.name, group: g.name });
    });
    const unresolved = [...unresolvedSet.values()].sort((a, b) => cmp(a.group, b.group) || cmp(a.name, b.name));
    return { groupOfEntry, groups, unresolved };
  }
}
