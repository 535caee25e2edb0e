import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { consoleLambdaFor, type ConsoleLambda } from '../../functions/routes/console.ts';

/**
 * The console on the local hub: each /console/ request goes to the hono app of the console Lambda
 * API Gateway would send it to (functions/routes/console.ts: the shell or a persona's), as a web
 * Request; its Response is written back. Each app is loaded on first use, so a hub that nobody
 * opens the console on never loads it.
 */
const APPS: Record<ConsoleLambda, () => Promise<App>> = {
  console: () => import('../../functions/console/shell.tsx').then((m) => m.shellApp),
  'console-officer': () => import('../../functions/console/pages/officer.tsx').then((m) => m.officerApp),
  'console-provider': () => import('../../functions/console/pages/provider.tsx').then((m) => m.providerApp),
  'console-programme': () => import('../../functions/console/pages/programme.tsx').then((m) => m.programmeApp),
  'console-search': () => import('../../functions/console/pages/search.tsx').then((m) => m.searchApp),
};
type App = { fetch: (r: Request) => Response | Promise<Response> };
const loaded = new Map<ConsoleLambda, Promise<App>>();

export const isConsolePath = (pathname: string): boolean => pathname === '/console' || pathname.startsWith('/console/');

export async function serveConsole(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const name = consoleLambdaFor(new URL(req.url ?? '/', 'http://local').pathname);
  let app = loaded.get(name);
  if (!app) loaded.set(name, (app = APPS[name]()));
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
