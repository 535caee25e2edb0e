import { deliverable, subjectReferral, type HubEvent } from '../domain/events.ts';
import type { Principal } from '../domain/principal.ts';
import { decideAccess } from '../domain/referrals.ts';
import { accessionsOfCaller } from './accessions.ts';
import { agreementInForce } from './agreements.ts';
import { getReferrals } from './referrals.ts';

/**
 * Which events may reach their recipient now (CONTRACT "Events": an event about a referral its
 * recipient may no longer read — consent withdrawn or refused — is not delivered, not even as a
 * retry). Reads the referrals the events are about in one consistent BatchGet and applies the
 * one decision the audited read makes (domain/referrals.ts decideAccess) through
 * domain/events.ts `deliverable`. The feed (GET /v1/events) and the webhook sender both call it,
 * at the moment they show or send. Needs the sharing agreements (the bundle's assets).
 */
export async function deliverableEvents<E extends Pick<HubEvent, 'subject'>>(recipient: Principal, events: readonly E[], now: Date): Promise<E[]> {
  const ids = [...new Set(events.flatMap((e) => subjectReferral(e) ?? []))];
  const referrals = ids.length ? await getReferrals(ids) : new Map();
  // a provider may be a party by accession (domain/accession.ts): its register entries for these agreements
  const agreements = [...new Set([...referrals.values()].map((r) => r.agreementId))].map(agreementInForce);
  const register = agreements.length ? await accessionsOfCaller(recipient, agreements) : [];
  return events.filter((e) => {
    const id = subjectReferral(e);
    const referral = id === undefined ? undefined : referrals.get(id);
    return deliverable(e, referral && decideAccess(agreementInForce(referral.agreementId), referral, recipient, now, register).decision);
  });
}
