import { startEventDelivery } from './event-poller.ts';

/**
 * Event delivery on its own against an already running local stack (endpoints and table from the
 * environment), as `npm start` runs it beside the gateway. The tests run it as its own process so
 * that they can kill it (-9) between a change and its delivery. Prints `delivering` when started.
 */
const delivery = startEventDelivery({ say: (line) => console.error(line) });
console.log('delivering');
process.on('SIGTERM', () => void delivery.stop().then(() => process.exit(0)));
