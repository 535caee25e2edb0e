import { TransactWriteCommand } from './ddb.ts';
import { newId, newNoticeId, newPlacementId } from './ids.ts';
import { auditRecord } from '../domain/audit.ts';
import { conflict, notFound } from '../domain/errors.ts';
import { accepted, offerStatus, requireOpen, type OfferRecord } from '../domain/offers.ts';
import { newPlacement, type Placement } from '../domain/placement-record.ts';
import type { By, Principal } from '../domain/principal.ts';
import type { AuthoritySlug } from '../domain/reference/authorities.ts';
import { decideAccess, requireOpenReferral } from '../domain/referrals.ts';
import { isLiveHold, slotOf } from '../domain/vacancy.ts';
import { accessionsFor } from './accessions.ts';
import { agreementInForce } from './agreements.ts';
import { auditPut } from './audit.ts';
import { addressed, providerRecipient } from '../domain/events.ts';
import { batchGet, itemAt } from './batch-get.ts';
import { eventPuts } from './events.ts';
import { config, dynamo } from './config.ts';
import { toHome } from './home-record.ts';
import * as keys from './keys.ts';
import { backoff, cancelled, MAX_ATTEMPTS, offerItem, openOfferChange, referralUnchanged, toOffer, TRANSACTION_LIMIT, type TransactItem } from './offer-record.ts';
import { placementRecords } from './placement-record.ts';
import { queryAll } from './query.ts';
import { toItem as toReferral, type ReferralItem } from './referrals.ts';
import { finishTail, tailFaults, tailPuts, tailRival, tailsFor, type TailRival } from './supersede-tail.ts';
import { toVacancy } from './vacancy-record.ts';
import { bedTakenWrites, releaseHoldWrite } from './vacancies.ts';

/**
 * Accepting an offer (CONTRACT.md "Offers and placements"): one consistent Query of the
 * referral's partition, one BatchGet of the home and the vacancies involved, and ONE transaction.
 * Its own module (and Lambda, offer-accept) so the Lambdas that make and read offers do not carry
 * the placement rules.
 */


/**
 * What an acceptance reads, in one consistent Query of the referral's partition: the referral,
 * the offer, and the rivals still open (hold not passed at `now`): those naming a vacancy may
 * hold a bed, and every one is told it is superseded (`offer.superseded`) — DynamoDB filters out
 * the rest, so a referral with hundreds of closed offers costs one Query whose answer stays small.
 * 404 when there is no referral.
 */
export async function referralAndOffers(referralId: string, offerId: string, now: Date): Promise<{ referral: ReferralItem; offers: OfferRecord[] }> {
  const items = await queryAll({
    TableName: config.tableName,
    KeyConditionExpression: 'pk = :pk',
    FilterExpression: '#t = :referral OR (#t = :offer AND id = :mine) OR (#t = :offer AND #st = :open AND holdUntil > :now)',
    ExpressionAttributeNames: { '#t': 'type', '#st': 'status' },
    ExpressionAttributeValues: {
      ':pk': keys.referralPartition(referralId).pk, ':referral': 'referral', ':offer': 'offer', ':mine': offerId,
      ':open': 'open', ':now': now.toISOString(),
    },
    ConsistentRead: true,
  });
  const referral = items.find((i) => i.type === 'referral');
  if (!referral) throw notFound();
  return { referral: toReferral(referral), offers: items.filter((i) => i.type === 'offer').map(toOffer) };
}

// ---------------------------------------------------------------- accepting

/**
 * Accepts an offer for the referral's owner, in ONE transaction with conditions: the offer open
 * with its hold not passed → accepted; the referral open, its consent as read → placed (with
 * placedAt); the vacancy it names one bed fewer (filled at 0; the home's open-bed counter in step)
 * and its hold released; the placement's items; an audit entry of the check that the provider may
 * still read the referral. Every rival reads as superseded from the placed referral (domain/offers.ts
 * `offerStatus`: every read of an offer goes through it), and the hold of each rival that holds a
 * bed is released in the same transaction — up to the 100 items one takes (the rest are written
 * in it as a durable tail, ./supersede-tail.ts, and released right after); the events it makes (offer.accepted, offer.superseded to each open
 * rival's provider, placement.created, notice.delivered).
 * 404 when the caller does not own the referral; 409 when the offer is not open, its hold has
 * passed, the referral is placed, or the provider may no longer read it. A transaction that
 * loses a race is retried on a fresh read, whose rules then answer.
 */
