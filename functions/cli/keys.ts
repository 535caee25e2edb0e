import {
  APIGatewayClient, CreateApiKeyCommand, CreateUsagePlanKeyCommand, FlushStageAuthorizersCacheCommand, GetUsagePlansCommand,
  type UsagePlan,
} from '@aws-sdk/client-api-gateway';
import { parsePrincipal, principalId, usagePlanName, type Principal } from '../domain/principal.ts';
import { apiKeyId, createApiKey, listApiKeys, principalIsKnown, revokeApiKeys, type ApiKeyInfo } from '../store/api-keys.ts';

/** The API Gateway client the AWS paths use (a test passes its own). */
export type ApiGateway = Pick<APIGatewayClient, 'send'>;


export function principalArg(text: string): Principal {
  const p = parsePrincipal(text);
  if (!p) throw new Error(`not a principal: "${text}" (authority:<slug>, provider:<id> or programme-office)`);
  return p;
}

/** The deployed usage plan of the principal's keys. */
async function usagePlanOf(apigw: ApiGateway, principal: Principal): Promise<UsagePlan & { id: string }> {
  const plans = await apigw.send(new GetUsagePlansCommand({ limit: 500 }));
  const plan = plans.items?.find((p) => p.name === usagePlanName(principal));
  if (!plan?.id) throw new Error(`usage plan ${usagePlanName(principal)} not found: is the stack deployed in this account and region?`);
  return plan as UsagePlan & { id: string };
}

/**
 * `hub keys create`: stores the key's hash and answers the key (shown once) and its id; in AWS
 * also registers it with the principal's usage plan. A principal the hub does not know (a
 * provider it has no homes of) is refused before anything is written.
 */
export async function createKeyCommand(principalText: string, opts: { aws: boolean; apigw?: ApiGateway }): Promise<{ key: string; id: string }> {
  const principal = principalArg(principalText);
  if (!(await principalIsKnown(principal))) {
    throw new Error(`the hub does not know ${principalId(principal)}: a provider is known once it has homes (the Ofsted import or homes it posted)`);
  }
  const key = await createApiKey(principal);
  if (opts.aws) {
    const apigw = opts.apigw ?? new APIGatewayClient({});
    const plan = await usagePlanOf(apigw, principal);
    const created = await apigw.send(new CreateApiKeyCommand({ name: `${principalId(principal)}-${Date.now()}`, value: key, enabled: true }));
    await apigw.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: created.id, keyType: 'API_KEY' }));
  }
  return { key, id: apiKeyId(key) };
}

/** `hub keys list`: the principal's keys — id, when created, and whether revoked — never their values. */
export async function listKeysCommand(principalText: string): Promise<ApiKeyInfo[]> {
  return listApiKeys(principalArg(principalText));
}

export interface Revoked {
  revoked: number;
  /** In AWS, the API stages whose authorizer cache was flushed (`<rest api id>/<stage>`). */
  flushed: string[];
}

/**
 * `hub keys revoke`: marks every key of the principal revoked, or only the one `keyId` names. In AWS the API Gateway authorizer
 * caches its answer per key (infra/stack.ts), so the revocation is followed by a flush of the
 * authorizer cache of every stage the principal's usage plan serves: the next request with a
 * revoked key runs the authorizer again and is 401. (Locally nothing caches: revocation is
 * immediate.) The flush comes after the revocation is written, so no answer cached before it
 * outlives it; it runs even when no key was left to revoke, as one revoked earlier may still be
 * cached.
 */
export async function revokeKeysCommand(principalText: string, opts: { aws: boolean; apigw?: ApiGateway; keyId?: string }): Promise<Revoked> {
  const principal = principalArg(principalText);
  const revoked = await revokeApiKeys(principal, opts.keyId === undefined ? {} : { keyId: opts.keyId });
  const flushed: string[] = [];
  if (opts.aws) {
    const apigw = opts.apigw ?? new APIGatewayClient({});
    const plan = await usagePlanOf(apigw, principal);
    const stages = (plan.apiStages ?? []).filter((s) => s.apiId && s.stage);
    if (stages.length === 0) throw new Error(`revoked ${revoked} key(s), but usage plan ${plan.name} serves no API stage whose authorizer cache could be flushed`);
    for (const { apiId, stage } of stages) {
      await apigw.send(new FlushStageAuthorizersCacheCommand({ restApiId: apiId, stageName: stage }));
      flushed.push(`${apiId}/${stage}`);
    }
  }
  return { revoked, flushed };
}
