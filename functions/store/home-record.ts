import type { HomeItem } from '../domain/homes.ts';
import * as keys from './keys.ts';

/**
 * THE home-record builder: the one function that turns a home into its DynamoDB item — its
 * key, its entry in its owner's index (gsi1, which `GET /v1/homes` reads) and its attributes.
 * Every writer of a home goes through it: the homes store, the Ofsted importer, demo data,
 * test fixtures and bench data (through `putHomeRecords` in ./homes.ts or directly).
 */
export function homeRecord(home: HomeItem): Record<string, unknown> {
  const item: Record<string, unknown> = { ...keys.home(home.urn), ...keys.homeByOwner(home.owner, home.urn), type: 'home' };
  for (const [k, v] of Object.entries(home)) if (v !== undefined) item[k] = v;
  return item;
}

/** What a home item holds for storage alone: its keys and its type. */
const STORAGE = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'type']);

/** A stored home item as the HomeItem the domain knows (storage keys dropped). */
export function toHome(item: Record<string, unknown>): HomeItem {
  const home: Record<string, unknown> = {};
  for (const k of Object.keys(item)) if (!STORAGE.has(k) && item[k] !== undefined) home[k] = item[k];
  return home as unknown as HomeItem;
}
