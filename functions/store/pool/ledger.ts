import { computeLedger, type Ledger } from '../../domain/ledger.ts';
import { allocationsStartingBy } from './allocations.ts';
import { allBeds } from './beds.ts';

/** The ledger for `from`..`to`, computed from every bed and the allocation history (all 11 authority lines). */
export async function loadLedger(from: string, to: string): Promise<Ledger> {
  const [beds, allocations] = await Promise.all([allBeds(), allocationsStartingBy(to)]);
  return computeLedger({
    from,
    to,
    beds: beds.map((b) => ({ id: b.id, kind: b.kind, weeklyCostPence: b.weeklyCostPence, from: b.from, to: b.to, shares: b.shares })),
    allocations: allocations.map((a) => ({ bedId: a.bedId, authority: a.authority, startDate: a.startDate, endDate: a.endDate })),
  });
}
