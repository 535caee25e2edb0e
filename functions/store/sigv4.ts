import aws4 from 'aws4';

/**
 * Credentials, region and SigV4 signing for every AWS call the Lambdas make: DynamoDB (./ddb.ts),
 * S3 (./objects.ts), Secrets Manager (./env.ts), SQS (../events/sqs.ts), Cognito (../console/config.ts).
 *
 * Signing is aws4 (mhart, zero dependencies, node:crypto): ~8 KB minified, where
 * @smithy/signature-v4 with the @smithy/core parts it pulls in was ~15 KB, and about a third of
 * its CPU per request (measured on a DynamoDB UpdateItem: ~17–26 µs against ~50–69 µs). It keeps
 * each derived signing key (per secret, day, region and service) in a small LRU, so a request costs
 * two hashes and one HMAC.
 *
 * Credentials and region: inside a Lambda always in its environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION), and the local hub sets static ones the
 * same way; so no SDK provider chain is bundled. The CLI against AWS (../cli/target.ts) hands in
 * the SDK's node chain with `useAwsIdentity` (it is never bundled into a Lambda).
 */

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface AwsIdentity {
  region: () => Promise<string>;
  credentials: () => Promise<AwsCredentials>;
}

/** The environment's credentials (as the SDK's fromEnv reads them); an error naming what is missing. */
export function envCredentials(): AwsCredentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken, AWS_CREDENTIAL_EXPIRATION: expiry } = process.env;
  if (!accessKeyId || !secretAccessKey) throw new Error('Configuration: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}), ...(expiry ? { expiration: new Date(expiry) } : {}) };
}

/** The environment's region (AWS_REGION, which Lambda always sets). */
export function envRegion(): string {
  const region = process.env.AWS_REGION;
  if (!region) throw new Error('Configuration: AWS_REGION is not set');
  return region;
}

const fromEnvironment: AwsIdentity = { region: async () => envRegion(), credentials: async () => envCredentials() };
let identity: AwsIdentity = fromEnvironment;

/**
 * Where credentials and region come from for clients made from now on (store/config.ts
 * `resetClients` makes them again): the SDK's node chain for the CLI against AWS; undefined for
 * the environment again.
 */
export function useAwsIdentity(chosen: Partial<AwsIdentity> | undefined): void {
  identity = { ...fromEnvironment, ...chosen };
}

/** The identity clients use (the environment unless the CLI chose otherwise). */
export const awsIdentity = (): AwsIdentity => identity;

export interface ToSign {
  service: string;
  region: string;
  method: string;
  /** host[:port], as sent in the host header. */
  host: string;
  /** Already percent-encoded (S3 keys: ./objects.ts encodeKey). */
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Hashed into the signature unless headers['x-amz-content-sha256'] says the payload's hash (S3). */
  body?: string;
  date?: Date;
}

const SIGNED_RANGE = { range: true };
const amzDate = (d: Date): string => d.toISOString().replace(/[:-]|\.\d{3}/g, '');

/** The request's headers with x-amz-date, x-amz-security-token (when a session) and authorization, all lower-case. */
export function signRequest(req: ToSign, credentials: AwsCredentials): Record<string, string> {
  const headers: Record<string, string> = { ...req.headers, host: req.host, 'x-amz-date': amzDate(req.date ?? new Date()) };
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  // a body with no content-length (fetch's callers: fetch sets it) is sent and signed without one, as before
  const lengthBySender = req.body !== undefined && headers['content-length'] === undefined;
  const signed = aws4.sign(
    {
      service: req.service, region: req.region, method: req.method, host: req.host, path: req.path, headers,
      ...(req.body !== undefined ? { body: req.body } : {}), ...(lengthBySender ? { extraHeadersToIgnore: { 'content-length': true } } : {}),
      // aws4 leaves range unsigned by default; the SDK signs it, as AWS's own S3 example does
      extraHeadersToInclude: SIGNED_RANGE,
    },
    credentials,
  );
  const { Authorization: authorization, 'Content-Length': _length, ...rest } = signed.headers as Record<string, string>;
  return { ...rest, authorization: authorization! };
}
