import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { baseUrl } from '../support/hub.ts';

/**
 * What node:http refuses before any route sees it — a request head over its limit, bytes a
 * request line may not carry — is still answered by the local gateway as the contract says:
 * problem+json with an x-request-id. The request is written byte for byte with node:net, as no
 * HTTP client sends these.
 */
interface Raw {
  status: number;
  headers: Record<string, string>;
  json: any;
}

function send(bytes: Buffer): Promise<Raw> {
  const { hostname, port } = new URL(baseUrl());
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer in 10 s')));
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const split = raw.indexOf('\r\n\r\n');
      const head = raw.slice(0, split < 0 ? raw.length : split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let body = raw.slice(split + 4);
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = body.replace(/^[0-9a-f]+\r\n|\r\n[0-9a-f]+\r\n/gi, '').replace(/\r\n$/, '');
      let json: any;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1]), headers, json });
    });
  });
}

const request = (path: Buffer, headers: string[] = []) =>
  Buffer.concat([Buffer.from('GET '), path, Buffer.from(` HTTP/1.1\r\nHost: local\r\nConnection: close\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`)]);

function expectProblem(r: Raw, status: number): void {
  expect(r.status).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(r.json).toMatchObject({ type: `https://commission-east.example/problems/${status}`, status, title: expect.any(String) });
  expect(typeof r.json.detail).toBe('string');
}

describe('the local gateway below the routes', () => {
  it('answers a request head over 16 KB with a 431 problem', async () => {
    const r = await send(request(Buffer.from('/v1/health'), [`x-filler: ${'a'.repeat(20 * 1024)}`]));
    expectProblem(r, 431);
  });

  it('answers raw non-ASCII bytes in the path with a 400 problem', async () => {
    for (const path of [Buffer.from([0x2f, 0x76, 0x31, 0x2f, 0xff, 0xfe]), Buffer.from('/v1/h\u00e9alth', 'utf8'), Buffer.from([0x2f, 0x76, 0x31, 0x2f, 0x7f])]) {
      const r = await send(request(path));
      expectProblem(r, 400);
    }
  });

  it('answers a request line that is not HTTP with a 400 problem', async () => {
    const r = await send(Buffer.from('HELLO\r\n\r\n'));
    expectProblem(r, 400);
  });

  it('answers with the whole body and its Content-Length, not chunked (one write per answer)', async () => {
    for (const [path, status] of [['/v1/health', 200], ['/v1/no-such-route', 404]] as const) {
      const r = await send(request(Buffer.from(path)));
      expect(r.status).toBe(status);
      expect(r.headers['transfer-encoding']).toBeUndefined();
      expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(r.json)));
    }
  });

  it('still serves well-formed requests on the same server afterwards', async () => {
    const r = await send(request(Buffer.from('/v1/health')));
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'ok' });
  });
});
