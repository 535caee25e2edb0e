import { describe, expect, it } from 'vitest';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { handler } from '../../functions/handlers/authorizer.ts';
import { createApiKey, hashApiKey } from '../../functions/store/api-keys.ts';
import { parsePrincipal } from '../../functions/domain/principal.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config, dynamo } from '../../functions/store/config.ts';
import * as keys from '../../functions/store/keys.ts';

const event = (headers: Record<string, string>): APIGatewayRequestAuthorizerEvent => ({
  type: 'REQUEST',
  methodArn: 'arn:aws:execute-api:eu-west-2:123456789012:abcdef/live/GET/v1/authorities',
  resource: '/v1/authorities',
  path: '/v1/authorities',
  httpMethod: 'GET',
  headers,
  multiValueHeaders: {},
  pathParameters: null,
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  stageVariables: null,
  requestContext: {} as never,
});

describe('the API key authorizer (on DynamoDB Local)', () => {
  it('maps a key to its principal with a whole-API policy, so API Gateway can cache it per key', async () => {
    const key = await createApiKey(parsePrincipal('authority:luton')!);
    const out = await handler(event({ 'X-Api-Key': key, 'x-principal': 'programme-office' }));
    expect(out.principalId).toBe('authority:luton');
    expect(out.context).toEqual({ principal: 'authority:luton' });
    expect(out.usageIdentifierKey).toBe(key);
    expect(out.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-west-2:123456789012:abcdef/live/*/*' },
    ]);
  });

  it('refuses a missing or unknown key', async () => {
    await expect(handler(event({}))).rejects.toThrow('Unauthorized');
    await expect(handler(event({ 'x-api-key': 'ceh_unknown-key-value' }))).rejects.toThrow('Unauthorized');
  });

  it('stores only the hash of a key', async () => {
    const key = await createApiKey(parsePrincipal('provider:harbour-care')!);
    const { Item } = await dynamo().send(new GetCommand({ TableName: config.tableName, Key: keys.apiKey(hashApiKey(key)) }));
    expect(Item).toBeDefined();
    expect(JSON.stringify(Item)).not.toContain(key);
  });
});
