import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config, dynamo } from '../../functions/store/config.ts';
import { DEMO_PROVIDERS } from '../../infra/local/demo-principals.ts';
import { seedDemoData } from '../../infra/local/seed.ts';
import { call } from '../support/hub.ts';
import { startIsolatedHub, type IsolatedHub } from '../support/isolated.ts';

/**
 * The demo data `npm start` seeds, in a hub of its own: every home a demo provider owns —
 * whichever demo module wrote it (its homes, the pooled beds' homes) — is in its
 * `GET /v1/homes`, because every writer builds the home's item with the one home-record builder.
 */

let hub: IsolatedHub;
beforeAll(async () => {
  hub = await startIsolatedHub('homes-demo');
  await seedDemoData({ keys: {} });
}, 180_000);
afterAll(async () => hub?.stop());

async function ownedInTable(owner: string): Promise<string[]> {
  const urns: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(new ScanCommand({
      TableName: config.tableName, ConsistentRead: true, ExclusiveStartKey: start,
      FilterExpression: '#t = :home AND #o = :owner', ExpressionAttributeNames: { '#t': 'type', '#o': 'owner' },
      ExpressionAttributeValues: { ':home': 'home', ':owner': owner },
    }));
    urns.push(...(page.Items ?? []).map((i) => String(i.urn)));
    start = page.LastEvaluatedKey;
  } while (start);
  return urns.sort();
}

async function listed(owner: string): Promise<string[]> {
  const urns: string[] = [];
  let cursor: string | undefined;
  do {
    const r = await call(owner, 'GET', '/v1/homes', { query: { limit: 100, cursor }, baseUrl: hub.baseUrl, headers: { 'x-api-key': await hub.key(owner) } });
    expect(r.status, r.text).toBe(200);
    urns.push(...r.json.items.map((h: { urn: string }) => h.urn));
    cursor = r.json.nextCursor;
  } while (cursor);
  return urns.sort();
}

describe('demo data: GET /v1/homes', () => {
  it('lists every home each demo provider owns, its pooled-bed homes included', async () => {
    for (const p of DEMO_PROVIDERS) {
      const owner = `provider:${p.id}`;
      const owned = await ownedInTable(owner);
      expect(owned.length, owner).toBeGreaterThan(0);
      expect(await listed(owner), owner).toEqual(owned);
    }
  });
});
