import { describe, expect, it } from 'vitest';
import { call, isProblem, keyFor } from '../support/hub.ts';
import { revokeApiKeys } from '../../functions/store/api-keys.ts';
import { parsePrincipal } from '../../functions/domain/principal.ts';

describe('the HTTP edge over the local gateway', () => {
  it('answers health without a key, with a request id', async () => {
    const r = await call(null, 'GET', '/v1/health');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'ok' });
    expect(r.headers.get('x-request-id')).toMatch(/[0-9a-f-]{36}/);
  });

  it('lists the 11 authorities with ONS and DfE codes for any key', async () => {
    const r = await call('provider:harbour-care', 'GET', '/v1/authorities');
    expect(r.status).toBe(200);
    expect(r.json.items).toHaveLength(11);
    expect(r.json.items.find((a: any) => a.id === 'essex')).toEqual({ id: 'essex', name: 'Essex', onsCode: 'E10000012', dfeCode: '881' });
    expect(r.json.items.find((a: any) => a.id === 'southend-on-sea')).toMatchObject({ name: 'Southend-on-Sea', dfeCode: '882' });
  });

  it('lists the sharing agreements with purposes as objects', async () => {
    const r = await call('authority:essex', 'GET', '/v1/sharing-agreements');
    expect(r.status).toBe(200);
    const isp = r.json.items.find((a: any) => a.id === 'commission-east-placements-isp');
    expect(isp).toMatchObject({ status: 'active', validFrom: '2025-04-01' });
    expect(isp.purposes.map((p: any) => p.id)).toEqual(['placement-matching', 'pool-allocation', 'spend-analysis', 'host-authority-notification']);
    expect(isp.parties.some((p: any) => p.principal === 'provider:harbour-care')).toBe(true);
  });

  it('401s a missing, unknown or revoked key as problem+json', async () => {
    for (const headers of [{}, { 'x-api-key': 'ceh_not-a-real-key-at-all' }] as Record<string, string>[]) {
      const r = await call(null, 'GET', '/v1/authorities', { headers });
      expect(r.status).toBe(401);
      expect(isProblem(r)).toBe(true);
      expect(r.headers.get('x-request-id')).toBeTruthy();
    }
    const key = await keyFor('provider:revoked-test-provider');
    expect((await call(null, 'GET', '/v1/authorities', { headers: { 'x-api-key': key } })).status).toBe(200);
    expect(await revokeApiKeys(parsePrincipal('provider:revoked-test-provider')!)).toBe(1);
    const after = await call(null, 'GET', '/v1/authorities', { headers: { 'x-api-key': key } });
    expect(after.status).toBe(401);
    expect(isProblem(after)).toBe(true);
  });

  for (const path of ['/v1/authorities', '/v1/sharing-agreements']) {
    it(`${path} is a list like any other: ?limit= 1-100 (default 20), ?cursor=, paged to its end`, async () => {
      const whole = await call('authority:essex', 'GET', path);
      expect(whole.status).toBe(200);
      expect(whole.json.nextCursor).toBeUndefined();
      const all = whole.json.items;
      if (path === '/v1/authorities') expect(all).toHaveLength(11);
      expect(all.length).toBeGreaterThan(0);

      const paged: unknown[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const r = await call('authority:essex', 'GET', path, { query: { limit: 1, cursor } });
        expect(r.status).toBe(200);
        expect(r.json.items).toHaveLength(1);
        paged.push(...r.json.items);
        cursor = r.json.nextCursor;
        pages++;
      } while (cursor && pages <= all.length);
      expect(paged).toEqual(all);
      expect(pages).toBe(all.length);

      for (const limit of [0, 101, 'x']) {
        const bad = await call('authority:essex', 'GET', path, { query: { limit } });
        expect(bad.status, `limit=${limit}`).toBe(400);
        expect(bad.json.errors.map((e: any) => e.path)).toEqual(['limit']);
      }
      expect((await call('authority:essex', 'GET', path, { query: { limit: 100 } })).json.items).toEqual(all);
    });
  }

  it('pages the authorities in fives and refuses a forged cursor or one from another list', async () => {
    const first = await call('programme-office', 'GET', '/v1/authorities', { query: { limit: 5 } });
    expect(first.json.items).toHaveLength(5);
    const cursor: string = first.json.nextCursor;
    const second = await call('programme-office', 'GET', '/v1/authorities', { query: { limit: 5, cursor } });
    const third = await call('programme-office', 'GET', '/v1/authorities', { query: { limit: 5, cursor: second.json.nextCursor } });
    expect(third.json.items).toHaveLength(1);
    expect(third.json.nextCursor).toBeUndefined();
    expect(new Set([...first.json.items, ...second.json.items, ...third.json.items].map((a: any) => a.id)).size).toBe(11);

    const [, mac] = cursor.split('.');
    const forged = `${Buffer.from(JSON.stringify({ o: 1 })).toString('base64url')}.${mac}`;
    for (const bad of [forged, 'not-a-cursor', `${cursor}x`]) {
      const r = await call('programme-office', 'GET', '/v1/authorities', { query: { cursor: bad } });
      expect(r.status).toBe(400);
      expect(isProblem(r)).toBe(true);
      expect(r.json.errors[0].path).toBe('cursor');
    }
    const elsewhere = await call('programme-office', 'GET', '/v1/sharing-agreements', { query: { cursor } });
    expect(elsewhere.status).toBe(400);
  });

  it('400s unknown query parameters, naming them', async () => {
    const r = await call('authority:essex', 'GET', '/v1/authorities', { query: { authority: 'norfolk' } });
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual([{ path: 'authority', message: 'unknown field' }]);
  });

  it('404s an unknown route and 405s a wrong method, never a stack trace', async () => {
    const r = await call('authority:essex', 'GET', '/v1/nope');
    expect(r.status).toBe(404);
    expect(isProblem(r)).toBe(true);
    const m = await call('authority:essex', 'DELETE', '/v1/authorities');
    expect(m.status).toBe(405);
    expect(m.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('serves the OpenAPI 3.1 document generated from the route table', async () => {
    const r = await call(null, 'GET', '/openapi.json');
    expect(r.status).toBe(200);
    expect(r.json.openapi).toBe('3.1.0');
    expect(Object.keys(r.json.paths)).toEqual(expect.arrayContaining(['/v1/health', '/v1/authorities', '/v1/sharing-agreements']));
    expect(r.json.paths['/v1/authorities'].get.security).toBeUndefined();
    expect(r.json.paths['/v1/health'].get.security).toEqual([]);
    for (const path of ['/v1/authorities', '/v1/sharing-agreements']) {
      const params = r.json.paths[path].get.parameters.filter((p: any) => p.in === 'query');
      expect(params.map((p: any) => p.name).sort(), path).toEqual(['cursor', 'limit']);
      expect(params.find((p: any) => p.name === 'limit').schema).toMatchObject({ minimum: 1, maximum: 100, default: 20 });
    }
  });
});
