import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HomeWrite } from '../../functions/domain/homes.ts';
import { parsePrincipal, type Principal } from '../../functions/domain/principal.ts';
import { resetClients } from '../../functions/store/config.ts';
import { getHome, putHome } from '../../functions/store/homes.ts';
import { createVacancy, getVacancy } from '../../functions/store/vacancies.ts';
import { startDynamoDbLocal, type RunningDynamo } from '../../infra/local/dynamodb-local.ts';
import { provisionTable } from '../../infra/local/provision.ts';
import { homeBody, newUrn } from './homes-fixtures.ts';

/**
 * DynamoDB Local answers a TransactWriteItems before its SQLite COMMIT has run (it queues the
 * COMMIT and does not wait for it), so a kill -9 just after the answer loses a write the hub had
 * acknowledged. The hub's DynamoDB client waits for that commit before a transactional write
 * returns (functions/store/config.ts). Here DynamoDB Local is killed the instant each write
 * returns, restarted on the same folder, and every write must be there.
 */

const dbPath = mkdtempSync(join(tmpdir(), 'hub-commit-'));
let running: RunningDynamo | undefined;
afterAll(async () => {
  await running?.stop();
  rmSync(dbPath, { recursive: true, force: true });
});

async function start(): Promise<void> {
  running = await startDynamoDbLocal({ dbPath });
  // this file's own DynamoDB Local, persisted, in place of the run's in-memory one
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: running.endpoint, TABLE_NAME: 'commit-test' });
  resetClients();
  await provisionTable();
}

/** kill -9 of DynamoDB Local (its Java process), as a killed `npm start` leaves it. */
async function kill9(): Promise<void> {
  process.kill(running!.pid, 'SIGKILL');
  await running!.stop(); // reaps the watchdog shell, which exits with Java
  running = undefined;
}

describe('transactional writes on DynamoDB Local under kill -9', () => {
  it('a vacancy post (a transaction with its home\'s open-bed counter) is all there after DynamoDB Local is killed the instant it was acknowledged', async () => {
    const provider = parsePrincipal('provider:harbour-care') as Principal;
    await start();
    const lost: string[] = [];
    for (let i = 0; i < 3; i++) {
      const urn = newUrn();
      await putHome(provider, urn, homeBody({ name: `Commit ${urn}` }) as HomeWrite);
      const v = await createVacancy(provider, urn, { beds: 1, availableFrom: '2025-01-01', note: `commit ${urn}` });
      await kill9();
      await start();
      if (!(await getVacancy(v.id))) lost.push(`vacancy ${v.id}`);
      const home = await getHome(urn, true);
      if (home?.openBeds !== 1) lost.push(`home ${urn}: openBeds ${home?.openBeds}`);
    }
    expect(lost).toEqual([]);
  }, 240_000);
});
