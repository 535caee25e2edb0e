import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  batchIdOf, BatchFormatError, collectionYearOf, monthsOf, parseCsvBatch, parseJsonBatch, parseMoneyText, penceToText,
  periodHasStarted, periodsOfMonth, periodStart, prepareBatch, receiveBatch, requirePeriodStarted, toRow, ukDate, type SpendLine,
} from '../../functions/domain/spend.ts';
import { HubError } from '../../functions/domain/errors.ts';
import { buildMappingIndex, GroupResolver, normaliseName, splitTradingName } from '../../functions/domain/provider-groups.ts';
import { RollupAggregator, renderRollupCsv, shareOf } from '../../functions/domain/rollup.ts';
import { PROVIDER_GROUP_MAPPING } from '../../functions/domain/reference/provider-groups.ts';

const TODAY = '2026-11-23';
const HEADER = 'period,providerName,placementType,placementProvider,childRef,amount';

describe('money in finance exports', () => {
  it.each([
    ['5963.5', 596350], ['£5,963.50', 596350], ['"£5,963.50"'.slice(1, -1), 596350], ['-£12.00', -1200], ['£-12', -1200],
    ['(£2.00)', -200], ['1,234,567.89', 123456789], ['0.07', 7], ['GBP 10', 1000], ['Â£3.10', 310], ['\uFFFD4', 400], [' £ 7 ', 700],
  ])('%s → %i pence', (text, pence) => expect(parseMoneyText(text)).toBe(pence));

  it.each(['', '£', '1,23.00', '12.345', '1e3', '--1', '(-£1)', 'ten', '1.2.3', '12,34'])('%s is not money', (text) => {
    expect(parseMoneyText(text)).toBeUndefined();
  });

  it('prints pence exactly', () => {
    expect(penceToText(596350)).toBe('5963.50');
    expect(penceToText(-7)).toBe('-0.07');
    expect(penceToText(0)).toBe('0.00');
  });

  it('property: any whole number of pence survives text with £ and separators', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (p) => {
        const abs = Math.abs(p);
        const whole = Math.floor(abs / 100).toLocaleString('en-GB');
        const text = `${p < 0 ? '-' : ''}£${whole}.${String(abs % 100).padStart(2, '0')}`;
        expect(parseMoneyText(text)).toBe(p);
      }),
    );
  });
});