export async function acceptOffer(owner: Principal & { kind: 'authority' }, offerId: string, requestId: string, by: By): Promise<Placement> {
  const referralId = keys.referralOfOffer(offerId);
  if (referralId === undefined) throw notFound();
  for (let attempt = 0; ; attempt++) {
    const now = new Date();
    const { referral, offers } = await referralAndOffers(referralId, offerId, now);
    const offer = offers.find((o) => o.id === offerId);
    const agreement = agreementInForce(referral.agreementId);
    if (!offer || !decideAccess(agreement, referral, owner, now).owner) throw notFound();
    requireOpenReferral(referral);
    requireOpen(offer, referral, now);
    const provider = { kind: 'provider' as const, id: offer.provider.id };
    const providerAccess = decideAccess(agreement, referral, provider, now, await accessionsFor([agreement], [provider.id]));
    if (!providerAccess.decision.allowed) throw conflict('The provider may no longer read this referral (consent withdrawn or refused).');

    const open = offers.filter((o) => o.id !== offer.id && offerStatus(o, referral, now) === 'open');
    const rivals = open.filter((o) => o.vacancyId !== undefined);
    const wanted = [keys.home(offer.homeUrn), ...[offer, ...rivals].flatMap((o) => (o.vacancyId ? [keys.vacancy(o.vacancyId)] : []))];
    const items = await batchGet(wanted, { consistent: true });
    const homeItem = itemAt(items, keys.home(offer.homeUrn));
    if (!homeItem) throw conflict(`Home ${offer.homeUrn} no longer exists.`);
    const home = toHome(homeItem);
    const child = referral.child as { childRef: string; age: number; sex: string; needs: string[]; homeOutcode?: string; urgency?: 'today' | 'within-5-days' | 'planned' };
    // the offer was judged lawful (regs 27A/27C) for the home as it was: a home changed to another setting since needs a new offer
    if (offer.placementType !== undefined && home.placementType !== offer.placementType) throw conflict('The home is no longer the setting offered: make a new offer.');

    const placement = newPlacement({
      id: newPlacementId(referral.authority, now.getTime()),
      noticeId: newNoticeId(now.getTime()),
      authority: referral.authority,
      child,
      home,
      startDate: offer.startDate,
      weeklyCost: offer.weeklyCost.total,
      referralId: referral.id,
      offerId: offer.id,
      by,
      now,
    });
    const vacancyOf = (o: OfferRecord) => (o.vacancyId ? itemAt(items, keys.vacancy(o.vacancyId)) : undefined);
    const ownVacancy = vacancyOf(offer);
    if (offer.vacancyId && !ownVacancy) throw conflict(`Vacancy ${offer.vacancyId} no longer exists.`);
    // each rival holds its bed in a vacancy of its own home (one open offer per home and referral)
    const releaseOf = (r: OfferRecord): TransactItem[] => {
      const v = vacancyOf(r);
      const slot = v && slotOf(toVacancy(v).holds, r.id);
      if (!v || slot === undefined || !isLiveHold(toVacancy(v).holds?.[slot], now) || r.vacancyId === offer.vacancyId) return [];
      return [releaseHoldWrite(r.vacancyId!, slot, r.id)];
    };
    const audit = auditRecord({ referral, agreement, principal: provider, action: 'accept', decision: providerAccess.decision, requestId, now, disclosed: [] });
    const after = accepted(offer, by, now);
    const writes: TransactItem[] = [
      openOfferChange(offer, after, referral.ttl, now),
      {
        Update: {
          TableName: config.tableName, Key: keys.referral(referralId),
          UpdateExpression: 'SET #st = :placed, placedAt = :now, acceptedOfferId = :o, updatedAt = :now, #by = :by',
          ...referralUnchanged(referral, { ':placed': 'placed', ':now': now.toISOString(), ':o': offer.id, ':by': by }),
          ExpressionAttributeNames: { '#st': 'status', '#by': 'by' },
        },
      },
      ...(ownVacancy ? await bedTakenWrites(toVacancy(ownVacancy), offer.id, home, now) : []),
      ...placementRecords(placement).map((Item): TransactItem => ({ Put: { TableName: config.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } })),
      { Put: auditPut(audit) },
      // the events (CONTRACT "Events"), taken as late as can be: offer.accepted to the provider
      // (placement.created and notice.delivered are among the placement's items)
      ...eventPuts(addressed('offer.accepted', offer.id, [providerRecipient(offer.provider.id)], new Date(), () => newId())),
    ];
    // each open rival reads as superseded from the placed referral (domain/offers.ts `offerStatus`), so
    // only its hold (when it holds a bed) and its `offer.superseded` are written: in the transaction,
    // as many rivals as it has room for (at most 100 items); the rest as durable tail items in it too
    // (store/supersede-tail.ts), written right after and, should this process die first, by the reminders job
    const supersededAt = new Date();
    const groups = open.map((r) => [...releaseOf(r), ...eventPuts(addressed('offer.superseded', r.id, [providerRecipient(r.provider.id)], supersededAt, () => newId()))]);
    const fits = writes.length + groups.reduce((n, g) => n + g.length, 0) <= TRANSACTION_LIMIT;
    const room = fits ? TRANSACTION_LIMIT : TRANSACTION_LIMIT - tailsFor(groups.length);
    const later: TailRival[] = [];
    for (const [i, group] of groups.entries()) {
      const r = open[i]!;
      if (later.length === 0 && writes.length + group.length <= room) writes.push(...group);
      else later.push(tailRival(r.id, providerRecipient(r.provider.id), releaseOf(r)[0]));
    }
    const tail = tailPuts(referralId, later, now);
    writes.push(...tail.puts);
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: writes }));
      tailFaults.afterCommit?.();
      // the rest released right after, each while still the rival's; a tail not finished here (a conflict,
      // a crash) stays in the table, and the reminders job finishes it
      await Promise.all(tail.tails.map((t) => finishTail(t).catch(() => undefined)));
      return placement;
    } catch (e) {
      if (!cancelled(e)) throw e;
      if (attempt >= MAX_ATTEMPTS) throw conflict('Too many concurrent changes; retry.');
      await backoff(attempt); // read again: the rules above answer what changed (placed, not open, consent)
    }
  }
}

