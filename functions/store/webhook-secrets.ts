import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { loadWebhookKey, webhookKey } from './env.ts';

/**
 * Webhook signing secrets at rest: AES-256-GCM under the webhook key (./env.ts: a Secrets Manager
 * secret in AWS, a random value kept in the data folder locally), bound to the webhook's id so a
 * sealed secret copied onto another webhook does not open. The table never holds a secret in
 * plaintext; the caller sees it once, in the registration's answer.
 */

// In Lambda: the key is fetched here, once, at cold start (only the functions whose bundle holds
// this module get WEBHOOK_KEY_ARN and read access: infra/stack.ts).
await loadWebhookKey();

const VERSION = 'v1';
const aesKey = (): Buffer => createHash('sha256').update(`commission-east webhook secrets\n${webhookKey()}`).digest();

/** A new signing secret as Standard Webhooks writes one: `whsec_` + base64 of 24 random bytes. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;

/** `v1.<iv>.<tag>.<ciphertext>` (base64url), for the webhook `id` only. */
export function sealSecret(id: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', aesKey(), iv);
  cipher.setAAD(Buffer.from(`webhook:${id}`));
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** The secret a sealed value holds; throws when it was altered, sealed for another webhook or under another key. */
export function openSecret(id: string, sealed: string): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || data === undefined) throw new Error(`webhook ${id}: not a sealed secret`);
  const decipher = createDecipheriv('aes-256-gcm', aesKey(), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(`webhook:${id}`));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
