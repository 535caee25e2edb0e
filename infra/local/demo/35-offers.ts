import { auditRecord } from '../../../functions/domain/audit.ts';
import { addDays, londonToday } from '../../../functions/domain/calendar-days.ts';
import { HubError } from '../../../functions/domain/errors.ts';
import { admitOffer, newOffer, type OfferInput } from '../../../functions/domain/offers.ts';
import { byOf } from '../../../functions/domain/principal.ts';
import type { Principal } from '../../../functions/domain/principal.ts';
import { allowedFields, decideAccess, requireOpenReferral } from '../../../functions/domain/referrals.ts';
import type { VacancyItem } from '../../../functions/domain/vacancy.ts';
import { agreementInForce } from '../../../functions/store/agreements.ts';
import { writeAuditEntry } from '../../../functions/store/audit.ts';
import { acceptOffer } from '../../../functions/store/offer-acceptance.ts';
import { offerAndReferral, offerSubjects, putOffer } from '../../../functions/store/offers.ts';
import { requireReferral } from '../../../functions/store/referrals.ts';

/**
 * Demo offers (issue 12), made and accepted through the rules and stores the offer routes use:
 * Essex's referral ESX-DEMO-0004 (./30-referrals.ts) offered by two providers — Fenland's Fen
 * View (PE29, Cambridgeshire) holding a bed of its open vacancy, and Harbour Care's Harbour View
 * (SS1) — and Fen View accepted: Cambridgeshire adjoins Essex, so the placement awaits the
 * nominated officer's approval (reg 11) and its reg 13(4) notice is delivered to Cambridgeshire in
 * the hub; the vacancy has one bed fewer, Harbour View's offer reads as superseded. And an open
 * offer on ESX-DEMO-0001 holding one of the two beds of Beacon House's vacancy, so search shows a
 * hold (it lapses by itself at its holdUntil, three days on). Fixed offer ids; each is made only
 * when missing, and the acceptance only while the referral is open, so a restart changes nothing.
 * (Southend-on-Sea's emergency pool placement in Hertfordshire is ./20-pool.ts.)
 */

const ESSEX = { kind: 'authority', id: 'essex' } as const;
const PLACED_REFERRAL = '5e1f0000-0000-4000-8000-000000000004';
const OPEN_REFERRAL = '5e1f0000-0000-4000-8000-000000000001';

export const DEMO_OFFERS = {
  /** Fen View (Fenland), holding a bed of its vacancy: accepted, a placement in an adjoining authority. */
  accepted: `off_${PLACED_REFERRAL}_demo00000001`,
  /** Harbour View (Harbour Care), naming no vacancy: superseded by the acceptance. */
  superseded: `off_${PLACED_REFERRAL}_demo00000002`,
  /** Beacon House (Harbour Care) on ESX-DEMO-0001, holding a bed of its vacancy: open. */
  open: `off_${OPEN_REFERRAL}_demo00000001`,
} as const;

interface DemoOffer {
  id: string;
  referralId: string;
  provider: Principal & { kind: 'provider' };
  input: OfferInput;
}

async function exists(offerId: string): Promise<boolean> {
  try {
    await offerAndReferral(offerId);
    return true;
  } catch (e) {
    if (e instanceof HubError && e.code === 'not-found') return false;
    throw e;
  }
}

/** An offer made as POST /v1/referrals/{id}/offers makes it: the provider's access decided and audited, the rules, the store's one transaction. */
async function makeOffer({ id, referralId, provider, input }: DemoOffer, now: Date): Promise<void> {
  const referral = await requireReferral(referralId);
  const access = decideAccess(agreementInForce(referral.agreementId), referral, provider, now);
  await writeAuditEntry(auditRecord({ ...access, action: 'offer', requestId: `demo-seed:${id}`, disclosed: [] }));
  const disclosed = allowedFields(access);
  requireOpenReferral(referral);
  const { home, vacancy } = await offerSubjects(input.homeUrn, input.vacancyId);
  const ctx = { provider, child: referral.child, disclosed, home, vacancy, now };
  const { slot } = admitOffer(input, ctx);
  const offer = newOffer(id, referralId, input, home!, byOf(provider), now);
  const pickSlot = (v: VacancyItem, at: Date) => admitOffer(input, { ...ctx, vacancy: v, now: at }).slot!;
  await putOffer(offer, referral, vacancy && slot !== undefined ? { vacancy, slot, pickSlot } : undefined, now);
}

export async function seed(): Promise<void> {
  const now = new Date();
  const today = londonToday(now);
  const holdUntil = new Date(now.getTime() + 3 * 86_400_000).toISOString();
  const fenland = { kind: 'provider', id: 'fenland-childrens-homes' } as const;
  const harbour = { kind: 'provider', id: 'harbour-care' } as const;
  const offers: DemoOffer[] = [
    {
      id: DEMO_OFFERS.accepted, referralId: PLACED_REFERRAL, provider: fenland,
      input: { homeUrn: 'SC900104', vacancyId: 'demo-SC900104-1', startDate: today, weeklyCost: { core: 4950, additionalSupport: 650, education: 400 }, holdUntil, note: 'Mentoring with a youth worker who knows county lines' },
    },
    {
      id: DEMO_OFFERS.superseded, referralId: PLACED_REFERRAL, provider: harbour,
      input: { homeUrn: 'SC900201', startDate: addDays(today, 2), weeklyCost: { core: 5300, education: 300 }, holdUntil },
    },
    {
      id: DEMO_OFFERS.open, referralId: OPEN_REFERRAL, provider: harbour,
      input: { homeUrn: 'SC900204', vacancyId: 'demo-SC900204-1', startDate: addDays(today, 2), weeklyCost: { core: 4600, health: 250 }, holdUntil },
    },
  ];
  let made = 0;
  for (const offer of offers) {
    if (await exists(offer.id)) continue;
    await makeOffer(offer, now);
    made++;
  }
  let accepted = 0;
  const { referral } = await offerAndReferral(DEMO_OFFERS.accepted);
  if (referral.status !== 'placed') {
    await acceptOffer(ESSEX, DEMO_OFFERS.accepted, 'demo-seed', byOf(ESSEX));
    accepted++;
  }
  if (made + accepted > 0) console.log(`  demo offers: ${made} made, ${accepted} accepted`);
}
