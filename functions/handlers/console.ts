import { handle } from 'hono/aws-lambda';
import { shellApp } from '../console/shell.tsx';
import { loadConsoleClientSecret } from '../console/config.ts';

/**
 * The console's shell Lambda: sign-in and sign-out (OpenID Connect), the start pages, the
 * accessibility statement, the assets, and the 404 page for any /console path no persona's
 * Lambda is sent (functions/routes/console.ts). Behind the same API with no API-key authorizer —
 * the console signs people in itself and acts with the same domain and store code, access rules
 * and audit as the API handlers.
 */

await loadConsoleClientSecret(); // in AWS, its OpenID client secret from Cognito, once

export const handler = handle(shellApp);
