import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { TransactWriteCommand, UpdateCommand } from './ddb.ts';
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
import { toVacancy } from './vacancy-record.ts';
import { bedTakenWrites, releaseHoldWrite } from './vacancies.ts';
import { finishTail, tailFaults, tailPuts, tailRival, tailsFor, type TailRival } from './supersede-tail.ts';

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
 * passed, the referral is placed, or the provider may no longer read it. The rules are applied
 * first to the referral and the offer alone; then the acceptance claims the referral (one
 * conditional write: under contention every rival acceptance but one is refused there, and
 * answers 409 as soon as the referral is placed, without reading the rivals or sending a
 * transaction of up to 100 items); then, under the claim, it reads the partition again, applies
 * the rules again and writes the transaction. A transaction that loses a race is retried on a
 * fresh read, whose rules then answer.
 */
export async function acceptOffer(owner: Principal & { kind: 'authority' }, offerId: string, requestId: string, by: By): Promise<Placement> {
  const referralId = keys.referralOfOffer(offerId);
  if (referralId === undefined) throw notFound();
  // Under contention every caller but one is refused at the claim, on a single-item write, before
  // reading the rivals or sending the transaction (which, for a referral with many open offers,
  // carries up to 100 items): the rules first, on the referral and the offer alone.
  {
    const now = new Date();
    const [referral, offer] = await referralAndOffer(referralId, offerId);
    await rulesOf(owner, referral, offer, now);
  }
  const claimId = newId();
  await claimReferral(referralId, claimId);
  let won = false;
  try {
    for (let attempt = 0; ; attempt++) {
      const placement = await acceptOnce(owner, referralId, offerId, requestId, by);
      if (placement) {
        won = true;
        return placement;
      }
      if (attempt >= MAX_ATTEMPTS) throw conflict('Too many concurrent changes; retry.');
      await backoff(attempt); // read again: the rules answer what changed (placed, not open, consent)
      await claimReferral(referralId, claimId);
    }
  } finally {
    // the claim is the placed referral's to drop (the transaction removes it); otherwise given up
    if (!won) await releaseReferralClaim(referralId, claimId);
  }
}

/**
 * The rules of an acceptance, in their order of precedence: 404 when there is no such offer or
 * the caller does not own the referral; 409 when the referral is placed, the offer not open (or its
 * hold passed), or the provider may no longer read the referral. Answers what the transaction needs.
 */
async function rulesOf(owner: Principal & { kind: 'authority' }, referral: ReferralItem | undefined, offer: OfferRecord | undefined, now: Date) {
  if (!referral) throw notFound();
  const agreement = agreementInForce(referral.agreementId);
  if (!offer || !decideAccess(agreement, referral, owner, now).owner) throw notFound();
  requireOpenReferral(referral);
  requireOpen(offer, referral, now);
  const provider = { kind: 'provider' as const, id: offer.provider.id };
  const providerAccess = decideAccess(agreement, referral, provider, now, await accessionsFor([agreement], [provider.id]));
  if (!providerAccess.decision.allowed) throw conflict('The provider may no longer read this referral (consent withdrawn or refused).');
  return { agreement, offer, provider, providerAccess };
}

/** The referral and the one offer, by key (consistent): what the rules read before the claim. */
async function referralAndOffer(referralId: string, offerId: string): Promise<[ReferralItem | undefined, OfferRecord | undefined]> {
  const items = await batchGet([keys.referral(referralId), keys.offer(referralId, offerId)], { consistent: true });
  const referral = itemAt(items, keys.referral(referralId));
  const offer = itemAt(items, keys.offer(referralId, offerId));
  return [referral && toReferral(referral), offer && toOffer(offer)];
}

/**
 * How long a claim on a referral holds when its holder never finishes (a Lambda that timed out or
 * crashed between the claim and the transaction): at least the Lambda timeout (29 s), so a live
 * holder is never overtaken. Safety does not depend on it: the transaction re-checks the referral.
 */
export const ACCEPT_CLAIM_MS = 30_000;

/**
 * Claims the open referral for this acceptance (`claimId`, its own) with one conditional write on
 * the referral item (an attribute no view reads): refused while another acceptance holds a live
 * claim. Refused because the referral is placed meanwhile: that 409 at once, the first condition
 * this caller lost. Claimed by another whose outcome is not known yet (its transaction may be
 * cancelled and the claim released): looked at again shortly, until it is settled one way or the
 * other; 409 'Too many concurrent changes' if it never is.
 */
async function claimReferral(referralId: string, claimId: string): Promise<void> {
  for (let look = 0; ; look++) {
    const now = Date.now();
    try {
      await dynamo().send(new UpdateCommand({
        TableName: config.tableName,
        Key: keys.referral(referralId),
        UpdateExpression: 'SET #c = :c',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#st) OR #st = :open) AND (attribute_not_exists(#c) OR #c.#u < :now OR #c.id = :id)',
        ExpressionAttributeNames: { '#st': 'status', '#c': 'acceptClaim', '#u': 'until' },
        ExpressionAttributeValues: { ':open': 'open', ':c': { id: claimId, until: now + ACCEPT_CLAIM_MS }, ':now': now, ':id': claimId },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      const item = e.Item ? unmarshall(e.Item as never) : undefined;
      if (!item) throw notFound();
      requireOpenReferral(toReferral(item));
      if (look >= MAX_ATTEMPTS) throw conflict('Too many concurrent changes; retry.');
      await backoff(look);
    }
  }
}

/** Gives up a claim that did not become a placement (only while it is still this request's). */
async function releaseReferralClaim(referralId: string, claimId: string): Promise<void> {
  await dynamo().send(new UpdateCommand({
    TableName: config.tableName,
    Key: keys.referral(referralId),
    UpdateExpression: 'REMOVE #c',
    ConditionExpression: '#c.id = :id',
    ExpressionAttributeNames: { '#c': 'acceptClaim' },
    ExpressionAttributeValues: { ':id': claimId },
  })).catch((e: unknown) => {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
  });
}

/**
 * One try, under this request's claim: the referral's partition read again (consistent) and the
 * rules applied to it, then the transaction. Undefined when the transaction lost a race.
 */
async function acceptOnce(owner: Principal & { kind: 'authority' }, referralId: string, offerId: string, requestId: string, by: By): Promise<Placement | undefined> {
  const now = new Date();
  const { referral, offers } = await referralAndOffers(referralId, offerId, now);
  const { agreement, offer, provider, providerAccess } = await rulesOf(owner, referral, offers.find((o) => o.id === offerId), now);

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
        UpdateExpression: 'SET #st = :placed, placedAt = :now, acceptedOfferId = :o, updatedAt = :now, #by = :by REMOVE acceptClaim',
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
  } catch (e) {
    if (!cancelled(e)) throw e;
    return undefined;
  }
  tailFaults.afterCommit?.();
  // the rest released right after, each while still the rival's; a tail not finished here (a conflict,
  // a crash) stays in the table, and the reminders job finishes it
  await Promise.all(tail.tails.map((t) => finishTail(t).catch(() => undefined)));
  return placement;
}

