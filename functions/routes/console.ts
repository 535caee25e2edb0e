import type { HandlerDef } from './types.ts';

/**
 * The console (functions/console/, served at /console/): not part of the API contract's route
 * table (no OpenAPI entry, no API-key authorizer); one Lambda behind the same API. It reads and
 * writes what the journeys it serves do (referrals, offers, placements, audit), reads the sharing
 * agreements, and serves the GOV.UK and MoJ Frontend assets copied beside its bundle.
 */
export const consoleHandlers = {
  console: {
    grants: ['table:write'],
    assets: [
      'sharing-agreements',
      'node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css',
      'node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js',
      'node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.css',
      'node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js',
    ],
  },
} as const satisfies Record<string, HandlerDef>;

/** The paths API Gateway sends to the console Lambda. */
export const CONSOLE_PATHS = ['/console', '/console/{proxy+}'] as const;
