import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { resetClients } from '../../functions/store/config.ts';
import { sealCursor } from '../../functions/store/cursor.ts';

/**
 * Configuration is read once and fails fast: in Lambda a missing table, bucket or cursor secret
 * fails the cold start (the handler module's import), not a request; the cursor secret comes
 * from Secrets Manager, fetched once per cold start. A Lambda's cold start is played here by
 * importing the real handler module in a fresh Node process with AWS_LAMBDA_FUNCTION_NAME set.
 */

const ARN = 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:CursorSecret-AbCdEf';
const LAMBDA_ENV = {
  PATH: process.env.PATH!,
  HOME: process.env.HOME!,
  AWS_LAMBDA_FUNCTION_NAME: 'hub-reference',
  AWS_REGION: 'eu-west-2',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'session-token-example',
  TABLE_NAME: 'hub-table',
  BUCKET_NAME: 'hub-bucket',
  CURSOR_SECRET_ARN: ARN,
  LOG_LEVEL: 'SILENT',
};

/** Imports `module` as Lambda would at init, then runs `then` (a module body); resolves with the exit code and output. */
function coldStart(env: Record<string, string | undefined>, module: string, then = ''): Promise<{ code: number | null; out: string }> {
  const script = `const m = await import(${JSON.stringify(new URL(`../../${module}`, import.meta.url).href)});\n${then}`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (out += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

/** A stand-in for Secrets Manager on loopback that records what it is asked. */
async function fakeSecretsManager(secret: string) {
  const calls: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      calls.push({ headers: req.headers, body });
      const id = (JSON.parse(body) as { SecretId: string }).SecretId;
      if (id !== ARN) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'no such secret' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ ARN, Name: 'CursorSecret', SecretString: secret }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, calls, close: () => new Promise((r) => server.close(r)) };
}

const authorities = (cursor?: string) =>
  JSON.stringify({
    resource: '/v1/authorities', path: '/v1/authorities', httpMethod: 'GET', headers: {}, multiValueHeaders: {},
    queryStringParameters: { limit: '5', ...(cursor ? { cursor } : {}) }, multiValueQueryStringParameters: { limit: ['5'], ...(cursor ? { cursor: [cursor] } : {}) },
    pathParameters: null, stageVariables: null, body: null, isBase64Encoded: false,
    requestContext: { requestId: 'r1', authorizer: { principal: 'authority:essex' }, identity: { sourceIp: '127.0.0.1' } },
  });

describe('configuration at a Lambda cold start', () => {
  for (const missing of ['TABLE_NAME', 'BUCKET_NAME']) {
    it(`fails the cold start of a table Lambda without ${missing}, naming it`, async () => {
      const sm = await fakeSecretsManager('c'.repeat(40));
      try {
        const r = await coldStart({ ...LAMBDA_ENV, AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.url, [missing]: undefined }, 'functions/handlers/homes.ts');
        expect(r.code).not.toBe(0);
        expect(r.out).toContain(`${missing} is not set`);
      } finally {
        await sm.close();
      }
    }, 60_000);
  }

  it('fails the cold start of a Lambda that seals cursors without CURSOR_SECRET_ARN, naming it, even with a plain CURSOR_SECRET', async () => {
    const r = await coldStart({ ...LAMBDA_ENV, CURSOR_SECRET_ARN: undefined, CURSOR_SECRET: 'x'.repeat(48) }, 'functions/handlers/reference.ts');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('CURSOR_SECRET_ARN is not set');
  }, 60_000);

  it('fetches the cursor secret from Secrets Manager once, signed, and seals with it', async () => {
    const secret = 'a'.repeat(20) + 'secret-from-secrets-manager';
    const sm = await fakeSecretsManager(secret);
    try {
      const r = await coldStart(
        { ...LAMBDA_ENV, AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.url },
        'functions/handlers/reference.ts',
        `const first = await m.handler(${authorities()}, {});
         const next = JSON.parse(first.body).nextCursor;
         const second = await m.handler(${authorities('NEXT').replace('"NEXT"', 'next')}, {});
         console.log(JSON.stringify({ first: first.statusCode, second: second.statusCode, next, items: JSON.parse(second.body).items.length }));`,
      );
      expect(r.code, r.out).toBe(0);
      const answer = JSON.parse(r.out.trim().split('\n').pop()!);
      expect(answer).toMatchObject({ first: 200, second: 200, items: 5 });
      // one call for two requests: at cold start, signed with the function's credentials
      expect(sm.calls).toHaveLength(1);
      expect(sm.calls[0]!.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
      expect(sm.calls[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-2\/secretsmanager\/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$/);
      expect(sm.calls[0]!.headers['x-amz-security-token']).toBe('session-token-example');
      expect(JSON.parse(sm.calls[0]!.body)).toEqual({ SecretId: ARN });
      // the cursor was sealed with the fetched secret, not another
      process.env.CURSOR_SECRET = secret;
      resetClients();
      expect(answer.next).toBe(sealCursor('authorities', { o: 5 }));
    } finally {
      await sm.close();
    }
  }, 60_000);

  it('fails the cold start when Secrets Manager refuses, saying so', async () => {
    const sm = await fakeSecretsManager('b'.repeat(40));
    try {
      const r = await coldStart({ ...LAMBDA_ENV, AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.url, CURSOR_SECRET_ARN: `${ARN}-other` }, 'functions/handlers/reference.ts');
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/no 32\+ character secret .*-other: HTTP 400.*ResourceNotFoundException/);
      expect(sm.calls).toHaveLength(1); // a 4xx is not retried
    } finally {
      await sm.close();
    }
  }, 60_000);
});

describe('configuration outside Lambda', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetClients();
  });

  it('refuses to seal a cursor without CURSOR_SECRET, or with a short one, naming it', () => {
    delete process.env.CURSOR_SECRET;
    resetClients();
    expect(() => sealCursor('p', 1)).toThrow(/CURSOR_SECRET is not set/);
    process.env.CURSOR_SECRET = 'short';
    resetClients();
    expect(() => sealCursor('p', 1)).toThrow(/CURSOR_SECRET is not valid/);
  });

  it('reads the secret once: a change is seen only after resetClients', () => {
    process.env.CURSOR_SECRET = 'k'.repeat(40);
    resetClients();
    const a = sealCursor('p', 1);
    process.env.CURSOR_SECRET = 'j'.repeat(40);
    expect(sealCursor('p', 1)).toBe(a);
    resetClients();
    expect(sealCursor('p', 1)).not.toBe(a);
  });
});
