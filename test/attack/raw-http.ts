import { connect } from 'node:net';

/**
 * A raw HTTP/1.0 request, for what fetch will not send: the same header twice (fetch joins
 * repeats into one comma-separated value), headers differing only in case, and paths with dot
 * segments left as they are.
 */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: any;
}

export function rawRequest(baseUrl: string, method: string, path: string, headers: readonly [string, string][], body?: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const lines = [`${method} ${path} HTTP/1.0`, `Host: ${hostname}:${port}`, ...headers.map(([k, v]) => `${k}: ${v}`)];
  if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  const request = `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    socket.setTimeout(20_000, () => socket.destroy(new Error('raw request timed out')));
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const split = raw.indexOf('\r\n\r\n');
      const head = raw.slice(0, split).split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1]);
      const out: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let text = raw.slice(split + 4);
      if (/chunked/i.test(out['transfer-encoding'] ?? '')) {
        let decoded = '';
        let rest = text;
        for (;;) {
          const nl = rest.indexOf('\r\n');
          const size = parseInt(rest.slice(0, nl), 16);
          if (!size) break;
          decoded += rest.slice(nl + 2, nl + 2 + size);
          rest = rest.slice(nl + 2 + size + 2);
        }
        text = decoded;
      }
      let json: any;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ status, headers: out, text, json });
    });
  });
}
