import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Resolved } from './address.ts';

/**
 * One POST of a signed event to the addresses ./address.ts vetted, never to a fresh resolution of
 * the name: the connection's `lookup` answers with the vetted address, while TLS still checks the
 * certificate against the URL's host name (SNI and Host are the name). The answer's status, or
 * undefined for no answer (refused, reset, time-out). The body read is capped and thrown away.
 */
export const POST_TIMEOUT_MS = 10_000;

export function postTo(target: Resolved, headers: Record<string, string>, body: string, timeoutMs = POST_TIMEOUT_MS): Promise<{ status?: number; error?: string }> {
  const address = target.addresses[0]!;
  const family = address.includes(':') ? 6 : 4;
  const pinned: LookupFunction = (_host, opts, cb) => {
    if ((opts as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else cb(null, address, family);
  };
  const request = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(target.url, {
      method: 'POST',
      lookup: pinned,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'commission-east-hub-webhooks/1' },
      timeout: timeoutMs,
      agent: false,
    }, (res: IncomingMessage) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > 64 * 1024) res.destroy();
      });
      res.on('close', () => resolve({ status: res.statusCode }));
      res.on('error', () => resolve({ status: res.statusCode }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ error: e.message.slice(0, 300) }));
    req.end(body);
  });
}
