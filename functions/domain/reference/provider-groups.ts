/**
 * The programme office's mapping of brands, subsidiaries and trading names to the provider group
 * that owns them. Versioned here; entries made through `PUT /v1/provider-groups/{group}` are
 * layered on top (a hub entry for a group replaces this file's entry for it).
 *
 * The groups below are the fictional demo providers (infra/local/demo-principals.ts) with
 * fictional brands and company numbers; add real groups as the programme office confirms them.
 */
export interface ProviderGroupMappingEntry {
  group: string;
  /** Names (legal, brand or trading) that belong to the group; matched after normalisation. */
  aliases: string[];
  /** Companies House numbers of the group's companies. */
  companiesHouseNumbers: string[];
}

export const PROVIDER_GROUP_MAPPING_VERSION = '2025-11-01';

export const PROVIDER_GROUP_MAPPING: ProviderGroupMappingEntry[] = [
  {
    group: 'Fenland Care Group',
    aliases: ["Fenland Children's Homes", 'Fenland Futures', 'Ouse Valley Homes'],
    companiesHouseNumbers: ['09990001', '09990002'],
  },
  {
    group: 'Harbour Care Group',
    aliases: ['Harbour Care', 'Harbour Care Services', 'Bayside Children’s Homes', 'Estuary Lodge'],
    companiesHouseNumbers: ['09990011'],
  },
  {
    group: 'Meadowview Care Services',
    aliases: ['Meadowview Care', 'Meadowview Care Services', 'Willow Bank Homes'],
    companiesHouseNumbers: ['09990021'],
  },
];
