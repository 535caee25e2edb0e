import { HubError } from '../domain/errors.ts';
import type { HubEvent } from '../domain/events.ts';
import { parsePrincipal } from '../domain/principal.ts';
import { decideAccess } from '../domain/referrals.ts';
import { agreementInForce } from '../store/agreements.ts';
import { offerAndReferral } from '../store/offers.ts';
import { getReferral, type ReferralItem } from '../store/referrals.ts';

/**
 * Whether an event's recipient may still read its subject, judged again before every delivery
 * attempt (CONTRACT "Events": an event about a referral its recipient may no longer read — consent
 * withdrawn or refused — is not delivered, not even as a retry). A referral, and an offer (read
 * through its referral), is decided by the one disclosure decision the audited read makes
 * (domain/referrals.ts decideAccess, on the referral as stored now); other subjects are the
 * recipient's own records. Nothing is disclosed here, so nothing is audited.
 */
export async function mayStillRead(recipient: string, event: HubEvent, now: Date): Promise<boolean> {
  const principal = parsePrincipal(recipient);
  if (!principal) return false;
  let referral: ReferralItem | undefined;
  if (event.subject.kind === 'referral') referral = await getReferral(event.subject.id);
  else if (event.subject.kind === 'offer') {
    referral = await offerAndReferral(event.subject.id).then((o) => o.referral, (e: unknown) => {
      if (e instanceof HubError && e.code === 'not-found') return undefined; // gone: nothing to read
      throw e;
    });
  } else return true;
  if (!referral) return false;
  const access = decideAccess(agreementInForce(referral.agreementId), referral, principal, now);
  return access.owner || access.decision.allowed;
}
