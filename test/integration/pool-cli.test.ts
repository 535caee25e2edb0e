import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'csv-parse/sync';
import { call } from '../support/hub.ts';
import { putHome } from '../support/pool-fixtures.ts';
import { LEDGER_CSV_HEADER, poolBeds, poolLedger } from '../../functions/cli/pool.ts';
import { addDays, londonToday } from '../../functions/domain/calendar-days.ts';

const PO = 'programme-office';

function capture() {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  return () => lines.join('\n');
}

afterEach(() => vi.restoreAllMocks());

describe('hub pool (CLI functions)', () => {
  it('ledger --csv gives the same figures as the HTTP ledger, one row per bed and per authority', async () => {
    const y = '2004';
    // in Suffolk's own area: no reg 13(4) notice, so no working days to count in 2004 (the bank holiday feed starts in 2024)
    const home = await putHome({ outcode: 'IP1', authority: 'suffolk' });
    const bed = await call(PO, 'POST', '/v1/pool/beds', {
      body: { homeUrn: home.urn, kind: 'emergency', weeklyCost: 1234.56, contractRef: 'CLI-1', from: `${y}-01-01`, to: `${y}-12-31` },
    });
    const req = await call('authority:suffolk', 'POST', '/v1/pool/requests', {
      body: { kind: 'emergency', urgency: 'planned', neededFrom: `${y}-05-03`, child: { childRef: 'CLI-C1', age: 12, sex: 'male', needs: [] } },
    });
    expect((await call(PO, 'POST', '/v1/pool/allocations', { body: { requestId: req.json.id, bedId: bed.json.id, startDate: `${y}-05-03` } })).status).toBe(201);

    const out = capture();
    await poolLedger({ from: `${y}-05-01`, to: `${y}-05-31`, csv: true });
    const rows = parse(out(), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...LEDGER_CSV_HEADER]);
    const http = (await call(PO, 'GET', '/v1/pool/ledger', { query: { from: `${y}-05-01`, to: `${y}-05-31` } })).json;
    const bedRow = rows.find((r) => r.line === 'bed' && r.id === bed.json.id)!;
    const bedLine = http.beds.find((b: any) => b.bedId === bed.json.id);
    expect(bedLine).toMatchObject({ occupiedNights: 29, voidNights: 2, voidCost: 352.73 }); // 2 × 123456p / 7 = 35273.1p
    expect(Number(bedRow.occupiedNights)).toBe(29);
    expect(Number(bedRow.voidCost)).toBe(352.73);
    const authorityRows = rows.filter((r) => r.line === 'authority');
    expect(authorityRows.map((r) => r.id)).toEqual(http.authorities.map((a: any) => a.authority));
    for (const r of authorityRows) {
      const a = http.authorities.find((x: any) => x.authority === r.id);
      expect(Number(r.nightsUsed)).toBe(a.nightsUsed);
      expect(Number(r.fundedShare)).toBe(a.fundedShare);
      expect(Number(r.recharge)).toBe(a.recharge);
    }
  });

  it('ledger prints tables, and refuses a period ending after today', async () => {
    const out = capture();
    const today = londonToday();
    await poolLedger({ from: addDays(today, -7), to: today });
    expect(out()).toMatch(/Pooled beds ledger/);
    expect(out()).toMatch(/central-bedfordshire/);
    await expect(poolLedger({ from: today, to: addDays(today, 1) })).rejects.toThrow(/--to must not be after today/);
  });

  it('beds lists every bed as a table or CSV', async () => {
    const home = await putHome();
    const bed = await call(PO, 'POST', '/v1/pool/beds', { body: { homeUrn: home.urn, kind: 'move-on', weeklyCost: 3500, contractRef: 'CLI, "quoted"', from: '2025-04-01' } });
    let out = capture();
    await poolBeds({ csv: true });
    const rows = parse(out(), { columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.id === bed.json.id)).toMatchObject({ homeUrn: home.urn, kind: 'move-on', status: 'available', weeklyCost: '3500.00', contractRef: 'CLI, "quoted"' });
    vi.restoreAllMocks();
    out = capture();
    await poolBeds();
    expect(out()).toContain(bed.json.id);
    expect(out()).toContain('£3,500.00');
  });
});