describe('periods', () => {
  it('expands months, quarters and financial years (April to March)', () => {
    expect(monthsOf('2025-05')).toEqual(['2025-05']);
    expect(monthsOf('2025-Q4')).toEqual(['2025-10', '2025-11', '2025-12']);
    const fy = monthsOf('FY2025-26');
    expect(fy).toHaveLength(12);
    expect([fy[0], fy[8], fy[9], fy[11]]).toEqual(['2025-04', '2025-12', '2026-01', '2026-03']);
    expect(periodsOfMonth('2026-02')).toEqual(['2026-02', '2026-Q1', 'FY2025-26']);
    expect(collectionYearOf('2025-03')).toBe('2024-25');
    expect(collectionYearOf('2025-04')).toBe('2025-26');
    expect(ukDate(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
    expect(ukDate(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
  });

  it('a period starts at midnight in the UK on its first day (GMT or BST), written in UTC', () => {
    expect(periodStart('2026-01')).toBe('2026-01-01T00:00:00.000Z');
    expect(periodStart('2026-Q1')).toBe('2026-01-01T00:00:00.000Z');
    expect(periodStart('FY2025-26')).toBe('2025-03-31T23:00:00.000Z');
    expect(periodStart('2025-Q4')).toBe('2025-09-30T23:00:00.000Z');
    expect(periodStart('2025-11')).toBe('2025-11-01T00:00:00.000Z');
    for (const p of ['2003-Q2', '2025-04', '2025-10', '2026-03', 'FY2030-31']) expect(ukDate(new Date(periodStart(p)))).toBe(`${monthsOf(p)[0]}-01`);
    for (const p of ['2003-Q2', '2025-04', '2025-10']) expect(ukDate(new Date(Date.parse(periodStart(p)) - 1))).not.toBe(`${monthsOf(p)[0]}-01`);
  });
});

describe('lines', () => {
  const good = { period: '2025-06', providerName: 'Acme Care Ltd', placementType: 'K2', placementProvider: 'PR4', amount: 10 };

  it('checks PLACE codes against the collection year of the line', () => {
    const r = parseJsonBatch([
      { ...good, period: '2025-03', placementType: 'H5' },
      { ...good, period: '2025-04', placementType: 'H5' },
      { ...good, period: '2025-04', placementType: 'K3' },
      { ...good, period: '2025-03', placementType: 'K3' },
      { ...good, period: '2025-03', placementType: 'Z1' },
      { ...good, period: '2025-04', placementType: 'Z1' },
      { ...good, period: '2025-04', placementType: 'Z11' },
    ], TODAY);
    // rule 146: K3 from 2024-25; H5, P2 and Z1 withdrawn and Z11–Z14 added from 2025-26
    expect(r.results.map((x) => x.result.ok)).toEqual([true, false, true, true, true, false, true]);
  });

  it('keeps money in pence and drops nothing it accepted', () => {
    const r = parseJsonBatch([{ ...good, weeks: 4.29, weeklyCost: 1490.88, amount: -0.07, childRef: 'ab/1', companiesHouseNumber: 'sc 123456' }], TODAY);
    expect(r.results[0]!.result).toEqual({
      ok: true,
      line: { period: '2025-06', providerName: 'Acme Care Ltd', companiesHouseNumber: 'SC123456', placementType: 'K2', placementProvider: 'PR4', childRef: 'ab/1', weeks: 4.29, weeklyCostPence: 149088, amountPence: -7 },
    });
  });

  it('rejects unknown fields, bad codes, more than 2 decimal places, a future month — each line on its own', () => {
    const r = parseJsonBatch([
      { ...good, dob: '2010-01-01' }, { ...good, amount: 0.001 }, { ...good, placementProvider: 'PR9' }, { ...good, period: '2026-12' },
      { ...good, amount: -100_000_000.01 }, good,
    ], TODAY);
    expect(r.results.map((x) => (x.result.ok ? 'ok' : x.result.errors.map((e) => e.path).join()))).toEqual(['dob', 'amount', 'placementProvider', 'period', 'amount', 'ok']);
  });
});

describe('rejected lines stay within the answer bounds', () => {
  it('reports at most 20 errors for a line, clipped, the last saying how many more', () => {
    const line = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`x${i}${'y'.repeat(400)}`, i]));
    const b = prepareBatch('essex', parseJsonBatch([line, { period: '2025-06', providerName: 'A', placementType: 'K2', placementProvider: 'PR4', amount: 1 }], TODAY));
    const errors = b.rejected[0]!.errors;
    expect(errors).toHaveLength(20);
    expect(errors.every((e) => e.path.length <= 300 && e.message.length <= 500)).toBe(true);
    expect(errors[19]!.message).toMatch(/^and \d+ more errors$/);
  });
});

describe('CSV batches', () => {
  it('numbers data lines from 1 after the header, skipping blank lines, tolerating BOM and mixed line ends', () => {
    const csv = `\uFEFF${HEADER}\r\n2025-06,A,K2,PR4,c1,1\r\n\r\n2025-06,B,K2,PR4,c2,x\n2025-06,C,K2,PR4\n2025-06,"D, ""E""",K2,PR4,c4,"£1,000"\n`;
    const r = parseCsvBatch(csv, TODAY);
    expect(r.results.map((x) => [x.line, x.result.ok])).toEqual([[1, true], [2, false], [3, false], [4, true]]);
    const d = r.results[3]!.result;
    expect(d.ok && d.line).toMatchObject({ providerName: 'D, "E"', amountPence: 100000 });
  });

  it('accepts header names in any case and spacing, with a few synonyms', () => {
    const r = parseCsvBatch('Month,Provider,Placement Type,PLACEMENT_PROVIDER,URN,Company Number,Amount\n2025-06,Acme,K2,PR4,SC123456,123,£5\n', TODAY);
    expect(r.results[0]!.result).toMatchObject({ ok: true, line: { providerUrn: 'SC123456', companiesHouseNumber: '00000123', amountPence: 500 } });
  });

  it('refuses a header it cannot use, naming each problem', () => {
    const attempt = (csv: string) => {
      try {
        parseCsvBatch(csv, TODAY);
        return undefined;
      } catch (e) {
        return e as BatchFormatError;
      }
    };
    expect(attempt('period,providerName,placementType,amount,amount\n2025-06,A,K2,1,2\n')!.errors.map((e) => e.message)).toEqual([
      'column "amount" repeats amount', 'missing column placementProvider',
    ]);
    expect(attempt(`${HEADER}\n`)).toBeInstanceOf(BatchFormatError);
    expect(attempt('')).toBeInstanceOf(BatchFormatError);
  });

  it('lists a row with the wrong number of fields as a rejected line', () => {
    const r = parseCsvBatch(`${HEADER}\n2025-06,A,K2,PR4,c1,1,extra\n`, TODAY);
    expect(r.results[0]!.result).toEqual({ ok: false, errors: [{ path: '(line)', message: 'has 7 fields; the header has 6' }] });
  });
});

describe('batch identity', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => ({ period: '2025-06', providerName: `P${i}`, placementType: 'K2', placementProvider: 'PR4', amount: i }));

  it('is the accepted lines, in any order, for one authority', () => {
    const a = prepareBatch('essex', parseJsonBatch(lines(5), TODAY));
    const b = prepareBatch('essex', parseJsonBatch([...lines(5)].reverse().concat([{ bad: true }] as never[]), TODAY));
    const c = prepareBatch('norfolk', parseJsonBatch(lines(5), TODAY));
    const d = prepareBatch('essex', parseJsonBatch(lines(4), TODAY));
    expect(b.batchId).toBe(a.batchId);
    expect(c.batchId).not.toBe(a.batchId);
    expect(d.batchId).not.toBe(a.batchId);
    expect(b.rejected).toEqual([{ line: 6, errors: expect.any(Array) }]);
  });

  it('a CSV and a JSON batch with the same lines are the same batch', () => {
    const csv = prepareBatch('essex', parseCsvBatch(`${HEADER}\n2025-06,Acme,K2,PR4,c1,"£1,000.50"\n`, TODAY));
    const json = prepareBatch('essex', parseJsonBatch([{ period: '2025-06', providerName: 'Acme', placementType: 'K2', placementProvider: 'PR4', childRef: 'c1', amount: 1000.5 }], TODAY));
    expect(csv.batchId).toBe(json.batchId);
  });

  it('a batch with no accepted line is identified by its content: the same post again is the same batch, another is not', () => {
    const bad = [{ period: 'May 2025', providerName: 'A', placementType: 'K2', placementProvider: 'PR4', amount: 1 }];
    const other = [{ period: '2025-06', providerName: 'A', placementType: 'ZZ', placementProvider: 'PR4', amount: 1 }];
    const a = prepareBatch('essex', parseJsonBatch(bad, TODAY));
    expect(a.rows).toEqual([]);
    expect(a.batchId).toMatch(/^[0-9a-f]{32}$/);
    expect(prepareBatch('essex', parseJsonBatch(structuredClone(bad), TODAY)).batchId).toBe(a.batchId);
    expect(prepareBatch('essex', parseJsonBatch(other, TODAY)).batchId).not.toBe(a.batchId);
    expect(prepareBatch('norfolk', parseJsonBatch(bad, TODAY)).batchId).not.toBe(a.batchId);
    expect(a.batchId).not.toBe(batchIdOf('essex', []));
    const csv = (text: string) => prepareBatch('essex', parseCsvBatch(`${HEADER}\n${text}\n`, TODAY)).batchId;
    expect(csv('2025-06,A,ZZ,PR4,c1,1')).toBe(csv('2025-06,A,ZZ,PR4,c1,1'));
    expect(csv('2025-06,A,ZZ,PR4,c1,1')).not.toBe(csv('2025-06,A,ZZ,PR4,c2,1'));
  });
});

