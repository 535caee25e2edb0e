import { describe, expect, it } from 'vitest';
import { call, unique } from '../support/hub.ts';
import { hubCommand } from '../support/hub-command.ts';
import { putHome } from './homes-fixtures.ts';

/**
 * The `hub` command as an operator runs it: `node bin/hub.js …` in a child process, acting on
 * this run's local store (test/support/hub-command.ts).
 */

const hub = hubCommand();

const authorities = (key: string) => call(null, 'GET', '/v1/authorities', { headers: { 'x-api-key': key } });

// Each `hub` run starts Node and tsx afresh: seconds each on a busy machine.
describe('hub (the command, spawned)', { timeout: 120_000 }, () => {
  it('writing to a closed pipe is not a failure: `hub pool beds | head` exits 0 with no stack trace', async () => {
    const r = await hub(['pool', 'beds'], { closeStdout: true });
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(r.code, r.stderr).toBe(0);
  });

  it('keys create prints a key and its id; list shows it; revoke --key revokes only that one', async () => {
    const provider = `provider:cli-${unique()}`;
    await putHome(provider); // the hub knows a provider once it has homes of it
    const a = await hub(['keys', 'create', '--principal', provider]);
    const b = await hub(['keys', 'create', '--principal', provider]);
    expect(a.code, a.stderr).toBe(0);
    const parse = (out: string) => ({ key: /^key\s+(ceh_\S+)$/m.exec(out)?.[1], id: /^id\s+(\S+)$/m.exec(out)?.[1] });
    const [ka, kb] = [parse(a.stdout), parse(b.stdout)];
    expect(ka.key && ka.id && kb.key && kb.id).toBeTruthy();
    expect(ka.id).not.toBe(kb.id);
    expect(ka.key).not.toContain(ka.id!);

    const listed = await hub(['keys', 'list', '--principal', provider]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(ka.id!);
    expect(listed.stdout).toContain(kb.id!);
    expect(listed.stdout).not.toContain(ka.key!);

    const one = await hub(['keys', 'revoke', '--principal', provider, '--key', ka.id!]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/revoked 1 key/);
    expect((await authorities(ka.key!)).status).toBe(401);
    expect((await authorities(kb.key!)).status).toBe(200);
    expect((await hub(['keys', 'list', '--principal', provider])).stdout).toMatch(new RegExp(`${ka.id}\\s.*revoked`));

    // every key left: the second, and the one this test posted the home with
    const all = await hub(['keys', 'revoke', '--principal', provider]);
    expect(all.stdout).toMatch(/revoked 2 keys/);
    expect((await authorities(kb.key!)).status).toBe(401);
  });

  it('fails with one line and exit 1: a provider the hub does not know, a key id that is not the principal\'s, a malformed principal', async () => {
    const unknown = await hub(['keys', 'create', '--principal', `provider:nobody-${unique()}`]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).not.toMatch(/ceh_/);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^hub: .*not know/);

    const essex = await hub(['keys', 'create', '--principal', 'authority:essex']);
    const essexId = /^id\s+(\S+)$/m.exec(essex.stdout)![1]!;
    const wrong = await hub(['keys', 'revoke', '--principal', 'authority:suffolk', '--key', essexId]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect((await hub(['keys', 'list', '--principal', 'authority:essex'])).stdout).toMatch(new RegExp(`${essexId}\\s+\\S+\\s+active`));

    const malformed = await hub(['keys', 'list', '--principal', 'authority:atlantis']);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr.trim().split('\n')).toHaveLength(1);
  });
});
