import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The console's static assets: the GOV.UK Frontend and MoJ Frontend stylesheets and scripts,
 * served by the console itself (locally and from its Lambda), at a URL that names the package
 * version, with a year-long immutable cache: a browser fetches each once per release. They are
 * text (no binary media types to configure on API Gateway) and few (4 files, ~350 KB in all),
 * so an S3 bucket and CloudFront distribution would add a deployment path for little gain.
 *
 * This is not a GOV.UK service, so it must not use the GDS Transport typeface: the stylesheets are
 * served without its @font-face rules and name, falling back to the system's Arial/sans-serif.
 * In Lambda the files are copied beside the bundle (the console's `assets` in
 * ../routes/console.ts); locally they are read from node_modules.
 */

export const GOVUK_VERSION = '6.6.0';
export const MOJ_VERSION = '11.1.0';

/** url name → file in the project (and, by its base name, beside the Lambda bundle). */
export const CONSOLE_ASSET_FILES = {
  'govuk-frontend.min.css': 'node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css',
  'govuk-frontend.min.js': 'node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js',
  'moj-frontend.min.css': 'node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.css',
  'moj-frontend.min.js': 'node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js',
} as const;
/**
 * The console's own few rules, beside the design systems' (a stylesheet, not `style` attributes:
 * the Content-Security-Policy allows styles from this site only). Served like the files above.
 */
export const CONSOLE_CSS = '.app-table-scroll{overflow-x:auto;margin-bottom:20px}.app-table-scroll .govuk-table{margin-bottom:0}\n';
export type AssetName = keyof typeof CONSOLE_ASSET_FILES | 'console.css';

/** The path (under the console) of an asset, versioned so that it may be cached for good. */
export const ASSET_VERSION = `${GOVUK_VERSION}-${MOJ_VERSION}`;
export const assetPath = (name: AssetName): string => `/console/assets/${ASSET_VERSION}/${name}`;

const root = (): string => process.env.LAMBDA_TASK_ROOT ?? fileURLToPath(new URL('../../', import.meta.url));
const fileOf = (name: keyof typeof CONSOLE_ASSET_FILES): string =>
  process.env.LAMBDA_TASK_ROOT ? join(root(), basename(CONSOLE_ASSET_FILES[name])) : join(root(), CONSOLE_ASSET_FILES[name]);

/** No GDS Transport outside GOV.UK: its @font-face rules removed and its name dropped from font stacks. */
export function withoutGdsTransport(css: string): string {
  return css.replace(/@font-face\{[^}]*\}/g, '').replace(/GDS Transport,\s*/g, '');
}

const cache = new Map<string, { body: string; type: string }>();

/** The asset at a versioned path, or undefined (an old or unknown version is not served: 404). */
export function asset(version: string, name: string): { body: string; type: string } | undefined {
  if (version !== ASSET_VERSION) return undefined;
  if (name === 'console.css') return { body: CONSOLE_CSS, type: 'text/css; charset=utf-8' };
  if (!(name in CONSOLE_ASSET_FILES)) return undefined;
  let a = cache.get(name);
  if (!a) {
    const text = readFileSync(fileOf(name as keyof typeof CONSOLE_ASSET_FILES), 'utf8').replace(/\/\/# sourceMappingURL=\S+\s*$/, '');
    a = name.endsWith('.css')
      ? { body: withoutGdsTransport(text).replace(/\/\*# sourceMappingURL=\S+ \*\/\s*$/, ''), type: 'text/css; charset=utf-8' }
      : { body: text, type: 'text/javascript; charset=utf-8' };
    cache.set(name, a);
  }
  return a;
}
