/**
 * The hub's dependency rules (README "Architecture"), checked in CI by `npm run check:deps`.
 * Arrows run one way: handlers/jobs/cli/console → http, routes, domain, store → schemas;
 * store → domain; domain → schemas at most; infra → routes → schemas. Nothing under
 * functions/ imports infra/; schemas import nothing of ours but each other.
 */
const layer = (name) => `^functions/${name}/`;

// dependency-cruiser 16 parses with swc but never turns on TSX; the console's pages are .tsx (hono/jsx)
const swc = require('@swc/core');
const parseFileSync = swc.parseFileSync;
swc.parseFileSync = (file, options) => parseFileSync(file, String(file).endsWith('.tsx') ? { ...options, tsx: true } : options);
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'A file cycle: break it by moving the shared part down a layer.', from: {}, to: { circular: true } },
    { name: 'functions-not-infra', severity: 'error', comment: 'Nothing under functions/ imports infra/ (infra builds from the route table, not the other way).', from: { path: '^functions/' }, to: { path: '^infra/' } },
    { name: 'schemas-are-a-leaf', severity: 'error', comment: 'schemas/ import only schemas/ and zod: code lists and limits live in schemas/codes.ts.', from: { path: '^schemas/' }, to: { path: '^(functions|infra|test|bin)/' } },
    { name: 'domain-is-pure', severity: 'error', comment: 'functions/domain/ is pure: no store, http, handlers, routes, jobs, cli, and no AWS or HTTP libraries.', from: { path: layer('domain') }, to: { path: ['^functions/(store|http|handlers|routes|jobs|cli|console|events)/', '@aws-sdk', '@middy', 'aws-lambda'] } },
    { name: 'store-below-http', severity: 'error', comment: 'functions/store/ raises domain errors and knows nothing of HTTP, handlers, routes, jobs or the CLI.', from: { path: layer('store') }, to: { path: '^functions/(http|handlers|routes|jobs|cli|console|events)/' } },
    { name: 'http-below-handlers', severity: 'error', comment: 'functions/http/ (the edge) serves handlers; it never imports them, jobs or the CLI.', from: { path: layer('http') }, to: { path: '^functions/(handlers|jobs|cli|console)/' } },
    { name: 'routes-are-a-contract', severity: 'error', comment: 'The route table names handlers by file; it imports schemas and domain types only.', from: { path: layer('routes') }, to: { path: '^functions/(store|http|handlers|jobs|cli|console|events)/' } },
    { name: 'console-over-the-same-code', severity: 'error', comment: 'functions/console/ (the web console) calls the domain and store code the API does, through http (problems, parsing), routes (schemas) and schemas; never a handler, job, the CLI or events.', from: { path: layer('console') }, to: { path: '^functions/(handlers|jobs|cli|events)/' } },
    { name: 'nothing-imports-the-console', severity: 'error', comment: 'Only its Lambda entry (functions/handlers/console.ts) and infra (the local hub) import the console.', from: { path: '^(functions|schemas|bin)/', pathNot: ['^functions/console/', '^functions/handlers/console\\.ts$'] }, to: { path: layer('console') } },
    { name: 'handlers-are-leaves', severity: 'error', comment: 'One handler never imports another, and nothing but infra (bundling) imports a handler.', from: { path: '^functions/', pathNot: layer('handlers') + 'authorizer' }, to: { path: layer('handlers') } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdk\\.out|\\.local)/' },
    tsPreCompilationDeps: true,
    parser: 'swc', // dependency-cruiser 16 reads TypeScript below 6 only; swc parses ours
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.json'] },
  },
};
