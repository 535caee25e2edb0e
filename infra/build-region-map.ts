import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRegionMap, regionMapText } from './region-map.ts';

/**
 * Writes functions/console/region-map.json (the console's map of the eleven Eastern Region
 * authorities; see ./region-map.ts) from ONS's boundaries in the shared reference data.
 *
 *   npm run map [-- ../shared/data]
 */
const dir = process.argv[2] ?? process.env.HUB_SHARED_DATA ?? join(import.meta.dirname, '..', '..', 'shared', 'data');
const out = join(import.meta.dirname, '..', 'functions', 'console', 'region-map.json');
const text = regionMapText(buildRegionMap(JSON.parse(readFileSync(join(dir, 'uk_boundaries_topo.json'), 'utf8'))));
writeFileSync(out, text);
console.log(`wrote ${out} (${text.length} bytes)`);