describe('provider names and groups', () => {
  it('normalises legal suffixes, case, punctuation and "the"', () => {
    expect(normaliseName('The Acme (UK) Co. Ltd.')).toBe('acme');
    expect(normaliseName('ACME LIMITED')).toBe('acme');
    expect(normaliseName("Fenland Children's Homes")).toBe(normaliseName('Fenland Childrens Homes Ltd'));
    expect(normaliseName('Smith & Jones plc')).toBe('smith and jones');
    expect(normaliseName('Émile Care')).toBe('emile care');
  });

  it('splits "t/a" trading names', () => {
    expect(splitTradingName('Acme Holdings Ltd t/a Sunrise Homes')).toEqual({ legal: 'Acme Holdings Ltd', trading: 'Sunrise Homes' });
    expect(splitTradingName('Acme Holdings Ltd (trading as Sunrise Homes)')).toEqual({ legal: 'Acme Holdings Ltd', trading: 'Sunrise Homes' });
    expect(splitTradingName('Acme Holdings T/A Sunrise')).toEqual({ legal: 'Acme Holdings', trading: 'Sunrise' });
    expect(splitTradingName('Tata Care')).toEqual({ legal: 'Tata Care' });
  });

  it('resolves in order: explicit group, home by URN, company number, name; and lists the unresolved', () => {
    const r = new GroupResolver(buildMappingIndex(PROVIDER_GROUP_MAPPING));
    const e = [
      r.resolve('Some Group', 'SC000001', '09990001', 'Fenland Futures'), // explicit wins over all
      r.resolve(null, 'SC000001', '09990001', 'X'), // the home's group wins over the company
      r.resolve(null, 'SC000002', '09990001', 'X'), // an unknown home falls back to the company
      r.resolve(null, null, null, 'Ouse Valley Homes Ltd'), // a mapped brand
      r.resolve(null, null, '11111111', 'Lone Co Ltd'), // an unmapped company: its own group …
      r.resolve(null, null, '11111111', 'Lone Company Trading'),
      r.resolve('Known Group', null, '22222222', 'Y'), // … unless a named group vouches for it
      r.resolve(null, null, '22222222', 'Z Ltd'),
    ];
    expect(r.urns()).toEqual(['SC000001', 'SC000002']);
    const out = r.finish(new Map([['SC000001', 'Harbour Care Group'], ['SC000002', undefined]]));
    const name = (i: number) => out.groups[out.groupOfEntry[e[i]!]!]!.name;
    expect(e.map((_, i) => name(i))).toEqual([
      'Some Group', 'Harbour Care Group', 'Fenland Care Group', 'Fenland Care Group', 'Lone Co Ltd', 'Lone Co Ltd', 'Known Group', 'Known Group',
    ]);
    expect(out.unresolved).toEqual([{ name: 'Lone Co Ltd', group: 'Lone Co Ltd' }, { name: 'Lone Company Trading', group: 'Lone Co Ltd' }]);
  });

  it('joins names posted under one company number, and the same name without it', () => {
    const r = new GroupResolver(buildMappingIndex([]));
    const a = r.resolve(null, null, '33333333', 'Birch Lodge Ltd');
    const b = r.resolve(null, null, '33333333', 'Birch Lodge Services');
    const c = r.resolve(null, null, null, 'BIRCH LODGE LIMITED');
    const d = r.resolve(null, null, null, 'Elm House');
    const out = r.finish(new Map());
    const g = (e: number) => out.groupOfEntry[e];
    expect(g(a)).toBe(g(b));
    expect(g(a)).toBe(g(c));
    expect(g(d)).not.toBe(g(a));
  });
});

