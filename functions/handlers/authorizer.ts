import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { principalId, usagePlanName, type Principal } from '../domain/principal.ts';
import { principalForApiKey, principalIsKnown } from '../store/api-keys.ts';
import { bearerToken, verifyAccessToken } from '../http/bearer.ts';

/**
 * API Gateway REQUEST authorizer: a system's `x-api-key`, or a person's `Authorization: Bearer`
 * access token (functions/http/bearer.ts: signature, issuer, audience, expiry), → the principal,
 * and for a person their `sub` and roles (space-separated) in the context the edge reads. The
 * policy allows the whole API; which principals and roles may call which route is enforced by
 * the HTTP edge from functions/routes/index.ts. Both headers at once → allowed with no principal
 * and `credentials: both`, so that the edge answers 400 (an authorizer can only say 401, 403 or 500).
 * Not cached by API Gateway (TTL 0: its cache key would need every identity source present, and a
 * call carries one or the other); the key lookup is one GetItem, the token check uses keys cached here.
 */
const KNOWN_FOR_MS = 5 * 60_000;
const knownProviders = new Map<string, number>();

/** Whether the hub knows the token's organisation (every authority and the programme office; a provider with homes or a profile). */
async function known(principal: Principal): Promise<boolean> {
  if (principal.kind !== 'provider') return true;
  if ((knownProviders.get(principal.id) ?? 0) > Date.now()) return true;
  const yes = await principalIsKnown(principal);
  if (yes) knownProviders.set(principal.id, Date.now() + KNOWN_FOR_MS);
  return yes;
}

function sent(event: APIGatewayRequestAuthorizerEvent, name: string): string[] {
  const multi = Object.entries(event.multiValueHeaders ?? {}).filter(([k]) => k.toLowerCase() === name).flatMap(([, v]) => v ?? []);
  if (multi.length > 0) return multi;
  return Object.entries(event.headers ?? {}).filter(([k, v]) => k.toLowerCase() === name && v !== undefined).map(([, v]) => v!);
}

export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  // More than one x-api-key or Authorization (repeated, or differing only in case) is ambiguous:
  // which one would decide the tenant? Refuse rather than pick.
  const keys = sent(event, 'x-api-key');
  const auths = sent(event, 'authorization');
  if (keys.length > 1 || auths.length > 1) throw new Error('Unauthorized');
  const [arnBase] = event.methodArn.split('/', 2);
  const stage = event.methodArn.split('/')[1];
  const allow = (id: string, context: Record<string, string>, usageIdentifierKey?: string): APIGatewayAuthorizerResult => ({
    principalId: id,
    ...(usageIdentifierKey ? { usageIdentifierKey } : {}),
    context,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${arnBase}/${stage}/*/*` }],
    },
  });
  const [key] = keys;
  const [authorization] = auths;
  if (key !== undefined && authorization !== undefined) return allow('anonymous', { credentials: 'both' }, key);
  if (key !== undefined) {
    const principal = await principalForApiKey(key);
    if (!principal) throw new Error('Unauthorized');
    return allow(principalId(principal), { principal: principalId(principal) }, key);
  }
  const token = bearerToken(authorization);
  const who = token ? await verifyAccessToken(token) : undefined;
  if (!who || !(await known(who.principal))) throw new Error('Unauthorized');
  const principal = principalId(who.principal);
  return allow(principal, { principal, person: who.person, roles: who.roles.join(' ') }, peopleUsageKey(who.principal));
}

/**
 * The API Gateway key a person's calls count against (infra/stack.ts: one "people" key per usage
 * plan, its values in HUB_PEOPLE_USAGE_KEYS as JSON plan → value); none locally.
 */
let usageKeys: Record<string, string> | undefined;
function peopleUsageKey(p: Principal): string | undefined {
  usageKeys ??= JSON.parse(process.env.HUB_PEOPLE_USAGE_KEYS ?? '{}') as Record<string, string>;
  return usageKeys[usagePlanName(p)];
}
