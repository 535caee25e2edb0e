import { loadChildren } from './england.ts';
import { judge, percentile, round, timeMany, type BenchContext, type BenchRow } from './harness.ts';

/**
 * Consent-governed sharing, measured against the local stack: what the disclosure decision and
 * its write-once audit entry add to a provider's read of a referral, against the owner's
 * unaudited read of the same referral; and a provider's list page of 20 (20 conditional audit
 * puts in one transaction). Measured over the England-scale children of ./england.ts (2,000
 * pool requests and 5,000 referrals shared with the ISP's providers) already in the store.
 */
export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const loaded = await loadChildren(2025, { requests: 2_000, referrals: 5_000 });
  const [owner, provider] = await Promise.all([ctx.keyFor('authority:luton'), ctx.keyFor('provider:fenland-childrens-homes')]);
  const req = async (key: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(new URL(path, ctx.baseUrl), {
      method,
      headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as { id: string; items?: unknown[] };
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const { id } = await req(owner, 'POST', '/v1/referrals', {
      agreementId: 'commission-east-placements-isp',
      purpose: 'placement-matching',
      child: { childRef: `LTN-BENCH-${Date.now()}-${i}`, age: 10 + (i % 7), sex: i % 2 ? 'male' : 'female', needs: ['semh'], homeOutcode: 'LU1', urgency: 'planned' },
      lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18' },
      shareWith: ['fenland-childrens-homes'],
    });
    ids.push(id);
  }

  const ownerMs = await timeMany(200, (i) => req(owner, 'GET', `/v1/referrals/${ids[i % ids.length]}`));
  const providerMs = await timeMany(200, (i) => req(provider, 'GET', `/v1/referrals/${ids[i % ids.length]}`));
  const listMs = await timeMany(40, () => req(provider, 'GET', '/v1/referrals?limit=20'), 5);

  const p95 = round(percentile(providerMs, 95), 1);
  const list95 = round(percentile(listMs, 95), 1);
  return [
    { name: `load: ${loaded.requests} pool requests and ${loaded.referrals} referrals through the stores`, value: round(loaded.ms / 1000, 1), unit: 's' },
    {
      name: 'referral read by a named provider (decision + audit put), p50',
      value: round(percentile(providerMs, 50), 1),
      unit: 'ms',
      baseline: { name: "owner's read (no audit), p50", value: round(percentile(ownerMs, 50), 1) },
    },
    { name: 'referral read by a named provider, p95', value: p95, unit: 'ms', ...judge(p95, '<', 100, 'ms') },
    { name: 'provider list of 20 (20 audit puts, one transaction), p50', value: round(percentile(listMs, 50), 1), unit: 'ms' },
    { name: 'provider list of 20, p95', value: list95, unit: 'ms', ...judge(list95, '<', 300, 'ms') },
  ];
}
