import { handle } from 'hono/aws-lambda';
import { loadAgreements } from '../store/agreements.ts';
import { officerApp } from '../console/pages/officer.tsx';

/**
 * The console's pages for a local authority's placement officers: referrals, offers, placements, notices (functions/console/pages/officer.tsx; its search is console-search), one Lambda of the console
 * (functions/routes/console.ts). It opens the sealed session cookie the shell's sign-in set and
 * has no OpenID client of its own.
 */

loadAgreements(); // fail at cold start on an invalid agreement

export const handler = handle(officerApp);
