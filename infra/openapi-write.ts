import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openApiDocument } from '../functions/http/openapi.ts';

/** `npm run openapi [FILE]`: writes the same document GET /openapi.json serves. */
const file = process.argv[2] ?? 'openapi.json';
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${file}`);