describe('aggregation', () => {
  const mapping = buildMappingIndex(PROVIDER_GROUP_MAPPING);
  const AUTHS = ['essex', 'norfolk', 'suffolk'];

  const lineArb = fc.record({
    authority: fc.constantFrom(...AUTHS),
    month: fc.constantFrom('2025-04', '2025-05', '2025-06', '2025-07'),
    provider: fc.constantFrom('Harbour Care', 'HARBOUR CARE LTD', 'Ouse Valley Homes', 'Acme', 'Acme Limited', 'Birch'),
    type: fc.constantFrom('K2', 'U1', 'R1'),
    child: fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { nil: undefined }),
    pence: fc.integer({ min: -50_000, max: 10_000_000 }),
  });

  it('property: exact pence and distinct placements/children match a naive recount', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 60 }), (lines) => {
        const agg = new RollupAggregator('2025-Q2', monthsOf('2025-Q2'), mapping);
        for (const l of lines) {
          const line: SpendLine = {
            period: l.month, providerName: l.provider, placementType: l.type, placementProvider: 'PR4', amountPence: l.pence,
            ...(l.child ? { childRef: l.child } : {}),
          };
          agg.add(l.authority, toRow(line));
        }
        const { rollup, authorityPlacements, penceByGroup } = agg.finish(new Map(), '2025-07-01T00:00:00.000Z');
        const inQ = lines.map((l, idx) => ({ ...l, idx })).filter((l) => l.month !== '2025-07');
        // the groups these names must settle into, by a key both sides share
        const keyOf = (name: string) => {
          const n = name.toLowerCase();
          return n.startsWith('harbour') ? 'H' : n.startsWith('ouse') || n.startsWith('fenland') ? 'F' : n.startsWith('acme') ? 'A' : n;
        };
        const pl = (ls: typeof inQ) => new Set(ls.map((l) => (l.child ? `${l.authority}|${l.child}|${keyOf(l.provider)}` : `line ${l.idx}`))).size;
        const sum = (ls: typeof inQ) => ls.reduce((s, l) => s + l.pence, 0);
        expect(Math.round(rollup.totals.spend * 100)).toBe(sum(inQ));
        expect(rollup.totals.authorities).toBe(new Set(inQ.map((l) => l.authority)).size);
        expect(rollup.totals.providerGroups).toBe(new Set(inQ.map((l) => keyOf(l.provider))).size);
        const totalPlacements = pl(inQ);
        if (rollup.totals.placements !== 'c') expect(rollup.totals.placements).toBe(totalPlacements);
        // a child is a distinct (authority, childRef): lines without childRef name no child
        const children = new Set(inQ.filter((l) => l.child).map((l) => `${l.authority}|${l.child}`)).size;
        expect(rollup.totals.children).toBe(children < 5 || rollup.totals.placements === 'c' ? 'c' : children);
        for (const g of rollup.byProviderGroup) {
          const ls = inQ.filter((l) => keyOf(l.provider) === keyOf(g.group));
          expect(penceByGroup.get(g.group)).toBe(sum(ls));
          expect(g.authorities).toBe(new Set(ls.map((l) => l.authority)).size);
          if (g.placements !== 'c') expect(g.placements).toBe(pl(ls));
          // a count of 5 or more is hidden only to protect another cell, or a hidden total
          else expect(pl(ls) < 5 || rollup.byProviderGroup.some((o) => o !== g && o.placements === 'c') || rollup.totals.placements === 'c').toBe(true);
        }
        for (const a of rollup.byAuthority) {
          const ls = inQ.filter((l) => l.authority === a.authority);
          expect(Math.round(a.spend * 100)).toBe(sum(ls));
          expect(authorityPlacements[a.authority]).toBe(pl(ls));
        }
        for (const t of rollup.byPlacementType) {
          const ls = inQ.filter((l) => l.type === t.placementType);
          expect(Math.round(t.spend * 100)).toBe(sum(ls));
          if (t.placements !== 'c') expect(t.placements).toBe(pl(ls));
        }
        expect(rollup.byProviderGroup.reduce((s, g) => s + (penceByGroup.get(g.group) ?? 0), 0)).toBe(sum(inQ));
      }),
      { numRuns: 300, seed: 20261123 },
    );
  });

  it('keeps Z1 and Z11 apart (rule 146: Z1 to 2024-25, Z11–Z14 from 2025-26)', () => {
    const agg = new RollupAggregator('FY2024-25', monthsOf('FY2024-25'), mapping);
    agg.add('essex', toRow({ period: '2025-03', providerName: 'Acme', placementType: 'Z1', placementProvider: 'PR4', amountPence: 100 }));
    const later = new RollupAggregator('FY2025-26', monthsOf('FY2025-26'), mapping);
    later.add('essex', toRow({ period: '2025-04', providerName: 'Acme', placementType: 'Z11', placementProvider: 'PR4', amountPence: 250 }));
    later.add('essex', toRow({ period: '2025-05', providerName: 'Acme', placementType: 'Z12', placementProvider: 'PR4', amountPence: 300 }));
    expect(agg.finish(new Map(), '2025-04-01T00:00:00.000Z').rollup.byPlacementType.map((t) => [t.placementType, t.spend])).toEqual([['Z1', 1]]);
    expect(later.finish(new Map(), '2025-06-01T00:00:00.000Z').rollup.byPlacementType.map((t) => [t.placementType, t.spend])).toEqual([['Z11', 2.5], ['Z12', 3]]);
  });

  it('counts a child once per (authority, childRef); lines without childRef are placements, never children', () => {
    const agg = new RollupAggregator('2025-06', ['2025-06'], mapping);
    const add = (authority: string, providerName: string, childRef?: string) =>
      agg.add(authority, toRow({ period: '2025-06', providerName, placementType: 'K2', placementProvider: 'PR4', amountPence: 100, ...(childRef ? { childRef } : {}) }));
    // six children: c1 with two providers (two placements), c1 again with the first; c1 in
    // Norfolk is another child; and eight lines naming no child
    for (const ref of ['c1', 'c2', 'c3', 'c4']) add('essex', 'Acme', ref);
    add('essex', 'Birch', 'c1');
    add('essex', 'Acme', 'c1');
    add('norfolk', 'Acme', 'c1');
    add('norfolk', 'Birch', 'c5');
    for (let i = 0; i < 8; i++) add(i % 2 ? 'essex' : 'norfolk', i % 3 ? 'Acme' : 'Birch');
    const { rollup } = agg.finish(new Map(), '2025-07-01T00:00:00.000Z');
    expect(rollup.totals).toMatchObject({ placements: 7 + 8, children: 6 });

    // four children and many lines without childRef: the children total is below 5, so "c"
    const few = new RollupAggregator('2025-06', ['2025-06'], mapping);
    for (const ref of ['d1', 'd2', 'd3', 'd4']) few.add('essex', toRow({ period: '2025-06', providerName: 'Acme', placementType: 'K2', placementProvider: 'PR4', amountPence: 1, childRef: ref }));
    for (let i = 0; i < 10; i++) few.add('essex', toRow({ period: '2025-06', providerName: 'Acme', placementType: 'K2', placementProvider: 'PR4', amountPence: 1 }));
    expect(few.finish(new Map(), '2025-07-01T00:00:00.000Z').rollup.totals).toMatchObject({ placements: 14, children: 'c' });
  });

  it('shares are exact fractions of the region total, rounded to 6 places', () => {
    expect(shareOf(1, 3)).toBe(0.333333);
    expect(shareOf(2, 3)).toBe(0.666667);
    expect(shareOf(-1, 3)).toBe(-0.333333);
    expect(shareOf(5, 0)).toBeNull();
  });

  it('renders an Excel-safe CSV: BOM, CRLF, plain numbers, quoted names, formulas defused', () => {
    const agg = new RollupAggregator('2025-06', ['2025-06'], mapping);
    const add = (name: string, pence: number, child: string) =>
      agg.add('essex', toRow({ period: '2025-06', providerName: name, placementType: 'K2', placementProvider: 'PR4', childRef: child, amountPence: pence }));
    for (let i = 0; i < 5; i++) add('Smith, Jones & Co', 123456789, `s${i}`);
    add('=HYPERLINK("x")', 200000000, 'h');
    const { rollup, penceByGroup } = agg.finish(new Map(), '2025-07-01T00:00:00.000Z');
    const csv = renderRollupCsv(rollup, penceByGroup);
    expect(csv.startsWith('\uFEFFperiod,group,spend_gbp,share,authorities,placements\r\n')).toBe(true);
    const rows = csv.slice(1).split('\r\n');
    expect(rows[1]).toBe('2025-06,"Smith, Jones & Co",6172839.45,0.755287,1,c');
    expect(rows[2]).toBe('2025-06,"\'=HYPERLINK(""x"")",2000000.00,0.244713,1,c');
    expect(rows[3]).toBe('');
  });
});

