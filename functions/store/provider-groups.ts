import { GetCommand, PutCommand } from './ddb.ts';
import { conflict } from '../domain/errors.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import { buildMappingIndex, mergeMappings, normaliseName, type MappingIndex } from '../domain/provider-groups.ts';
import {
  PROVIDER_GROUP_MAPPING, PROVIDER_GROUP_MAPPING_VERSION, type ProviderGroupMappingEntry,
} from '../domain/reference/provider-groups.ts';
import { config, dynamo } from './config.ts';
import * as keys from './keys.ts';
import { queryPrefix } from './query.ts';
import { pageInMemory } from './cursor.ts';

/**
 * The provider-group mapping: the versioned file (functions/domain/reference/provider-groups.ts)
 * with the programme office's entries from `PUT /v1/provider-groups/{group}` on top.
 */

export interface HubMappingEntry extends ProviderGroupMappingEntry {
  updatedAt: string;
}

export async function listHubMappings(): Promise<HubMappingEntry[]> {
  const items = await queryPrefix(keys.providerGroupMappingPrefix());
  return items.map((i) => ({
    group: String(i.group),
    aliases: (i.aliases as string[] | undefined) ?? [],
    companiesHouseNumbers: (i.companiesHouseNumbers as string[] | undefined) ?? [],
    updatedAt: String(i.updatedAt),
  }));
}

export interface EffectiveMapping {
  index: MappingIndex;
  entries: (ProviderGroupMappingEntry & { source: 'file' | 'hub'; updatedAt?: string })[];
  /** When the mapping last changed: the file's version date or the newest hub entry. */
  updatedAt: string;
}

export async function loadMapping(): Promise<EffectiveMapping> {
  const hub = await listHubMappings();
  const hubKeys = new Set(hub.map((h) => normaliseName(h.group)));
  const merged = mergeMappings(PROVIDER_GROUP_MAPPING, hub);
  const entries = merged.map((e) => {
    const h = hubKeys.has(normaliseName(e.group)) ? (e as HubMappingEntry) : undefined;
    return h
      ? { group: h.group, aliases: h.aliases, companiesHouseNumbers: h.companiesHouseNumbers, source: 'hub' as const, updatedAt: h.updatedAt }
      : { group: e.group, aliases: e.aliases, companiesHouseNumbers: e.companiesHouseNumbers, source: 'file' as const };
  });
  const updatedAt = [new Date(`${PROVIDER_GROUP_MAPPING_VERSION}T00:00:00Z`).toISOString(), ...hub.map((h) => h.updatedAt)].sort().at(-1)!;
  // File first, hub last: a hub alias wins over the file's.
  const fileOnly = entries.filter((e) => e.source === 'file');
  const hubOnly = entries.filter((e) => e.source === 'hub');
  return { index: buildMappingIndex([...fileOnly, ...hubOnly]), entries, updatedAt };
}

/** The mapping in force as the API lists it, a page at a time (the cursor is sealed for this list and caller). */
export async function mappingPage(caller: Principal, page: { limit: number; cursor?: string | undefined }) {
  const { entries } = await loadMapping();
  const out = pageInMemory(`provider-groups:${principalId(caller)}`, entries, page.limit, page.cursor);
  const items = out.items.map((e) => ({
    group: e.group,
    aliases: e.aliases,
    companiesHouseNumbers: e.companiesHouseNumbers,
    source: e.source,
    ...(e.updatedAt ? { updatedAt: e.updatedAt } : {}),
  }));
  return { ...out, items };
}

/**
 * Creates or replaces the programme office's entry for a group. An alias or company number that
 * another hub entry already claims is a conflict, 409 (the file's claims may be overridden).
 */
export async function putHubMapping(entry: ProviderGroupMappingEntry, now = new Date()): Promise<HubMappingEntry> {
  const key = normaliseName(entry.group);
  const others = (await listHubMappings()).filter((h) => normaliseName(h.group) !== key);
  const claimedNames = new Map<string, string>();
  const claimedCompanies = new Map<string, string>();
  for (const o of others) {
    claimedNames.set(normaliseName(o.group), o.group);
    for (const a of o.aliases) claimedNames.set(normaliseName(a), o.group);
    for (const c of o.companiesHouseNumbers) claimedCompanies.set(c, o.group);
  }
  for (const a of [entry.group, ...entry.aliases]) {
    const g = claimedNames.get(normaliseName(a));
    if (g !== undefined) throw conflict(`"${a}" already belongs to ${g}`);
  }
  for (const c of entry.companiesHouseNumbers) {
    const g = claimedCompanies.get(c);
    if (g !== undefined) throw conflict(`company ${c} already belongs to ${g}`);
  }
  const item: HubMappingEntry = {
    group: entry.group.trim(),
    aliases: [...new Set(entry.aliases.map((a) => a.trim()))].sort(),
    companiesHouseNumbers: [...new Set(entry.companiesHouseNumbers)].sort(),
    updatedAt: now.toISOString(),
  };
  await dynamo().send(new PutCommand({ TableName: config.tableName, Item: { ...keys.providerGroupMapping(key), type: 'providerGroupMapping', ...item } }));
  return item;
}

export async function getHubMapping(group: string): Promise<HubMappingEntry | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.providerGroupMapping(normaliseName(group)) }));
  return Item as HubMappingEntry | undefined;
}
