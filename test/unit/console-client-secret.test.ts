import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The console's OpenID client secret in AWS (functions/console/config.ts): read once at cold start
 * from Cognito's DescribeUserPoolClient, signed with the Lambda's credentials; never from an
 * environment variable in Lambda. fetch is replaced here (unit tests have no network); the stack
 * test (test/infra/stack.test.ts) pins the grant and the environment.
 */
const ENV = { AWS_REGION: 'eu-west-2', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-key', AWS_SESSION_TOKEN: 'session-token' };

describe('the console client secret from Cognito', () => {
  const saved = { ...process.env };
  let calls: { url: string; init: RequestInit }[];

  beforeEach(() => {
    vi.resetModules();
    Object.assign(process.env, ENV);
    calls = [];
  });
  afterEach(() => {
    process.env = { ...saved };
    vi.unstubAllGlobals();
  });

  const answer = (status: number, body: unknown) =>
    vi.stubGlobal('fetch', async (url: URL, init: RequestInit) => {
      calls.push({ url: String(url), init });
      return new Response(JSON.stringify(body), { status });
    });

  it('asks Cognito, signed for cognito-idp in the region, for exactly this pool and client', async () => {
    answer(200, { UserPoolClient: { ClientId: 'abc123', ClientSecret: 'the-secret-cognito-generated' } });
    const { describeClientSecret } = await import('../../functions/console/config.ts');
    await expect(describeClientSecret('eu-west-2_AbC123', 'abc123')).resolves.toBe('the-secret-cognito-generated');
    expect(calls).toHaveLength(1);
    const { url, init } = calls[0]!;
    expect(url).toBe('https://cognito-idp.eu-west-2.amazonaws.com/');
    expect(init.method).toBe('POST');
    expect(JSON.parse(String(init.body))).toEqual({ UserPoolId: 'eu-west-2_AbC123', ClientId: 'abc123' });
    const headers = init.headers as Record<string, string>;
    expect(headers['x-amz-target']).toBe('AWSCognitoIdentityProviderService.DescribeUserPoolClient');
    expect(headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-2\/cognito-idp\/aws4_request, SignedHeaders=[^,]*x-amz-target/);
    expect(headers['x-amz-security-token']).toBe('session-token');
  });

  it('fails, naming the pool and client, when Cognito refuses or the client has no secret', async () => {
    const { describeClientSecret } = await import('../../functions/console/config.ts');
    answer(400, { __type: 'AccessDeniedException', message: 'not authorized' });
    await expect(describeClientSecret('eu-west-2_AbC123', 'abc123')).rejects.toThrow(/no client secret for abc123 in eu-west-2_AbC123: HTTP 400 .*AccessDenied/);
    answer(200, { UserPoolClient: { ClientId: 'abc123' } });
    await expect(describeClientSecret('eu-west-2_AbC123', 'abc123')).rejects.toThrow(/no client secret/);
  });

  it('in Lambda: loaded once at cold start, and an environment variable holding a secret is ignored', async () => {
    Object.assign(process.env, { AWS_LAMBDA_FUNCTION_NAME: 'consoleFn', HUB_COGNITO_USER_POOL_ID: 'eu-west-2_AbC123', HUB_CONSOLE_CLIENT_ID: 'abc123', HUB_CONSOLE_CLIENT_SECRET: 'plain-text-in-env', HUB_OIDC_CONSOLE_CLIENT_SECRET: 'plain-text-in-env' });
    answer(200, { UserPoolClient: { ClientSecret: 'from-cognito' } });
    const { consoleConfig, loadConsoleClientSecret } = await import('../../functions/console/config.ts');
    expect(consoleConfig().clientSecret).toBeUndefined();
    await loadConsoleClientSecret();
    await loadConsoleClientSecret();
    expect(consoleConfig().clientSecret).toBe('from-cognito');
    expect(calls).toHaveLength(1);
  });

  it('in Lambda without the pool id: the cold start fails naming the variable', async () => {
    Object.assign(process.env, { AWS_LAMBDA_FUNCTION_NAME: 'consoleFn', HUB_CONSOLE_CLIENT_ID: 'abc123' });
    delete process.env.HUB_COGNITO_USER_POOL_ID;
    answer(200, {});
    const { loadConsoleClientSecret } = await import('../../functions/console/config.ts');
    await expect(loadConsoleClientSecret()).rejects.toThrow('Configuration: HUB_COGNITO_USER_POOL_ID is not set');
    expect(calls).toHaveLength(0);
  });

  it('locally: the local provider\'s secret from the environment, and no call', async () => {
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    process.env.HUB_OIDC_CONSOLE_CLIENT_SECRET = 'local-provider-secret';
    answer(200, {});
    const { consoleConfig, loadConsoleClientSecret } = await import('../../functions/console/config.ts');
    await loadConsoleClientSecret();
    expect(consoleConfig().clientSecret).toBe('local-provider-secret');
    expect(calls).toHaveLength(0);
  });
});
