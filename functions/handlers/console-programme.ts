import { handle } from 'hono/aws-lambda';
import { loadAgreements } from '../store/agreements.ts';
import { programmeApp } from '../console/pages/programme.tsx';

/**
 * The console's pages for the programme office: the allocation board, allocations, beds, the ledger, spend and the provider directory (functions/console/pages/programme.tsx), one Lambda of the console
 * (functions/routes/console.ts). It opens the sealed session cookie the shell's sign-in set and
 * has no OpenID client of its own.
 */

loadAgreements(); // fail at cold start on an invalid agreement

export const handler = handle(programmeApp);
