import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { call } from '../support/hub.ts';
import { hubCommand } from '../support/hub-command.ts';
import { HOMES, placed } from '../support/placement-fixtures.ts';
import { OVERDUE_HEADER, placementsExport, placementsOverdue } from '../../functions/cli/placements.ts';
import { addDays, londonToday } from '../../functions/domain/calendar-days.ts';

/**
 * `hub placements export` and `hub placements overdue`: the functions against this run's store,
 * then the command itself spawned (test/support/hub-command.ts) for its exit codes, its one-line
 * errors and a closed pipe.
 */

const hub = hubCommand();
const today = londonToday();

describe('hub placements (functions)', () => {
  it('export is byte for byte what GET /v1/placements/ssda903 answers the authority', async () => {
    await placed({ authority: 'norfolk', home: { ...HOMES.essex, localAuthority: 'E10000020', outcode: 'NR1', postcode: 'NR1 1AA' }, startDate: '2025-06-01', now: new Date('2025-06-01T09:00:00Z') });
    const cli = await placementsExport({ year: '2025-26', authority: 'norfolk' });
    const http = await call('authority:norfolk', 'GET', '/v1/placements/ssda903', { query: { year: '2025-26' } });
    expect(cli).toBe(http.text);
    expect(cli).toContain('NR1 1AA');
    await expect(placementsExport({ year: '2019-20', authority: 'norfolk' })).rejects.toThrow(/--year must be a collection year/);
    await expect(placementsExport({ year: '2025-26', authority: 'kent' })).rejects.toThrow(/--authority must be one of/);
  });

  it('overdue lists each notice not sent and due before today, most overdue first; not one sent, delivered or not yet due', async () => {
    const late = await placed({ authority: 'luton', home: HOMES.westminster, startDate: addDays(today, -9) });
    const later = await placed({ authority: 'luton', home: HOMES.westminster, startDate: addDays(today, -2) });
    const dueToday = await placed({ authority: 'luton', home: HOMES.westminster, startDate: today });
    const delivered = await placed({ authority: 'luton', home: HOMES.suffolk, startDate: addDays(today, -9) });
    const sent = await placed({ authority: 'luton', home: HOMES.westminster, startDate: addDays(today, -9) });
    expect((await call('authority:luton', 'POST', `/v1/placements/${sent.id}/notices/${sent.notices[0]!.id}/sent`, { body: { sentAt: new Date().toISOString() } })).status).toBe(200);

    const rows = parse(await placementsOverdue({ authority: 'luton', csv: true }), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...OVERDUE_HEADER]);
    const ids = rows.map((r) => r.placementId);
    expect(ids.indexOf(late.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(late.id)).toBeLessThan(ids.indexOf(later.id));
    for (const p of [dueToday, delivered, sent]) expect(ids).not.toContain(p.id);
    expect(rows.find((r) => r.placementId === late.id)).toMatchObject({ authority: 'luton', childRef: late.childRef, to: 'Westminster', dueBy: addDays(today, -9), daysOverdue: '9' });
    expect(rows.every((r) => r.authority === 'luton')).toBe(true);

    const table = await placementsOverdue({ authority: 'luton' });
    expect(table).toMatch(new RegExp(`${late.id}.*Westminster`));
    expect(table).toMatch(/overdue reg 13\(4\) notices? of luton on/);
    expect(await placementsOverdue({})).toContain(late.id);
  });
});

describe('hub placements (the command, spawned)', { timeout: 120_000 }, () => {
  it('export writes the CSV and exits 0; a bad year or authority is one line on stderr and exit 1; a closed pipe is not a failure', async () => {
    const ok = await hub(['placements', 'export', '--year', '2025-26', '--authority', 'norfolk']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.split('\n')[0]).toBe('CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN');
    for (const args of [['--year', '2025', '--authority', 'norfolk'], ['--year', '2025-26', '--authority', 'kent'], ['--year', '2025-26']]) {
      const bad = await hub(['placements', 'export', ...args]);
      expect(bad.code, args.join(' ')).toBe(1);
      expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(/^hub: /);
    }
    const piped = await hub(['placements', 'overdue'], { closeStdout: true });
    expect(piped.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(piped.code, piped.stderr).toBe(0);
  });
});
