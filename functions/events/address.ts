import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { checkWebhookUrl, hostOf, requireAllowedAddresses } from '../domain/webhooks.ts';

/**
 * The SSRF guard's one I/O step (the rules are domain/webhooks.ts): a webhook URL's host resolved
 * now, every address it resolves to allowed, or 422 naming `url`. Called at registration and again
 * before every delivery, which then connects to exactly these addresses (./post.ts): a name that
 * re-resolves to a private address between the check and the connection (DNS rebinding) is never
 * reached. Loopback only with HUB_WEBHOOKS_ALLOW_LOOPBACK=1 (the local hub).
 */
export const allowLoopback = (): boolean => process.env.HUB_WEBHOOKS_ALLOW_LOOPBACK === '1';

export interface Resolved {
  url: URL;
  /** The addresses the host resolved to, all allowed, in the resolver's order. */
  addresses: string[];
}

export async function resolveWebhookUrl(text: string, loopback = allowLoopback()): Promise<Resolved> {
  const url = checkWebhookUrl(text, loopback);
  const host = hostOf(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      addresses = []; // unresolvable: refused below
    }
  }
  requireAllowedAddresses(addresses, loopback);
  return { url, addresses };
}
