import { GetCommand, QueryCommand } from './ddb.ts';
import { mapBounded } from './bounded.ts';
import { partyOf } from '../domain/accession.ts';
import { REGIONAL_AGREEMENT_ID } from '../domain/disclosure.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import { accessionsFor } from './accessions.ts';
import { agreementInForce } from './agreements.ts';
import { config, dynamo } from './config.ts';
import * as keys from './keys.ts';
import { queryPage, type Page } from './paging.ts';

/**
 * The provider directory (`GET /v1/providers`): every provider organisation the hub knows — its
 * profile, written by the Ofsted import, the demo seed, or its first home posted — in id order
 * (ids are derived from names, so this is near name order and, unlike names, unique and stable
 * for a cursor). Each with how many homes the hub holds of it and whether it is a party to the
 * regional agreement in force.
 */

export interface DirectoryEntry {
  id: string;
  name: string;
  group: string;
  homes: number;
  party: boolean;
}

/** How many homes an owner has (a COUNT query of the owner index; a few pages at most). */
async function homesOf(owner: string): Promise<number> {
  const { gsi1pk, gsi1sk } = keys.homeByOwner(owner);
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config.tableName, IndexName: 'gsi1', Select: 'COUNT', ExclusiveStartKey: start,
        KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :h)', ExpressionAttributeValues: { ':p': gsi1pk, ':h': gsi1sk },
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

/** One page of the directory; the cursor is sealed to this list and caller. */
export async function providersPage(caller: Principal, limit: number, cursor: string | undefined): Promise<Page<DirectoryEntry>> {
  const { gsi2pk, gsi2sk } = keys.providerListing();
  const page = await queryPage(
    { TableName: config.tableName, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p AND begins_with(gsi2sk, :s)', ExpressionAttributeValues: { ':p': gsi2pk, ':s': gsi2sk } },
    { purpose: `providers:${principalId(caller)}`, limit, cursor, map: (i) => ({ id: String(i.id), name: String(i.name), group: String(i.group) }) },
  );
  const agreement = agreementInForce(REGIONAL_AGREEMENT_ID);
  const ids = page.items.map((p) => p.id);
  const [register, homes] = await Promise.all([accessionsFor([agreement], ids), mapBounded(ids, 8, (id) => homesOf(`provider:${id}`))]);
  const items = page.items.map((p, i) => ({ ...p, homes: homes[i]!, party: agreement !== undefined && partyOf(agreement, `provider:${p.id}`, register)?.recipientRole === 'provider' }));
  return { ...page, items };
}

/** The provider's name as its profile has it (its id when the hub has no profile of it). */
export async function providerName(id: string): Promise<string> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.providerProfile(id) }));
  return typeof Item?.name === 'string' ? Item.name : id;
}
