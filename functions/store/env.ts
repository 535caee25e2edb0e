import { envCredentials, signRequest } from './sigv4.ts';

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
 * Once: a failed init is retried by Lambda on the next invocation, and a hung call ends at its
 * 10 s init limit.
 */
export async function loadCursorSecret(): Promise<void> {
  if (!inLambda() || cursorKey) return;
  cursorKey = await fetchSecret('CURSOR_SECRET_ARN');
}

let webhookKeyText: string | undefined;

/**
 * The key that encrypts webhook signing secrets at rest (functions/store/webhook-secrets.ts),
 * held like the cursor secret: in Lambda the Secrets Manager secret named by WEBHOOK_KEY_ARN
 * (loadWebhookKey at cold start), elsewhere WEBHOOK_KEY, a random value infra/local keeps in the
 * data folder.
 */
export const webhookKey = (): string => (webhookKeyText ??= required('WEBHOOK_KEY', LONG_ENOUGH));

/** In Lambda, the webhook key from Secrets Manager, fetched once; elsewhere nothing to do. */
export async function loadWebhookKey(): Promise<void> {
  if (!inLambda() || webhookKeyText) return;
  webhookKeyText = await fetchSecret('WEBHOOK_KEY_ARN');
}

/** Locally, after the environment changed; never called in Lambda. */
export function resetWebhookKey(): void {
  webhookKeyText = undefined;
}

/**
 * A 32+ character Secrets Manager secret named by the ARN in `arnVariable`. GetSecretValue is
 * signed by ./sigv4.ts (the signer of every AWS call) with the function's credentials from the
 * environment and sent with fetch.
 * @aws-sdk/client-secrets-manager would add ~40 KB to Lambdas already near their budget for this
 * one call, and the Parameters and Secrets extension cannot be called during init.
 * AWS_ENDPOINT_URL_SECRETS_MANAGER points it elsewhere, as it does the SDK.
 */
async function fetchSecret(arnVariable: string): Promise<string> {
  const SecretId = required(arnVariable, /^arn:aws[a-z-]*:secretsmanager:/);
  const region = required('AWS_REGION');
  const url = new URL(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? `https://secretsmanager.${region}.amazonaws.com/`);
  const body = JSON.stringify({ SecretId });
  const headers = await signedHeaders('secretsmanager', url, 'application/x-amz-json-1.1', 'secretsmanager.GetSecretValue', body);
  const res = await fetch(url, { method: 'POST', headers, body });
  const answer = await res.text();
  const value = res.ok ? (JSON.parse(answer) as { SecretString?: string }).SecretString : undefined;
  if (!LONG_ENOUGH.test(value ?? '')) throw new Error(`Configuration: no 32+ character secret ${SecretId}: HTTP ${res.status} ${answer.slice(0, 200)}`);
  return value!;
}

/**
 * Headers of an AWS JSON-protocol call (`x-amz-target`), SigV4-signed with the execution role's
 * credentials, always in a Lambda's environment. Secrets Manager here; SQS in functions/events/sqs.ts.
 */
export async function signedHeaders(service: string, url: URL, contentType: string, target: string, body: string): Promise<Record<string, string>> {
  const region = required('AWS_REGION');
  return signRequest({ service, region, method: 'POST', host: url.host, path: url.pathname, body, headers: { 'content-type': contentType, 'x-amz-target': target } }, envCredentials());
}
