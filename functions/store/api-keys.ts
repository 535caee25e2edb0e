import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from './ddb.ts';
import { badRequest, notFound } from '../domain/errors.ts';
import { parsePrincipal, principalId, type Principal } from '../domain/principal.ts';
import { config, dynamo } from './config.ts';
import * as keys from './keys.ts';
import { queryAll } from './query.ts';

/**
 * API keys are stored only as SHA-256 hashes; the value is shown once, when created. A key's id
 * — what `hub keys list` shows and `hub keys revoke --key` takes — is the first 16 hex digits of
 * its hash: it names the key without revealing it, and every key ever stored has one.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const ID_LENGTH = 16;
export const apiKeyId = (key: string): string => hashApiKey(key).slice(0, ID_LENGTH);

export async function createApiKey(principal: Principal, now = new Date()): Promise<string> {
  const key = `ceh_${randomBytes(24).toString('base64url')}`;
  const hash = hashApiKey(key);
  await dynamo().send(
    new PutCommand({
      TableName: config.tableName,
      Item: {
        ...keys.apiKey(hash),
        ...keys.apiKeyByPrincipal(principal, hash),
        type: 'apiKey',
        principal: principalId(principal),
        createdAt: now.toISOString(),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return key;
}

export interface ApiKeyInfo {
  id: string;
  createdAt: string;
  revokedAt?: string;
}

/** The principal's keys whose id starts with `idPrefix` (all of them by default). */
async function keysOf(principal: Principal, idPrefix = ''): Promise<(ApiKeyInfo & { pk: unknown; sk: unknown })[]> {
  const { gsi1pk, gsi1skPrefix } = keys.apiKeysOfPrincipal(principal, idPrefix);
  const items = await queryAll({
    TableName: config.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :k)',
    ExpressionAttributeValues: { ':p': gsi1pk, ':k': gsi1skPrefix },
  });
  return items.map((i) => ({
    pk: i.pk,
    sk: i.sk,
    id: keys.apiKeyHashOf(i).slice(0, ID_LENGTH),
    createdAt: String(i.createdAt),
    ...(i.revokedAt ? { revokedAt: String(i.revokedAt) } : {}),
  }));
}

/** The principal's keys (never their values), oldest first. */
export async function listApiKeys(principal: Principal): Promise<ApiKeyInfo[]> {
  return (await keysOf(principal))
    .map(({ id, createdAt, revokedAt }) => ({ id, createdAt, ...(revokedAt ? { revokedAt } : {}) }))
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
}

/**
 * Revokes the principal's live keys — every one, or only the key `keyId` — and answers how many.
 * A `keyId` that names none of the principal's keys is 404 (a key of another principal included).
 */
export async function revokeApiKeys(principal: Principal, opts: { keyId?: string; now?: Date } = {}): Promise<number> {
  const { keyId, now = new Date() } = opts;
  if (keyId !== undefined && !new RegExp(`^[0-9a-f]{${ID_LENGTH}}$`).test(keyId)) {
    throw badRequest(`--key: a key id is ${ID_LENGTH} hex digits, as hub keys list shows (got "${keyId}")`);
  }
  const found = await keysOf(principal, keyId);
  if (keyId !== undefined && found.length === 0) throw notFound(`no key ${keyId} of ${principalId(principal)}`);
  let revoked = 0;
  for (const item of found) {
    if (item.revokedAt) continue;
    await dynamo().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'SET revokedAt = :t',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':t': now.toISOString() },
      }),
    );
    revoked++;
  }
  return revoked;
}

/**
 * Whether the hub knows the principal, so that a key may be made for it: every authority and
 * the programme office; a provider once the hub has homes of it — from the Ofsted import (which
 * records the organisation's profile) or homes it posted (the owner index).
 */
export async function principalIsKnown(principal: Principal): Promise<boolean> {
  if (principal.kind !== 'provider') return true;
  const [profile, homes] = await Promise.all([
    dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.providerProfile(principal.id) })),
    dynamo().send(
      new QueryCommand({
        TableName: config.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': keys.homeByOwner(principalId(principal)).gsi1pk },
        Limit: 1,
      }),
    ),
  ]);
  return profile.Item !== undefined || (homes.Items ?? []).length > 0;
}

/** The principal a key stands for; undefined for an unknown or revoked key. */
export async function principalForApiKey(key: string): Promise<Principal | undefined> {
  if (key.length < 8 || key.length > 256) return undefined;
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: config.tableName, Key: keys.apiKey(hashApiKey(key)), ConsistentRead: true }),
  );
  if (!Item || Item.revokedAt) return undefined;
  return parsePrincipal(String(Item.principal));
}
