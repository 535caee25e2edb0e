import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { loadAgreements } from '../../functions/store/agreements.ts';
import { startGateway } from './gateway.ts';
import { startLocalJobs } from './jobs.ts';
import { seedDemoData, seedDemoKeys, seedDemoPeople } from './seed.ts';
import { SERVE_ENV, startLocalStack, type LocalStack } from './stack.ts';
import { startEventDelivery, type EventDelivery } from './event-poller.ts';
import { clearEndpoints, writeEndpoints } from '../../functions/cli/target.ts';

/**
 * `npm start`: the whole hub on this machine. DynamoDB Local and the S3 server persist under
 * .local/, demo principals and data are seeded, and every route is served on PORT (3000).
 * Ctrl-C stops everything; a restart keeps all data. Killed at any moment (kill -9 included), it
 * starts again with nothing acknowledged lost: DynamoDB Local dies with it, what an interrupted
 * S3 write left is repaired, provisioning and seeding finish what they had begun. A start that
 * fails stops what it started and says why.
 */
Object.assign(process.env, SERVE_ENV); // this process serves the routes (stack.ts)
const dataDir = resolve(process.env.HUB_DATA_DIR ?? '.local');
const port = Number(process.env.PORT ?? 3000);
const started = performance.now();

let stack: LocalStack | undefined;
let delivery: EventDelivery | undefined;
let stopping = false;
const stop = async (code = 0) => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping the hub …');
  clearEndpoints();
  await delivery?.stop();
  await stack?.stop();
  process.exit(code);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
process.on('SIGHUP', () => void stop());
// the terminal or wrapper that started the hub is gone (killed with SIGKILL, say): stop with it
const parent = process.ppid;
setInterval(() => process.ppid !== parent && void stop(), 1_000).unref();

try {
  loadAgreements(); // an invalid sharing agreement stops the hub here, naming the file and field
  mkdirSync(dataDir, { recursive: true });
  clearEndpoints(); // a hub killed earlier left its endpoints: nothing serves them now
  console.log('starting DynamoDB Local and the S3 server …');
  stack = await startLocalStack({ dataDir, say: (line) => console.log(line) });
  console.log('seeding demo keys and data …');
  const keysFile = join(dataDir, 'demo-keys.json');
  const keys = await seedDemoKeys(keysFile);
  await seedDemoData({ keys });
  const peopleFile = join(dataDir, 'demo-people.json');
  await seedDemoPeople(peopleFile);
  const server = await startGateway(port, '127.0.0.1', { oidcDataDir: dataDir });
  startLocalJobs(); // the reminders job, on an interval (EventBridge's schedule in AWS)
  // webhooks fire for real: the outbox read from the table's stream, from where it was left
  delivery = startEventDelivery({ say: (line) => console.log(line) });
  const { port: listening } = server.address() as AddressInfo;
  writeEndpoints({ ...stack.env, HUB_OIDC_ISSUER: server.oidc.issuer });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Commission East hub listening on http://127.0.0.1:${listening} (ready in ${seconds} s)`);
  console.log(`  demo API keys: ${keysFile}`);
  console.log(`  sign in:       ${server.oidc.issuer} (OpenID provider; demo people and passwords: ${peopleFile})`);
  console.log(`  data:          ${dataDir} (DynamoDB Local ${stack.env.AWS_ENDPOINT_URL_DYNAMODB}, S3 ${stack.env.AWS_ENDPOINT_URL_S3})`);
  console.log(`  try:           curl -s http://127.0.0.1:${listening}/v1/authorities -H "x-api-key: $(node -p "require('${keysFile}')['authority:essex']")"`);
} catch (e) {
  console.error(`The hub cannot start: ${(e as Error).message}`);
  if (process.env.HUB_DEBUG) console.error(e);
  await stop(1);
}
