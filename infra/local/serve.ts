import { startGateway } from './gateway.ts';

/**
 * Serves the routes against an already running local stack (endpoints from the environment).
 * Used by the test setup and the benchmarks to run the gateway as its own process, the way an
 * integrator meets it. Prints `listening <port>` when ready.
 */
const server = await startGateway(Number(process.env.PORT ?? 0));
const address = server.address();
console.log(`listening ${typeof address === 'object' && address ? address.port : process.env.PORT}`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
