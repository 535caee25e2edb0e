import { build } from 'esbuild';
import { LAMBDA_BUNDLING } from '../../infra/bundling.ts';

/**
 * What a Lambda's bundle is made of: `npx tsx test/bench/bundle-contents.ts console [20]` builds
 * functions/handlers/<name>.ts exactly as the stack does (../../infra/bundling.ts, minified) and
 * prints its size, the minified bytes each package or project folder contributes, and the
 * largest modules (the optional count). For finding where a Lambda's size, and the cold init
 * that compiles it, come from (test/infra/bundles.test.ts, test/infra/cold-init.test.ts).
 */
const [name = 'console', top = '25'] = process.argv.slice(2);
const entry = name.includes('/') ? name : `functions/handlers/${name}.ts`;
const { metafile } = await build({
  metafile: true, entryPoints: [entry], bundle: true, write: false, outfile: 'out.mjs',
  format: LAMBDA_BUNDLING.format, target: LAMBDA_BUNDLING.target, platform: LAMBDA_BUNDLING.platform, minify: LAMBDA_BUNDLING.minify,
  external: [...LAMBDA_BUNDLING.external], alias: LAMBDA_BUNDLING.alias, mainFields: [...LAMBDA_BUNDLING.mainFields],
  banner: { js: LAMBDA_BUNDLING.banner }, logLevel: 'silent',
});
const output = Object.values(metafile.outputs)[0]!;
const kb = (n: number) => (n / 1024).toFixed(1).padStart(7);
const groups = new Map<string, number>();
for (const [file, i] of Object.entries(output.inputs)) {
  const group = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file.replace(/\/[^/]+$/, '/');
  groups.set(group, (groups.get(group) ?? 0) + i.bytesInOutput);
}
console.log(`${entry}: ${kb(output.bytes)} KB minified\n\nby package or folder:`);
for (const [g, n] of [...groups].sort((a, b) => b[1] - a[1])) if (n > 0) console.log(`${kb(n)} KB  ${g}`);
console.log(`\nlargest modules:`);
for (const [f, i] of Object.entries(output.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).slice(0, Number(top))) console.log(`${kb(i.bytesInOutput)} KB  ${f}`);
