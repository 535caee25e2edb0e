import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/**
 * The console on the local hub: /console/ requests go to the same hono app the console Lambda
 * serves (functions/console/), as a web Request; its Response is written back. Loaded on first use,
 * so a hub that nobody opens the console on never loads it.
 */
let app: Promise<{ fetch: (r: Request) => Response | Promise<Response> }> | undefined;

export const isConsolePath = (pathname: string): boolean => pathname === '/console' || pathname.startsWith('/console/');

export async function serveConsole(req: IncomingMessage, res: ServerResponse): Promise<void> {
  app ??= import('../../functions/console/index.ts').then((m) => m.consoleApp);
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const method = (req.method ?? 'GET').toUpperCase();
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, {
    method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } : {}),
  } as RequestInit);
  const response = await (await app).fetch(request);
  const out: Record<string, string | string[]> = {};
  response.headers.forEach((v, k) => {
    if (k === 'set-cookie') return;
    out[k] = v;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) out['set-cookie'] = cookies;
  res.writeHead(response.status, out);
  res.end(Buffer.from(await response.arrayBuffer()));
}
