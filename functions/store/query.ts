import { QueryCommand, type QueryCommandInput } from './ddb.ts';
import { config, dynamo } from './config.ts';

/**
 * Every item of a DynamoDB Query, page by page: the store's one `LastEvaluatedKey` loop. Lists
 * the API pages use ./paging.ts (sealed cursors) instead.
 */

type Item = Record<string, unknown>;
type StartKey = Record<string, unknown>;

/** What Queries cost, as DynamoDB answered: requests sent and items read (ScannedCount: before any filter). */
export interface QueryCounts {
  queries: number;
  read: number;
}

/**
 * Every page of a Query, in order (the one `LastEvaluatedKey` loop), from the start or after
 * `input.ExclusiveStartKey`; `counts`, when given, adds up what each page cost.
 */
export async function* queryPages(input: QueryCommandInput, counts?: QueryCounts): AsyncGenerator<Item[]> {
  let start: StartKey | undefined = input.ExclusiveStartKey;
  do {
    const out = await dynamo().send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    if (counts) {
      counts.queries++;
      counts.read += out.ScannedCount ?? out.Items?.length ?? 0;
    }
    yield out.Items ?? [];
    start = out.LastEvaluatedKey;
  } while (start);
}

/** Every item of a Query. */
export async function queryAll(input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Item[]> {
  const all: Item[] = [];
  for await (const page of queryPages(input)) all.push(...page);
  return all;
}

/** Every item of a partition whose sort key starts with `skPrefix` (the `keys.*Prefix` shapes), strongly consistent. */
export function queryPrefix(key: { pk: string; skPrefix: string }): Promise<Item[]> {
  return queryAll({
    TableName: config.tableName,
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
    ExpressionAttributeValues: { ':p': key.pk, ':s': key.skPrefix },
    ConsistentRead: true,
  });
}
