/**
 * The hub's dependency rules (README "Architecture"), checked in CI by `npm run check:deps`.
 * Arrows run one way: handlers/jobs/cli/console/events → app (the use cases) → store, domain →
 * schemas; handlers/console → http, routes; store → domain; domain → schemas at most; infra →
 * routes → schemas. Nothing under functions/ imports infra/; schemas import nothing of ours but
 * each other. The console reaches the store only through app/ (its session secret and config aside),
 * and an audit entry is written only by app/ (and the store transactions that write their own).
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
    { name: 'domain-is-pure', severity: 'error', comment: 'functions/domain/ is pure: no store, http, handlers, routes, jobs, cli, and no AWS or HTTP libraries.', from: { path: layer('domain') }, to: { path: ['^functions/(app|store|http|handlers|routes|jobs|cli|console|events)/', '@aws-sdk', '@middy', 'aws-lambda'] } },
    { name: 'store-below-http', severity: 'error', comment: 'functions/store/ raises domain errors and knows nothing of the app layer, HTTP, handlers, routes, jobs or the CLI.', from: { path: layer('store') }, to: { path: '^functions/(app|http|handlers|routes|jobs|cli|console|events)/' } },
    { name: 'app-below-its-callers', severity: 'error', comment: 'functions/app/ (one operation per use case: access decision, audit entry, store/domain calls → view) serves handlers, the console, jobs and events; it never imports them, the edge, the route table or infra.', from: { path: layer('app') }, to: { path: ['^functions/(http|handlers|console|routes|jobs|cli|events|triggers)/', '^infra/', '@middy', 'hono'] } },
    { name: 'console-through-the-app', severity: 'error', comment: 'The console calls the operations the API handlers call (functions/app/); it reaches the store only for its own session secret, config and the signed-in organisation\'s name.', from: { path: layer('console') }, to: { path: layer('store'), pathNot: '^functions/store/(env|providers)\\.ts$' } },
    { name: 'audit-written-by-the-app', severity: 'error', comment: 'An audit entry is written where its access is decided: in functions/app/ (or a store transaction that writes its own); a handler or the console never writes one itself.', from: { path: '^functions/', pathNot: ['^functions/(app|store|domain)/'] }, to: { path: ['^functions/store/audit\\.ts$', '^functions/domain/audit\\.ts$'] } },
    { name: 'http-below-handlers', severity: 'error', comment: 'functions/http/ (the edge) serves handlers; it never imports them, the app layer, jobs or the CLI.', from: { path: layer('http') }, to: { path: '^functions/(app|handlers|jobs|cli|console)/' } },
    { name: 'routes-are-a-contract', severity: 'error', comment: 'The route table names handlers by file; it imports schemas and domain types only.', from: { path: layer('routes') }, to: { path: '^functions/(app|store|http|handlers|jobs|cli|console|events)/' } },
    { name: 'console-over-the-same-code', severity: 'error', comment: 'functions/console/ (the web console) calls the application operations the API handlers do (functions/app/), with http (the person rule, problems, parsing), routes (schemas) and schemas; never a handler, job, the CLI or events.', from: { path: layer('console') }, to: { path: '^functions/(handlers|jobs|cli|events)/' } },
    { name: 'nothing-imports-the-console', severity: 'error', comment: 'Only its Lambda entries (functions/handlers/console.ts, console-<persona>.ts) and infra (the local hub) import the console.', from: { path: '^(functions|schemas|bin)/', pathNot: ['^functions/console/', '^functions/handlers/console\\.ts$', '^functions/handlers/console-[a-z]+\\.ts$'] }, to: { path: layer('console') } },
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
