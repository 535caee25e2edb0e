import { describe, expect, it } from 'vitest';
import { call, unique } from '../support/hub.ts';
import { hubCommand } from '../support/hub-command.ts';
import { putHome } from './homes-fixtures.ts';

/**
 * `hub providers invite --provider <id>` (CONTRACT.md "Command line", "Organisations and people"),
 * spawned as an operator runs it against this run's store: a key for a provider the hub knows,
 * with whether it is a party yet; a provider it does not know is one line on stderr and exit 1,
 * with no key made.
 */

const hub = hubCommand();
const authorities = (key: string) => call(null, 'GET', '/v1/authorities', { headers: { 'x-api-key': key } });

describe('hub providers invite', () => {
  it('prints a working key for a known provider, and how it joins the regional agreement', async () => {
    const id = `invited-${unique()}`;
    await putHome(`provider:${id}`);
    const run = await hub(['providers', 'invite', '--provider', id]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`provider ${id} (${id})`);
    expect(run.stdout).toMatch(new RegExp(`party +not yet: .*POST /v1/providers/${id}/accession`));
    const key = /^key +(\S+)$/m.exec(run.stdout)?.[1];
    expect(key).toMatch(/^ceh_/);
    expect((await authorities(key!)).status).toBe(200);
    // the key is the provider's: it may accede for itself
    const acceded = await call(null, 'POST', `/v1/providers/${id}/accession`, {
      headers: { 'x-api-key': key! },
      body: { agreementId: 'commission-east-placements-isp', version: '1.0', signatory: { name: 'R. I.', role: 'Responsible individual' }, signedAt: new Date().toISOString() },
    });
    expect(acceded.status, acceded.text).toBe(201);
    const again = await hub(['providers', 'invite', '--provider', id]);
    expect(again.stdout).toMatch(/party +yes: a party to commission-east-placements-isp v1\.0/);
  });

  it('refuses a provider the hub does not know, or a malformed id, in one line with exit 1, and makes no key', async () => {
    const id = `stranger-${unique()}`;
    const run = await hub(['providers', 'invite', '--provider', id]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`^hub: the hub does not know provider ${id}`));
    const keys = await hub(['keys', 'list', '--principal', `provider:${id}`]);
    expect(keys.stdout.trim()).toBe(`no keys for provider:${id}`);

    const bad = await hub(['providers', 'invite', '--provider', 'Not An Id']);
    expect([bad.code, bad.stderr.trim().split('\n').length]).toEqual([1, 1]);
    expect(bad.stderr).toMatch(/^hub: --provider: not a provider id/);
  });

  it('hub keys create for a principal the hub does not know fails with a clear message', async () => {
    const run = await hub(['keys', 'create', '--principal', `provider:nobody-${unique()}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^hub: the hub does not know provider:nobody-/);
  });
});
