import { createConsole } from './app.tsx';
import { officerJourneys } from './pages/officer.tsx';
import { programmeJourneys } from './pages/programme.tsx';
import { providerJourneys } from './pages/provider.tsx';

/**
 * The console app with every group of journeys: served by the console Lambda
 * (functions/handlers/console.ts) and mounted on the local hub (infra/local/console.ts).
 * The provider's and the programme office's groups come first: each answers the start page for its own principals and passes it on.
 */
export const consoleApp = createConsole([providerJourneys, programmeJourneys, officerJourneys]);
