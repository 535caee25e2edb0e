import type { z } from 'zod/mini';
import { notFound } from '../domain/errors.ts';
import * as rules from '../domain/offers.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import { allowedFields, requireOpenReferral, type Decided } from '../domain/referrals.ts';
import type { VacancyItem } from '../domain/vacancy.ts';
import { writeAuditEntry } from '../store/audit.ts';
import * as store from '../store/offers.ts';
import { requireReferral, type ReferralItem } from '../store/referrals.ts';
import type { DeclineInput, OfferInput } from '../../schemas/offers.ts';
import type { AuthorityCaller, Caller, ProviderCaller } from './caller.ts';
import { audited, decide, decideWithRegister } from './referrals.ts';

/**
 * Offers and bed holds (CONTRACT.md "Offers and placements"), as the API and the console both do
 * them; accepting one is ./offer-acceptance.ts. A provider's access to a referral is the one
 * disclosure decision the audited read makes (./referrals.ts), and is audited like a read; denied
 * is 404. The rules are domain/offers.ts; the transactions store/offers.ts.
 */

type OfferCaller = Caller<Extract<Principal, { kind: 'authority' | 'provider' }>>;

/** The caller's access to the referral: the owner's, or a provider's (a party by its file or its accession) — audited, and 404 when denied. */
async function admitted(r: ReferralItem, c: Caller, now: Date): Promise<Decided<ReferralItem>> {
  const a = await decideWithRegister(r, c.principal, now);
  if (a.owner) return a;
  await writeAuditEntry(audited(a, 'offer', c, []));
  allowedFields(a);
  return a;
}

/** POST /v1/referrals/{id}/offers: 422 naming each rule broken; a held bed is taken from the vacancy in the same write. */
export async function makeOffer(c: ProviderCaller, referralId: string, body: z.output<typeof OfferInput>) {
  const now = new Date();
  const a = await admitted(await requireReferral(referralId), c, now);
  requireOpenReferral(a.referral);
  const { home, vacancy } = await store.offerSubjects(body.homeUrn, body.vacancyId);
  const ctx = { provider: c.principal, child: a.referral.child, disclosed: a.decision.fields, home, vacancy, now };
  const { slot } = rules.admitOffer(body, ctx);
  const offer = rules.newOffer(store.newOfferId(a.referral.id), a.referral.id, body, home!, c.by, now);
  // when another offer takes the slot first, the vacancy read again is judged again
  const pickSlot = (v: VacancyItem, at: Date) => rules.admitOffer(body, { ...ctx, vacancy: v, now: at }).slot!;
  await store.putOffer(offer, a.referral, vacancy && slot !== undefined ? { vacancy, slot, pickSlot } : undefined, now);
  return rules.offerView(offer, a.referral, now);
}

/** GET /v1/referrals/{id}/offers: every offer to the owner, a provider its own. */
export async function offersOn(c: OfferCaller, referralId: string, query: { limit: number; cursor?: string | undefined }) {
  const now = new Date();
  const a = await admitted(await requireReferral(referralId), c, now);
  const page = await store.offersPage(a.referral.id, principalId(c.principal), a.owner ? undefined : c.principal.id, query);
  return { ...page, items: page.items.map((o) => rules.offerView(o, a.referral, now)) };
}

/** A provider's own offers on a referral whose access was decided already (a list's, or a read's). */
export async function ownOffersOn(c: ProviderCaller, referral: ReferralItem, limit: number) {
  const now = new Date();
  const { items } = await store.offersPage(referral.id, principalId(c.principal), c.principal.id, { limit });
  return items.map((o) => rules.offerView(o, referral, now));
}

/** GET /v1/offers/{id}: the referral's owner, or the provider that made it. */
export async function readOffer(c: OfferCaller, id: string) {
  const now = new Date();
  const { offer, referral } = await store.offerAndReferral(id);
  const a = await admitted(referral, c, now);
  if (!rules.seesOffer(offer, c.principal, a.owner)) throw notFound();
  return rules.offerView(offer, referral, now);
}

/** POST /v1/offers/{id}/decline: the referral's owner declines an open offer with a reason. */
export async function decline(c: AuthorityCaller, id: string, { reason }: z.output<typeof DeclineInput>) {
  const now = new Date();
  const { offer, referral } = await store.offerAndReferral(id);
  if (!decide(referral, c.principal, now).owner) throw notFound();
  rules.requireOpen(offer, referral, now);
  const after = await store.closeOffer(offer, rules.closed(offer, { status: 'declined', reason }, c.by, now), referral);
  return rules.offerView(after, referral, now);
}

/** POST /v1/offers/{id}/withdraw: the provider withdraws its own open offer. */
export async function withdraw(c: ProviderCaller, id: string) {
  const now = new Date();
  const { offer, referral } = await store.offerAndReferral(id);
  // its own offer: withdrawing discloses nothing, so a provider may withdraw even once it may no longer read the referral
  if (!rules.madeBy(offer, c.principal)) throw notFound();
  rules.requireOpen(offer, referral, now);
  const after = await store.closeOffer(offer, rules.closed(offer, { status: 'withdrawn' }, c.by, now), referral);
  return rules.offerView(after, referral, now);
}
