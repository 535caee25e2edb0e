import { createConsole } from './app.tsx';
import { officerJourneys } from './pages/officer.tsx';

/**
 * The console app with every group of journeys: served by the console Lambda
 * (functions/handlers/console.ts) and mounted on the local hub (infra/local/console.ts).
 * Another group (providers, the programme office) is one more entry here.
 */
export const consoleApp = createConsole([officerJourneys]);
