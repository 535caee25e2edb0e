import { FlushStageAuthorizersCacheCommand, GetUsagePlansCommand } from '@aws-sdk/client-api-gateway';
import { describe, expect, it } from 'vitest';
import { createKeyCommand, revokeKeysCommand, type ApiGateway } from '../../functions/cli/keys.ts';
import { parsePrincipal } from '../../functions/domain/principal.ts';
import { createApiKey, principalForApiKey } from '../../functions/store/api-keys.ts';
import { call, isProblem, unique } from '../support/hub.ts';
import { putHome } from './homes-fixtures.ts';

/**
 * `hub keys revoke` (functions/cli/keys.ts) on the local store, with API Gateway replaced by a
 * recording fake: in AWS the authorizer's answers are cached per key, so revoking must flush the
 * stage's authorizer cache, after the revocation is written, for a revoked key to be 401 at once.
 */

/** The usage plans as the deployed stack has them (infra/stack.ts), each serving the API's stage. */
const PLANS = [
  { id: 'p-essex', name: 'hub-authority-essex', apiStages: [{ apiId: 'rest-essex', stage: 'live' }] },
  { id: 'p-prov', name: 'hub-providers', apiStages: [{ apiId: 'rest123', stage: 'live' }] },
  { id: 'p-po', name: 'hub-programme-office', apiStages: [{ apiId: 'rest-po', stage: 'live' }] },
];

/** A fake API Gateway: answers GetUsagePlans, records every command and what the store said of `key` at a flush. */
function fakeApiGateway(key: string) {
  const sent: { name: string; input: unknown; keyStillValid?: boolean }[] = [];
  const apigw = {
    send: async (command: { input: unknown }) => {
      if (command instanceof GetUsagePlansCommand) {
        sent.push({ name: 'GetUsagePlans', input: command.input });
        return { items: PLANS };
      }
      if (command instanceof FlushStageAuthorizersCacheCommand) {
        sent.push({ name: 'FlushStageAuthorizersCache', input: command.input, keyStillValid: (await principalForApiKey(key)) !== undefined });
        return {};
      }
      throw new Error(`unexpected command ${command.constructor.name}`);
    },
  } as unknown as ApiGateway;
  return { apigw, sent };
}

const authorities = (key: string) => call(null, 'GET', '/v1/authorities', { headers: { 'x-api-key': key } });

describe('hub keys revoke', () => {
  it('in AWS flushes the authorizer cache of the stage the principal\'s usage plan serves, once the key is revoked', async () => {
    const principal = `provider:revoke-${unique()}`;
    const key = await createApiKey(parsePrincipal(principal)!);
    expect((await authorities(key)).status).toBe(200);
    const { apigw, sent } = fakeApiGateway(key);

    const out = await revokeKeysCommand(principal, { aws: true, apigw });

    expect(out).toEqual({ revoked: 1, flushed: ['rest123/live'] });
    expect(sent.filter((c) => c.name === 'FlushStageAuthorizersCache')).toEqual([
      { name: 'FlushStageAuthorizersCache', input: { restApiId: 'rest123', stageName: 'live' }, keyStillValid: false },
    ]);
    const after = await authorities(key);
    expect(after.status).toBe(401);
    expect(isProblem(after)).toBe(true);
  });

  it('flushes even when no key was left to revoke (a key revoked earlier may still be cached)', async () => {
    const principal = `provider:revoke-${unique()}`;
    const key = await createApiKey(parsePrincipal(principal)!);
    expect((await revokeKeysCommand(principal, { aws: false })).revoked).toBe(1);
    const { apigw, sent } = fakeApiGateway(key);
    expect(await revokeKeysCommand(principal, { aws: true, apigw })).toEqual({ revoked: 0, flushed: ['rest123/live'] });
    expect(sent.map((c) => c.name)).toContain('FlushStageAuthorizersCache');
  });

  it('locally revokes at once and calls no AWS API', async () => {
    const principal = `provider:revoke-${unique()}`;
    const key = await createApiKey(parsePrincipal(principal)!);
    const { apigw, sent } = fakeApiGateway(key);
    expect(await revokeKeysCommand(principal, { aws: false, apigw })).toEqual({ revoked: 1, flushed: [] });
    expect(sent).toEqual([]);
    expect((await authorities(key)).status).toBe(401);
  });
});

describe('hub keys create / revoke --key', () => {
  it('refuses a provider the hub does not know, before any AWS call, and stores no key', async () => {
    const principal = `provider:unknown-${unique()}`;
    const { apigw, sent } = fakeApiGateway('none');
    await expect(createKeyCommand(principal, { aws: true, apigw })).rejects.toThrow(/does not know provider/);
    expect(sent).toEqual([]);
    expect((await revokeKeysCommand(principal, { aws: false })).revoked).toBe(0);
  });

  it('creates a key for a provider with homes, an authority and the programme office, each with an id', async () => {
    const provider = `provider:known-${unique()}`;
    await putHome(provider);
    for (const p of [provider, 'authority:thurrock', 'programme-office']) {
      const { key, id } = await createKeyCommand(p, { aws: false });
      expect(key).toMatch(/^ceh_/);
      expect(id).toMatch(/^[0-9a-f]{16}$/);
      expect((await authorities(key)).status).toBe(200);
    }
  });

  it('revoke --key in AWS revokes that key only, then flushes the authorizer cache', async () => {
    const principal = `provider:revoke-${unique()}`;
    await putHome(principal);
    const first = await createKeyCommand(principal, { aws: false });
    const second = await createKeyCommand(principal, { aws: false });
    const { apigw, sent } = fakeApiGateway(first.key);
    expect(await revokeKeysCommand(principal, { aws: true, apigw, keyId: first.id })).toEqual({ revoked: 1, flushed: ['rest123/live'] });
    expect(sent.find((c) => c.name === 'FlushStageAuthorizersCache')?.keyStillValid).toBe(false);
    expect((await authorities(first.key)).status).toBe(401);
    expect((await authorities(second.key)).status).toBe(200);
    await expect(revokeKeysCommand('provider:harbour-care', { aws: false, keyId: second.id })).rejects.toThrow(/no key .* of provider:harbour-care/);
    expect((await authorities(second.key)).status).toBe(200);
  });
});
