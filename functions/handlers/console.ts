import { handle } from 'hono/aws-lambda';
import { loadAgreements } from '../store/agreements.ts';
import { consoleApp } from '../console/index.ts';
import { loadConsoleClientSecret } from '../console/config.ts';

/**
 * The console's one Lambda: every page under /console/ (functions/console/), behind the same API
 * with no API-key authorizer — the console signs people in itself (OpenID Connect) and acts with
 * the same domain and store code, access rules and audit as the API handlers.
 */

loadAgreements(); // fail at cold start on an invalid agreement
await loadConsoleClientSecret(); // in AWS, its OpenID client secret from Cognito, once

export const handler = handle(consoleApp);
