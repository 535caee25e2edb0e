import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from './sha256.ts';

/**
 * Configuration from the environment, read once and checked at once, with no AWS SDK (the
 * Lambdas that touch no table import this too: test/infra/bundles.test.ts). ./config.ts reads
 * the table and bucket names through `required`; the key that seals list cursors (./cursor.ts)
 * is here:
 * - in Lambda, the Secrets Manager secret named by CURSOR_SECRET_ARN, fetched once at cold start
 *   (cursor.ts awaits loadCursorSecret when it loads) — never a plain environment value;
 * - elsewhere, CURSOR_SECRET: a random value infra/local keeps in the data folder.
 * A missing or malformed value is an error naming the variable; in Lambda it fails the cold start
 * (in Lambda the stack, infra/stack.ts, sets every one; locally infra/local does).
 */

export const inLambda = (): boolean => process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined;

/** The variable's value; an error naming it if it is missing or does not match `valid`. */
export function required(name: string, valid = /./): string {
  const value = process.env[name];
  if (!value || !valid.test(value)) throw new Error(`Configuration: ${name} is ${value ? 'not valid' : 'not set'}`);
  return value;
}

const LONG_ENOUGH = /^.{32,}$/s;
let cursorKey: string | undefined;

/** The cursor-sealing key (in Lambda, fetched at cold start by loadCursorSecret). */
export const cursorSecret = (): string => (cursorKey ??= required('CURSOR_SECRET', LONG_ENOUGH));

/** Locally, after the environment changed (tests, the local launcher); never called in Lambda. */
export function resetCursorSecret(): void {
  cursorKey = undefined;
}

/**
 * In Lambda, the cursor secret from Secrets Manager, fetched once; elsewhere nothing to do.
 * GetSecretValue is signed with AWS's own SigV4 signer (the one the DynamoDB client carries
 * anyway) with the function's credentials from the environment and sent with fetch. Once: a
 * failed init is retried by Lambda on the next invocation, and a hung call ends at its 10 s init
 * limit. @aws-sdk/client-secrets-manager would add ~40 KB
 * to Lambdas already at their 300 KB budget for this one call, and the Parameters and Secrets
 * extension cannot be called during init. AWS_ENDPOINT_URL_SECRETS_MANAGER points it elsewhere,
 * as it does the SDK.
 */
export async function loadCursorSecret(): Promise<void> {
  if (!inLambda() || cursorKey) return;
  const SecretId = required('CURSOR_SECRET_ARN', /^arn:aws[a-z-]*:secretsmanager:/);
  const region = required('AWS_REGION');
  const url = new URL(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? `https://secretsmanager.${region}.amazonaws.com/`);
  // the execution role's, always in a Lambda's environment
  const { AWS_ACCESS_KEY_ID: accessKeyId = '', AWS_SECRET_ACCESS_KEY: secretAccessKey = '', AWS_SESSION_TOKEN: sessionToken } = process.env;
  const credentials = { accessKeyId, secretAccessKey, sessionToken };
  const body = JSON.stringify({ SecretId });
  const { headers } = await new SignatureV4({ service: 'secretsmanager', region, credentials, sha256: Sha256 }).sign({
    method: 'POST', protocol: url.protocol, hostname: url.hostname, port: Number(url.port) || undefined, path: url.pathname, body,
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
  });
  const res = await fetch(url, { method: 'POST', headers, body });
  const answer = await res.text();
  if (res.ok) cursorKey = (JSON.parse(answer) as { SecretString?: string }).SecretString;
  if (!LONG_ENOUGH.test(cursorKey ?? '')) throw new Error(`Configuration: no 32+ character secret ${SecretId}: HTTP ${res.status} ${answer.slice(0, 200)}`);
}
