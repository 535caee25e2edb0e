import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { principalId } from '../domain/principal.ts';
import { principalForApiKey } from '../store/api-keys.ts';

/**
 * API Gateway REQUEST authorizer: `x-api-key` → principal. The policy allows the whole API so
 * that API Gateway may cache the answer per key (identity source: the key header) rather than
 * per route; which roles may call which route is enforced by the HTTP edge from functions/routes/index.ts.
 * The key is also the usage identifier, so each authority's usage plan throttles it.
 */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  // More than one x-api-key (repeated, or differing only in case) is ambiguous: `headers` keeps
  // only one of them, and which one would decide the tenant. Refuse rather than pick.
  const sent = Object.entries(event.multiValueHeaders ?? {}).filter(([k]) => k.toLowerCase() === 'x-api-key').flatMap(([, v]) => v ?? []);
  if (sent.length > 1) throw new Error('Unauthorized');
  const key = headers['x-api-key'];
  const principal = key ? await principalForApiKey(key) : undefined;
  if (!principal || !key) throw new Error('Unauthorized');
  const [arnBase] = event.methodArn.split('/', 2);
  const stage = event.methodArn.split('/')[1];
  return {
    principalId: principalId(principal),
    usageIdentifierKey: key,
    context: { principal: principalId(principal) },
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${arnBase}/${stage}/*/*` }],
    },
  };
}
