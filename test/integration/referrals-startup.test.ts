import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** `npm start` refuses to start on an invalid sharing agreement, naming the file and the field. */
describe('npm start with an invalid sharing agreement', () => {
  const dir = mkdtempSync(join(tmpdir(), 'isp-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 before starting anything, with a message naming the file and the field', () => {
    const file = 'commission-east-placements-isp.v1.0.json';
    const isp = JSON.parse(readFileSync(join('sharing-agreements', file), 'utf8'));
    const i = isp.dataItems.findIndex((d: any) => d.field === 'child.needs');
    isp.dataItems[i].retention.days = -1;
    writeFileSync(join(dir, file), JSON.stringify(isp, null, 2));
    const data = join(dir, 'data');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
      env: { ...process.env, SHARING_AGREEMENTS_DIR: dir, HUB_DATA_DIR: data, PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`The hub cannot start: sharing agreement ${file}: field dataItems.${i}.retention.days:`);
    expect(run.stderr).not.toMatch(/\n\s+at .*\.ts:\d+/); // a message, not a stack trace
    expect(existsSync(data)).toBe(false); // nothing was started or written
  });
});
