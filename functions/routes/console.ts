import type { HandlerDef } from './types.ts';

/**
 * The console (functions/console/, served at /console/): not part of the API contract's route
 * table (no OpenAPI entry, no API-key authorizer), behind the same API as four Lambdas, split by
 * persona so that each stays within the common bundle and cold-init budgets (issue 16; issue 14
 * had asked for one Lambda for the pages, which no trimming could bring under 250 KB) and holds
 * only what its journeys need:
 * - `console`, the shell: sign-in and sign-out (the only one with an OpenID client and Cognito's
 *   DescribeUserPoolClient, infra/stack.ts), start pages with the reminder banner (reads), the
 *   accessibility statement, the GOV.UK and MoJ Frontend assets copied beside its bundle, and the
 *   404 page for every other /console path;
 * - `console-officer`, `console-provider`, `console-programme`: each persona's pages, reading and
 *   writing what its journeys do (referrals, consent, offers, approvals, vacancies, homes,
 *   allocations, audit entries of their reads); each opens the sealed session cookie only;
 * - `console-search`: the officer's "Find a home" (/console/search: the search, its results and
 *   their map), apart from the officer's other pages so that neither carries the other's code
 *   (ranking, the vacancy store, the region map); it only reads (the search discloses no child's
 *   data, so it writes no audit entry).
 * A person who opens another persona's page reaches that persona's Lambda, which refuses them as
 * the one console did (403 "These pages are for …"; signed out: to sign-in).
 */
export const consoleHandlers = {
  console: {
    grants: ['table:read'],
    assets: [
      'node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css',
      'node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js',
      'node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.css',
      'node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js',
    ],
  },
  'console-officer': { grants: ['table:write'], assets: ['sharing-agreements'] },
  'console-provider': { grants: ['table:write'], assets: ['sharing-agreements'] },
  'console-programme': { grants: ['table:write'], assets: ['sharing-agreements'] },
  // the same search, ranking and memory (so the same CPU) as the API's vacancy-search Lambda
  'console-search': { grants: ['table:read'], memoryMb: 1769 },
} as const satisfies Record<string, HandlerDef>;

export type ConsoleLambda = keyof typeof consoleHandlers;

/** The first path segment under /console of each persona's pages (functions/console/pages/*.tsx). */
const PERSONA_SEGMENTS = {
  'console-officer': ['referrals', 'offers', 'placements', 'notices'],
  'console-provider': ['shared', 'my-offers', 'homes', 'vacancies', 'home-placements'],
  'console-programme': ['board', 'allocations', 'beds', 'ledger', 'spend', 'providers'],
  'console-search': ['search'],
} as const satisfies Record<Exclude<ConsoleLambda, 'console'>, readonly string[]>;

/**
 * The paths API Gateway sends to each console Lambda: a persona's segments, each with and without
 * anything below it, to that persona's; every other /console path to the shell (API Gateway
 * prefers the more specific resource over `/console/{proxy+}`).
 */
const under = (segments: readonly string[]): string[] => segments.flatMap((s) => [`/console/${s}`, `/console/${s}/{proxy+}`]);
export const CONSOLE_PATHS: Record<ConsoleLambda, readonly string[]> = {
  console: ['/console', '/console/{proxy+}'],
  'console-officer': under(PERSONA_SEGMENTS['console-officer']),
  'console-provider': under(PERSONA_SEGMENTS['console-provider']),
  'console-programme': under(PERSONA_SEGMENTS['console-programme']),
  'console-search': under(PERSONA_SEGMENTS['console-search']),
};

/** The console Lambda a browser's path under /console reaches, as API Gateway chooses it (the local hub routes with it). */
export function consoleLambdaFor(pathname: string): ConsoleLambda {
  const segment = pathname.split('/')[2] ?? '';
  for (const [name, segments] of Object.entries(PERSONA_SEGMENTS) as [ConsoleLambda, readonly string[]][]) {
    if (segments.includes(segment)) return name;
  }
  return 'console';
}
