import { admitReferral } from '../../../functions/domain/referrals.ts';
import { parsePrincipal, type Principal } from '../../../functions/domain/principal.ts';
import { agreementInForce } from '../../../functions/store/agreements.ts';
import { createReferral, recordConsent } from '../../../functions/store/referrals.ts';
import { CreateReferral } from '../../../schemas/referrals.ts';
import type { DemoContext } from '../seed.ts';

/**
 * Demo referrals for `npm start`: three authorities' referrals shared with the demo providers
 * under the regional ISP — one on public task with consent not sought, one with consent given,
 * one on explicit consent (6(1)(a) and 9(2)(a)) since withdrawn (readable by its owner only) —
 * and a second of Essex's, which ./35-offers.ts takes to a placement. Fixed ids, written only when
 * absent, so a restart changes nothing.
 */
const DEMO: { id: string; owner: string; body: unknown; then?: { status: 'withdrawn'; recordedAt: string; by: string } }[] = [
  {
    id: '5e1f0000-0000-4000-8000-000000000001',
    owner: 'authority:essex',
    body: {
      agreementId: 'commission-east-placements-isp',
      purpose: 'placement-matching',
      child: {
        childRef: 'ESX-DEMO-0001',
        age: 14,
        sex: 'female',
        needs: ['self-harm', 'going-missing'],
        homeOutcode: 'CM1',
        urgency: 'within-5-days',
        careAlongside: 'solo',
        settings: [
          { placementType: 'K2', suitability: 'suitable' },
          { placementType: 'U4', suitability: 'suitable-with-support' },
        ],
      },
      lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18', consent: { status: 'not-sought', recordedAt: '2026-01-05T10:00:00Z', by: 'Essex placements team' } },
      shareWith: ['harbour-care', 'fenland-childrens-homes'],
    },
  },
  {
    id: '5e1f0000-0000-4000-8000-000000000002',
    owner: 'authority:norfolk',
    body: {
      agreementId: 'commission-east-placements-isp',
      purpose: 'placement-matching',
      child: {
        childRef: 'NFK-DEMO-0002',
        age: 9,
        sex: 'male',
        needs: ['semh'],
        homeOutcode: 'NR3',
        urgency: 'today',
        careAlongside: 'group',
        siblings: { count: 1, placeTogether: 'required' },
      },
      lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18', consent: { status: 'given', recordedAt: '2026-01-06T15:30:00Z', by: 'Norfolk social worker NW-114' } },
      shareWith: ['meadowview-care', 'harbour-care'],
    },
  },
  {
    id: '5e1f0000-0000-4000-8000-000000000003',
    owner: 'authority:suffolk',
    body: {
      agreementId: 'commission-east-placements-isp',
      purpose: 'placement-matching',
      child: {
        childRef: 'SFK-DEMO-0003',
        age: 16,
        sex: 'female',
        needs: ['criminal-exploitation', 'sexual-exploitation'],
        homeOutcode: 'IP1',
        urgency: 'planned',
        careAlongside: 'solo',
      },
      lawfulBasis: { article6: '6(1)(a)', article9: '9(2)(a)', consent: { status: 'given', recordedAt: '2026-01-07T11:00:00Z', by: 'Suffolk social worker SW-207' } },
      shareWith: ['harbour-care'],
    },
    then: { status: 'withdrawn', recordedAt: '2026-01-08T09:00:00.000Z', by: 'Suffolk social worker SW-207' },
  },
  {
    // offered by two providers and placed in Cambridgeshire (./35-offers.ts)
    id: '5e1f0000-0000-4000-8000-000000000004',
    owner: 'authority:essex',
    body: {
      agreementId: 'commission-east-placements-isp',
      purpose: 'placement-matching',
      child: {
        childRef: 'ESX-DEMO-0004',
        age: 15,
        sex: 'male',
        needs: ['criminal-exploitation', 'going-missing'],
        homeOutcode: 'CM1',
        urgency: 'within-5-days',
        careAlongside: 'group',
      },
      lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18', consent: { status: 'not-sought', recordedAt: '2026-01-09T10:00:00Z', by: 'Essex placements team' } },
      shareWith: ['fenland-childrens-homes', 'harbour-care'],
    },
  },
];

export async function seed(_ctx: DemoContext): Promise<void> {
  const now = new Date();
  let written = 0;
  for (const { id, owner, body, then } of DEMO) {
    const principal = parsePrincipal(owner) as Principal & { kind: 'authority' };
    const input = CreateReferral.parse(body);
    const agreement = admitReferral(agreementInForce(input.agreementId), input, principal, now);
    const { created } = await createReferral(principal, input, agreement, now, id);
    if (!created) continue;
    if (then) await recordConsent(principal, id, then, now);
    written++;
  }
  if (written > 0) console.log(`  demo referrals: ${written} written`);
}
