import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAgreements } from '../../functions/store/agreements.ts';
import { startGateway } from './gateway.ts';
import { seedDemoData, seedDemoKeys } from './seed.ts';
import { startLocalStack } from './stack.ts';
import { clearEndpoints, writeEndpoints } from '../../functions/cli/target.ts';

/**
 * `npm start`: the whole hub on this machine. DynamoDB Local and the S3 server persist under
 * .local/, demo principals and data are seeded, and every route is served on PORT (3000).
 * Ctrl-C stops everything; a restart keeps all data.
 */
const dataDir = resolve(process.env.HUB_DATA_DIR ?? '.local');
const port = Number(process.env.PORT ?? 3000);
const started = performance.now();

try {
  loadAgreements(); // an invalid sharing agreement stops the hub here, naming the file and field
} catch (e) {
  console.error(`The hub cannot start: ${(e as Error).message}`);
  process.exit(1);
}

mkdirSync(dataDir, { recursive: true });
const stack = await startLocalStack({ dataDir });
let stopping = false;
const stop = async (code = 0) => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping the hub …');
  clearEndpoints();
  await stack.stop();
  process.exit(code);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

try {
  const keysFile = join(dataDir, 'demo-keys.json');
  const keys = await seedDemoKeys(keysFile);
  await seedDemoData({ keys });
  await startGateway(port);
  writeEndpoints(stack.env);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Commission East hub listening on http://127.0.0.1:${port} (ready in ${seconds} s)`);
  console.log(`  demo API keys: ${keysFile}`);
  console.log(`  data:          ${dataDir} (DynamoDB Local ${stack.env.AWS_ENDPOINT_URL_DYNAMODB}, S3 ${stack.env.AWS_ENDPOINT_URL_S3})`);
  console.log(`  try:           curl -s http://127.0.0.1:${port}/v1/authorities -H "x-api-key: $(node -p "require('${keysFile}')['authority:essex']")"`);
} catch (e) {
  console.error(e);
  await stop(1);
}