describe('batch ids are stable', () => {
  it('hashes canonical rows', () => {
    const row = toRow({ period: '2025-06', providerName: 'A', placementType: 'K2', placementProvider: 'PR4', amountPence: 1 });
    expect(batchIdOf('essex', [row])).toMatch(/^[0-9a-f]{32}$/);
    expect(batchIdOf('essex', [row])).toBe(batchIdOf('essex', [[...row] as typeof row]));
  });
});

describe('periods that have not started', () => {
  it('a period may be rolled up from its first UK instant, not before (422)', () => {
    // 1 April 2026 begins at midnight BST: 23:00 UTC on 31 March
    expect(periodHasStarted('2026-04', new Date('2026-03-31T22:59:59.999Z'))).toBe(false);
    expect(periodHasStarted('2026-04', new Date('2026-03-31T23:00:00.000Z'))).toBe(true);
    expect(periodHasStarted('2026-Q2', new Date('2026-03-31T23:00:00.000Z'))).toBe(true);
    expect(periodHasStarted('FY2026-27', new Date('2026-03-31T22:00:00.000Z'))).toBe(false);
    expect(periodHasStarted('2027-01', new Date('2026-12-31T23:59:59.999Z'))).toBe(false); // GMT: midnight is 00:00 UTC
    let thrown: unknown;
    try {
      requirePeriodStarted('2026-Q3', new Date('2026-06-30T12:00:00Z'));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(HubError);
    expect(thrown).toMatchObject({ code: 'unprocessable', detail: expect.stringMatching(/^2026-Q3 has not started yet/) });
    expect(() => requirePeriodStarted('2026-06', new Date('2026-06-30T12:00:00Z'))).not.toThrow();
  });
});

describe('what is kept of a batch', () => {
  const good = { period: '2025-06', providerName: 'Acme', placementType: 'K2', placementProvider: 'PR4', childRef: 'c1', amount: 1 };

  it('JSON: only the accepted lines, as sent; a rejected line and an unknown field are not kept', () => {
    const b = prepareBatch('essex', parseJsonBatch([good, { ...good, childName: 'Jane Smith' }, { ...good, amount: 'Jane Smith' }, { ...good, childRef: 'c2', weeks: 2 }], TODAY));
    expect(JSON.parse(b.kept)).toEqual({ lines: [good, { ...good, childRef: 'c2', weeks: 2 }] });
    expect(b.kept).not.toContain('Jane');
    expect(JSON.stringify(b.rejected)).not.toContain('Jane');
  });

  it('CSV: the header and the accepted rows as sent (quotes, £, the line ends), never a rejected row', () => {
    const csv = `\uFEFF${HEADER}\r\n2025-06,"Acme, Ltd",K2,PR4,c1,"£1,000.50"\r\n2025-06,A,K2,PR4,c2,1,Jane Smith\r\n2025-06,A,K2,PR4,c3,Jane Smith\r\n2025-06,B,K2,PR4,,-£2\r\n`;
    const b = prepareBatch('essex', parseCsvBatch(csv, TODAY));
    expect(b.kept).toBe(`${HEADER}\r\n2025-06,"Acme, Ltd",K2,PR4,c1,"£1,000.50"\r\n2025-06,B,K2,PR4,,-£2\r\n`);
    expect(JSON.stringify(b.rejected)).not.toContain('Jane');
    expect(prepareBatch('essex', parseCsvBatch(`${HEADER}\n2025-06,A,K2,PR4,c1,1`, TODAY)).kept).toBe(`${HEADER}\n2025-06,A,K2,PR4,c1,1`);
  });

  it('a batch spanning more months than one batch may is 422; an unusable CSV is 400', () => {
    const lines = Array.from({ length: 49 }, (_, i) => ({ ...good, period: `${2020 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}` }));
    expect(() => receiveBatch('essex', { lines }, TODAY)).toThrow(expect.objectContaining({ code: 'unprocessable' }));
    expect(() => receiveBatch('essex', 'nope,columns\n1,2\n', TODAY)).toThrow(expect.objectContaining({ code: 'invalid' }));
    expect(receiveBatch('essex', { lines: lines.slice(0, 48) }, TODAY).rows).toHaveLength(48);
  });
});
