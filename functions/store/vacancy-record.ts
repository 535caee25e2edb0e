import { placeOfHome } from '../domain/geo.ts';
import type { SearchFacts } from '../domain/search.ts';
import type { VacancyItem } from '../domain/vacancy.ts';
import * as keys from './keys.ts';

/**
 * A vacancy as stored, and the one function that turns it into its DynamoDB item. Every write
 * of a vacancy goes through `vacancyRecord`, so its keys, its place in the open index and its
 * search facts never disagree with it.
 */

export type { StoredStatus, VacancyItem } from '../domain/vacancy.ts';
export type { SearchFacts } from '../domain/search.ts';

/** What the search reads of each open vacancy: one string attribute, cheap to return and parse. */
export const SEARCH_FACTS_ATTRIBUTE = 'sf';

export function searchFacts(v: VacancyItem): SearchFacts {
  return {
    id: v.id,
    homeUrn: v.homeUrn,
    beds: v.beds,
    availableFrom: v.availableFrom,
    ...(v.weeklyPrice !== undefined ? { weeklyPrice: v.weeklyPrice } : {}),
    confirmedAt: v.confirmedAt,
    home: v.home,
  };
}

/** The whole stored item of a vacancy: keys, open-index entries (by type, gsi2; by place, gsi3) while open, search facts. */
export function vacancyRecord(v: VacancyItem): Record<string, unknown> {
  return {
    ...keys.vacancy(v.id),
    ...keys.vacancyByHome(v.homeUrn, v.createdAt, v.id),
    ...(v.status === 'open' ? keys.openVacancy(v.home.placementType, keys.vacancyShard(v.id), v.expiresAt, v.id) : {}),
    ...(v.status === 'open' ? keys.openVacancyNear(v.home.placementType, placeOfHome(v.home), v.expiresAt, v.id) : {}),
    type: 'vacancy',
    ...v,
    [SEARCH_FACTS_ATTRIBUTE]: JSON.stringify(searchFacts(v)),
  };
}

const KEY_ATTRIBUTES = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'type', 'ttl', SEARCH_FACTS_ATTRIBUTE]);

/** The vacancy in a stored item, without its keys and derived attributes. */
export function toVacancy(item: Record<string, unknown>): VacancyItem {
  const v: Record<string, unknown> = {};
  for (const k of Object.keys(item)) if (!KEY_ATTRIBUTES.has(k)) v[k] = item[k];
  return v as unknown as VacancyItem;
}
