import { afterEach, describe, expect, it } from 'vitest';
import { dynamo, resetClients } from '../../functions/store/config.ts';

/** The wait for DynamoDB Local's commit (functions/store/config.ts) is for DynamoDB Local only, never AWS. */
describe('the DynamoDB client', () => {
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  afterEach(() => {
    if (endpoint === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    else process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
    resetClients();
  });
  const middleware = () => dynamo().middlewareStack.identify().join(' ');

  it('against DynamoDB Local (an endpoint of its own) waits for the commit of a transactional write', () => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:8000';
    resetClients();
    expect(middleware()).toContain('awaitDynamoDbLocalCommit');
  });

  it('against AWS adds nothing to a transactional write', () => {
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    resetClients();
    expect(middleware()).not.toContain('awaitDynamoDbLocalCommit');
  });
});
