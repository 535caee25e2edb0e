import { GetCommand, PutCommand, UpdateCommand } from '../ddb.ts';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { notFound, unprocessable } from '../../domain/errors.ts';
import { principalId, type Principal } from '../../domain/principal.ts';
import { bedNotAvailable, PoolRefusal, type Bed, type NewBed } from '../../domain/pool.ts';
import { dynamo } from '../config.ts';
import { getHome } from '../homes.ts';
import * as keys from '../keys.ts';
import { queryPage, type Page } from '../paging.ts';
import { queryAll } from '../query.ts';
import { newId, record, recordOf, table } from './records.ts';

/** Pooled beds: registration, reads and service status (taking and freeing one: ./take.ts). */

/** Registers a pooled bed, available from its contract start. `id` only for seeding fixed demo data. */
export async function createBed(by: Principal, bed: NewBed, opts: { id?: string; now?: Date } = {}): Promise<Bed> {
  const now = opts.now ?? new Date();
  const id = opts.id ?? `bed_${newId(now.getTime())}`;
  const item: Bed = { id, ...bed, status: 'available', availableFrom: bed.from, createdAt: now.toISOString(), createdBy: principalId(by), version: 1 };
  await dynamo().send(
    new PutCommand({
      TableName: table(),
      Item: { ...keys.poolBed(id), ...keys.poolBedList(id), type: 'poolBed', ...item },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return item;
}

/** `POST /v1/pool/beds`: a bed on a home the hub knows (422 naming homeUrn otherwise). */
export async function registerBed(by: Principal, bed: NewBed): Promise<Bed> {
  if (!(await getHome(bed.homeUrn))) {
    throw unprocessable('No home with this URN is known to the hub; register the home first.', [{ path: 'homeUrn', message: 'unknown home' }]);
  }
  return createBed(by, bed);
}

export async function getBed(id: string, consistent = false): Promise<Bed | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: table(), Key: keys.poolBed(id), ConsistentRead: consistent }));
  return recordOf<Bed>(Item);
}

/** The bed, or 404. */
export async function readBed(id: string): Promise<Bed> {
  const bed = await getBed(id);
  if (!bed) throw notFound('No such pooled bed.');
  return bed;
}

const everyBed = () => {
  const { gsi1pk } = keys.poolBeds();
  return { TableName: table(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': gsi1pk } };
};

/** One page of every bed, in id order; the cursor is `who`'s alone. */
export function listBeds(who: Principal, limit: number, cursor?: string): Promise<Page<Bed>> {
  return queryPage(everyBed(), { purpose: `pool-beds:${principalId(who)}`, limit, cursor, map: (i) => record<Bed>(i) });
}

export async function allBeds(): Promise<Bed[]> {
  return (await queryAll(everyBed())).map((i) => record<Bed>(i));
}

/** Takes a free bed out of service or puts it back; an occupied bed → 409, an unknown one 404. */
export async function setBedStatus(id: string, status: 'available' | 'out-of-service'): Promise<Bed> {
  try {
    const { Attributes } = await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.poolBed(id),
        UpdateExpression: 'SET #s = :s, version = version + :one',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(allocation)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': status, ':one': 1 },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return record<Bed>(Attributes!);
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    if (!e.Item) throw new PoolRefusal('not-found', 'no-such-bed', 'id', 'No such pooled bed.');
    throw bedNotAvailable('The bed is occupied: end its allocation first.', 'status');
  }
}
