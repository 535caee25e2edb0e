import { parseCsvBatch, parseJsonBatch, penceToText, prepareBatch, ukDate } from '../../../functions/domain/spend.ts';
import { commitBatch } from '../../../functions/store/spend.ts';
import { NoSpendForPeriod, runRollup } from '../../../functions/store/rollups.ts';

/**
 * Demo spend (issue 6): a few months of FY2025-26 from six authorities, as CSV finance exports
 * and JSON, with brands of the demo provider groups, trading names, company numbers and a few
 * one-off providers; then the quarter and financial-year rollups. Generated from a fixed seed,
 * so every restart posts the very same batches (the hub counts each batch once) and the
 * rollups come out byte-identical.
 */
const PROVIDERS = [
  { providerName: "Fenland Children's Homes Ltd", companiesHouseNumber: '09990001' },
  { providerName: 'Ouse Valley Homes' },
  { providerName: 'Harbour Care Ltd' },
  { providerName: 'Bayside Holdings Ltd t/a Bayside Children’s Homes' },
  { providerName: 'Estuary Lodge', providerGroup: 'Harbour Care Group' },
  { providerName: 'Meadowview Care Services Ltd' },
  { providerName: 'Willow Bank Homes Limited' },
  { providerName: 'Kingfisher Therapeutic Care Ltd', companiesHouseNumber: '10203040' },
  { providerName: 'KINGFISHER THERAPEUTIC CARE', companiesHouseNumber: '10203040' },
  { providerName: 'Oakwood Fostering Ltd' },
  { providerName: 'Saltmarsh House CIC' },
];
const TYPES = [['K2', 'PR4'], ['K2', 'PR5'], ['U4', 'PR4'], ['U1', 'PR1'], ['R1', 'PR4'], ['K3', 'PR4']] as const;
const AUTHORITIES = ['essex', 'norfolk', 'suffolk', 'cambridgeshire', 'hertfordshire', 'thurrock'] as const;
const MONTHS = ['2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09'];

/** mulberry32: a small seeded generator, so the demo is the same on every machine. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function seed(): Promise<void> {
  const today = ukDate();
  for (const [ai, authority] of AUTHORITIES.entries()) {
    const rnd = prng(1000 + ai);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    // Each authority has ~25 children placed with a steady provider each; a month's line per
    // child. Thurrock places only 3 with these providers, so its counts show as "c".
    const children = Array.from({ length: authority === 'thurrock' ? 3 : 20 + Math.floor(rnd() * 10) }, (_, i) => ({
      childRef: `${authority.slice(0, 3).toUpperCase()}-${String(1000 + i)}`,
      provider: pick(PROVIDERS),
      type: pick(TYPES),
      weekly: 250_000 + Math.floor(rnd() * 60) * 5_000, // £2,500 – £5,450 a week, in pence
    }));
    for (const [mi, month] of MONTHS.entries()) {
      const rows = children
        .filter(() => rnd() > 0.1)
        .map((c) => ({ ...c.provider, placementType: c.type[0], placementProvider: c.type[1], childRef: c.childRef, weeks: 4, weeklyCost: c.weekly, amount: c.weekly * 4 }));
      if (mi === 2) rows.push({ ...PROVIDERS[2]!, placementType: 'K2', placementProvider: 'PR4', childRef: children[0]!.childRef, weeks: 0, weeklyCost: 0, amount: -120_000 }); // a credit
      // Odd authorities export CSV from their finance system; the others post JSON.
      if (ai % 2 === 0) {
        const q = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
        const money = (p: number) => `"£${Number(penceToText(p)).toLocaleString('en-GB', { minimumFractionDigits: 2 })}"`;
        const csv = ['Period,Provider Name,Companies House Number,Provider Group,Placement Type,Placement Provider,Child Ref,Weeks,Weekly Cost,Amount']
          .concat(rows.map((r) => [month, q(r.providerName), r.companiesHouseNumber ?? '', q(r.providerGroup ?? ''), r.placementType, r.placementProvider, r.childRef, r.weeks, money(r.weeklyCost), money(r.amount)].join(',')))
          .join('\r\n');
        await commitBatch(prepareBatch(authority, parseCsvBatch(csv, today)));
      } else {
        const lines = rows.map((r) => ({ period: month, ...r, weeklyCost: r.weeklyCost / 100, amount: r.amount / 100 }));
        await commitBatch(prepareBatch(authority, parseJsonBatch(lines, today)));
      }
    }
  }
  for (const period of ['2025-Q2', '2025-Q3', 'FY2025-26']) {
    try {
      await runRollup(period);
    } catch (e) {
      if (!(e instanceof NoSpendForPeriod)) throw e;
    }
  }
}
