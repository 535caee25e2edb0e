import { APIGatewayClient, CreateApiKeyCommand, CreateUsagePlanKeyCommand, GetUsagePlansCommand } from '@aws-sdk/client-api-gateway';
import { parsePrincipal, principalId, type Principal } from '../domain/principal.ts';
import { createApiKey, revokeApiKeys } from '../store/api-keys.ts';

/** The usage plan a principal's keys are throttled by (infra/stack.ts names them). */
export function usagePlanName(p: Principal): string {
  if (p.kind === 'authority') return `hub-authority-${p.id}`;
  return p.kind === 'provider' ? 'hub-providers' : 'hub-programme-office';
}

export function principalArg(text: string): Principal {
  const p = parsePrincipal(text);
  if (!p) throw new Error(`not a principal: "${text}" (authority:<slug>, provider:<id> or programme-office)`);
  return p;
}

/** `hub keys create`: stores the key's hash; in AWS also registers it with the principal's usage plan. */
export async function createKeyCommand(principalText: string, opts: { aws: boolean }): Promise<string> {
  const principal = principalArg(principalText);
  const key = await createApiKey(principal);
  if (opts.aws) {
    const apigw = new APIGatewayClient({});
    const plans = await apigw.send(new GetUsagePlansCommand({ limit: 500 }));
    const plan = plans.items?.find((p) => p.name === usagePlanName(principal));
    if (!plan?.id) throw new Error(`usage plan ${usagePlanName(principal)} not found: is the stack deployed in this account and region?`);
    const created = await apigw.send(new CreateApiKeyCommand({ name: `${principalId(principal)}-${Date.now()}`, value: key, enabled: true }));
    await apigw.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: created.id, keyType: 'API_KEY' }));
  }
  return key;
}

export async function revokeKeysCommand(principalText: string): Promise<number> {
  return revokeApiKeys(principalArg(principalText));
}
