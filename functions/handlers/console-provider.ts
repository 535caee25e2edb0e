import { handle } from 'hono/aws-lambda';
import { loadAgreements } from '../store/agreements.ts';
import { providerApp } from '../console/pages/provider.tsx';

/**
 * The console's pages for a provider's staff: referrals shared with it, its offers, homes, vacancies and the placements in its homes (functions/console/pages/provider.tsx), one Lambda of the console
 * (functions/routes/console.ts). It opens the sealed session cookie the shell's sign-in set and
 * has no OpenID client of its own.
 */

loadAgreements(); // fail at cold start on an invalid agreement

export const handler = handle(providerApp);
