import { createConsole } from './app.tsx';
import { officerJourneys } from './pages/officer.tsx';
import { providerJourneys } from './pages/provider.tsx';

/**
 * The console app with every group of journeys: served by the console Lambda
 * (functions/handlers/console.ts) and mounted on the local hub (infra/local/console.ts).
 * The provider's group comes first: it answers the start page for a provider and passes it on.
 */
export const consoleApp = createConsole([providerJourneys, officerJourneys]);
