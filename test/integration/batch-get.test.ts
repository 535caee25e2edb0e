import { describe, expect, it } from 'vitest';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet, itemAt } from '../../functions/store/batch-get.ts';
import { config, dynamo } from '../../functions/store/config.ts';
import { unique } from '../support/hub.ts';

/** The store's one many-items read, against DynamoDB Local. */
describe('batchGet', () => {
  it('reads more than 100 keys, asks a repeated key once, leaves out keys with no item', async () => {
    const run = `BATCHTEST#${unique()}`;
    const stored = Array.from({ length: 230 }, (_, i) => ({ pk: `${run}#${i}`, sk: 'X', n: i }));
    for (let i = 0; i < stored.length; i += 25) {
      await dynamo().send(new BatchWriteCommand({ RequestItems: { [config.tableName]: stored.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }
    const wanted = [...stored.map(({ pk, sk }) => ({ pk, sk })), { pk: `${run}#0`, sk: 'X' }, { pk: `${run}#missing`, sk: 'X' }];

    const found = await batchGet(wanted, { consistent: true });
    expect(found).toHaveLength(230);
    expect(found.map((i) => i.n).sort((a, b) => Number(a) - Number(b))).toEqual(stored.map((s) => s.n));
    expect(itemAt(found, { pk: `${run}#7`, sk: 'X' })).toMatchObject({ n: 7 });
    expect(itemAt(found, { pk: `${run}#missing`, sk: 'X' })).toBeUndefined();
    expect(itemAt(found, undefined)).toBeUndefined();
  });
});
