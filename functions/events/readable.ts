import type { HubEvent } from '../domain/events.ts';
import { parsePrincipal } from '../domain/principal.ts';
import { deliverableEvents } from '../store/event-access.ts';

/**
 * Whether an event's recipient may still read its subject, judged again before every delivery
 * attempt (CONTRACT "Events": an event about a referral its recipient may no longer read — consent
 * withdrawn or refused — is not delivered, not even as a retry): the one check the feed makes too
 * (store/event-access.ts `deliverableEvents`). Nothing is disclosed here, so nothing is audited.
 */
export async function mayStillRead(recipient: string, event: HubEvent, now: Date): Promise<boolean> {
  const principal = parsePrincipal(recipient);
  if (!principal) return false;
  return (await deliverableEvents(principal, [event], now)).length === 1;
}
