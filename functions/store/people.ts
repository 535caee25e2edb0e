import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { badRequest, conflict } from '../domain/errors.ts';
import { parsePrincipal, personRolesOf, principalId, type PersonRole } from '../domain/principal.ts';
import { config, dynamo } from './config.ts';
import * as keys from './keys.ts';

/**
 * People who sign in at the local OpenID provider (infra/local/oidc.ts; in AWS Cognito keeps
 * them). A person belongs to one organisation (a principal) and holds roles within it. Passwords
 * are kept only as scrypt hashes; `sub` is a random id that never changes, even if the email does.
 */
export interface Person {
  sub: string;
  email: string;
  principal: string;
  roles: PersonRole[];
  createdAt: string;
}

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

function scrypt(password: string, salt: Buffer, o: ScryptOptions & { keylen: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, o.keylen, { N: o.N, r: o.r, p: o.p, maxmem: 64 * 1024 * 1024 }, (e, k) => (e ? reject(e) : resolve(k))),
  );
}

/** `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const got = await scrypt(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p), keylen: expected.length });
  return timingSafeEqual(got, expected);
}

/** A password good enough for a demo person: 20 random characters. */
export const newPassword = (): string => randomBytes(15).toString('base64url');

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,63}$/;

/** The person as given, checked: a real-looking email, a principal the hub's format knows, roles its kind may hold. */
export function checkPerson(input: { email: string; principal: string; roles: readonly string[] }): { email: string; principal: string; roles: PersonRole[] } {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw badRequest(`not an email address: "${input.email}"`);
  const principal = parsePrincipal(input.principal);
  if (!principal) throw badRequest(`not a principal: "${input.principal}" (authority:<slug>, provider:<id> or programme-office)`);
  const roles = personRolesOf(principal.kind, input.roles);
  const refused = input.roles.filter((r) => !(roles as string[]).includes(r));
  if (refused.length > 0 || roles.length === 0) {
    throw badRequest(`roles for ${principalId(principal)}: ${refused.length ? `"${refused.join(' ')}" not allowed; ` : ''}give one or more of the roles its kind of organisation has`);
  }
  return { email, principal: principalId(principal), roles };
}

function toPerson(item: Record<string, unknown>): Person {
  return {
    sub: String(item.sub),
    email: String(item.email),
    principal: String(item.principal),
    roles: (item.roles as PersonRole[]) ?? [],
    createdAt: String(item.createdAt),
  };
}

/**
 * Adds a person with this password (hashed here). An email already taken → 409, unless
 * `replace` (the demo seed resetting a demo person's password and roles; `sub` is kept).
 */
export async function addPerson(
  input: { email: string; principal: string; roles: readonly string[]; password: string },
  opts: { replace?: boolean; now?: Date } = {},
): Promise<Person> {
  const { email, principal, roles } = checkPerson(input);
  if (input.password.length < 12) throw badRequest('a password has at least 12 characters');
  const existing = opts.replace ? await personRecord(email) : undefined;
  const sub = existing ? String(existing.sub) : `psn_${randomBytes(10).toString('hex')}`;
  const createdAt = existing ? String(existing.createdAt) : (opts.now ?? new Date()).toISOString();
  try {
    await dynamo().send(
      new PutCommand({
        TableName: config.tableName,
        Item: {
          ...keys.person(email),
          ...keys.personBySub(sub),
          ...keys.peopleOf(principal, email),
          type: 'person',
          sub,
          email,
          principal,
          roles,
          passwordHash: await hashPassword(input.password),
          createdAt,
        },
        ...(opts.replace ? {} : { ConditionExpression: 'attribute_not_exists(pk)' }),
      }),
    );
  } catch (e) {
    if ((e as Error).name === 'ConditionalCheckFailedException') throw conflict(`${email} is already a person of the hub`);
    throw e;
  }
  return { sub, email, principal, roles, createdAt };
}

async function personRecord(email: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.person(email), ConsistentRead: true }));
  return Item;
}

/** The person with this email and password; undefined for an unknown email or a wrong password (the same answer, the same work). */
export async function personWithPassword(email: string, password: string): Promise<Person | undefined> {
  const item = await personRecord(email.trim());
  // an unknown email costs the same scrypt as a wrong password, so timing does not tell which
  const ok = await passwordMatches(password, item ? String(item.passwordHash) : DUMMY_HASH);
  return item && ok ? toPerson(item) : undefined;
}
const DUMMY_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(32).toString('base64url')}`;

export async function personByEmail(email: string): Promise<Person | undefined> {
  const item = await personRecord(email.trim());
  return item ? toPerson(item) : undefined;
}

/** The person a token's `sub` names. */
export async function personBySub(sub: string): Promise<Person | undefined> {
  const { gsi1pk } = keys.personBySub(sub);
  const { Items } = await dynamo().send(
    new QueryCommand({ TableName: config.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': gsi1pk }, Limit: 1 }),
  );
  const item = Items?.[0];
  return item ? toPerson(item) : undefined;
}
