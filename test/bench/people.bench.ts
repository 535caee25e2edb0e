import { signInWithPassword } from '../../functions/cli/people.ts';
import { addPerson, newPassword } from '../../functions/store/people.ts';
import { judge, percentile, round, type BenchContext, type BenchRow } from './harness.ts';

/**
 * What a person's token costs per request beside a system's key, both over HTTP through the local
 * gateway as deployed (no authorizer cache: functions/routes/index.ts AUTHORIZER_CACHE_SECONDS):
 * the key is one DynamoDB GetItem in the authorizer, the token an RS256 signature check with the
 * provider's keys fetched once and kept. The same cheap route (GET /v1/authorities), calls
 * interleaved key, token, key, token… so both see the same machine.
 */
const N = 400;

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const email = `bench-${Date.now().toString(36)}@people-bench.example`;
  const password = newPassword();
  await addPerson({ email, principal: 'authority:essex', roles: ['placement-officer'], password });
  const { access_token } = await signInWithPassword({ issuer: `${ctx.baseUrl}/oidc`, email, password });
  const key = await ctx.keyFor('authority:essex');
  const url = `${ctx.baseUrl}/v1/authorities`;
  const once = async (headers: Record<string, string>): Promise<number> => {
    const t = performance.now();
    const r = await fetch(url, { headers });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`GET /v1/authorities answered ${r.status}`);
    return performance.now() - t;
  };
  const byKey: number[] = [];
  const byToken: number[] = [];
  for (let i = 0; i < 20; i++) await Promise.all([once({ 'x-api-key': key }), once({ authorization: `Bearer ${access_token}` })]); // warm-up, key set fetched
  for (let i = 0; i < N; i++) {
    byKey.push(await once({ 'x-api-key': key }));
    byToken.push(await once({ authorization: `Bearer ${access_token}` }));
  }
  byKey.sort((a, b) => a - b);
  byToken.sort((a, b) => a - b);
  const keyP50 = round(percentile(byKey, 50));
  const tokenP50 = round(percentile(byToken, 50));
  return [
    {
      name: `people: GET /v1/authorities with a person's Bearer token, p50 of ${N} (p99 ${round(percentile(byToken, 99))} ms; key p99 ${round(percentile(byKey, 99))} ms)`,
      value: tokenP50,
      unit: 'ms',
      baseline: { name: 'the same call with an API key (x-api-key: one GetItem), p50, interleaved', value: keyP50 },
      ...judge(tokenP50, '≤', round(1.5 * keyP50), 'ms', '1.5× key p50'),
    },
  ];
}
