import { handle } from 'hono/aws-lambda';
import { searchApp } from '../console/pages/search.tsx';

/**
 * The console's "Find a home" for a local authority's placement officers: the search, its results
 * and their map (functions/console/pages/search.tsx), one Lambda of the console
 * (functions/routes/console.ts). It opens the sealed session cookie the shell's sign-in set and
 * has no OpenID client of its own; it reads no sharing agreement (the search shares nothing).
 */

export const handler = handle(searchApp);
