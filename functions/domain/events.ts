/**
 * Events (CONTRACT.md "Events"): what the hub tells each principal so nobody polls. Pure: the
 * event types, who receives each, the shape a recipient sees, and how long the feed keeps them.
 * The store writes one event per recipient in the same transaction as the change it reports
 * (the outbox); delivery (webhooks) and the feed read those records.
 */

import { EVENT_SUBJECT_KINDS, EVENT_TYPES } from '../../schemas/codes.ts';

/** The event types and subject kinds are a code list (schemas/codes.ts), so the feed's and webhooks' schemas name them too. */
export { EVENT_TYPES };
export type EventType = (typeof EVENT_TYPES)[number];

/** What an event is about: the record a recipient can read through the API. */
export const SUBJECT_KINDS = EVENT_SUBJECT_KINDS;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** The subject kind of each event type (CONTRACT "Events": the record the event is about). */
export const SUBJECT_OF: Record<EventType, SubjectKind> = {
  'referral.shared': 'referral',
  'offer.made': 'offer',
  'offer.accepted': 'offer',
  'offer.declined': 'offer',
  'offer.superseded': 'offer',
  'placement.created': 'placement',
  'notice.delivered': 'notice',
  'notice.due': 'notice',
  'vacancy.expiring': 'vacancy',
  'hold.expiring': 'offer',
  'allocation.created': 'allocation',
  'allocation.ended': 'allocation',
  'rollup.published': 'rollup',
};

/** An event as its recipient sees it (feed item and webhook body): a subject, never a child's data. */
export interface HubEvent {
  id: string;
  type: EventType;
  occurredAt: string;
  subject: { kind: SubjectKind; id: string };
}

/** An event addressed to one principal (`authority:essex`, `provider:<id>`, `programme-office`). */
export interface AddressedEvent {
  recipient: string;
  event: HubEvent;
}

/** The feed keeps events at least 30 days (CONTRACT); records expire by TTL a little after. */
export const EVENT_RETENTION_DAYS = 35;

/**
 * One event per recipient, each with its own id (a recipient's id is its `webhook-id` on every
 * retry). `newId` is the store's id maker, passed in so the domain stays pure.
 */
export function addressed(type: EventType, subjectId: string, recipients: readonly string[], occurredAt: Date, newId: () => string): AddressedEvent[] {
  return [...new Set(recipients)].map((recipient) => ({
    recipient,
    event: { id: `evt_${newId()}`, type, occurredAt: occurredAt.toISOString(), subject: { kind: SUBJECT_OF[type], id: subjectId } },
  }));
}

/** The TTL (epoch seconds) of an event record. */
export const eventExpiry = (occurredAt: string): number => Math.floor(Date.parse(occurredAt) / 1000) + EVENT_RETENTION_DAYS * 86_400;

// ---------------------------------------------------------------- the feed

/**
 * How old an event must be before the feed shows it. A writer takes `occurredAt` just before it
 * sends its transaction, so events of one recipient can commit a little out of `occurredAt`
 * order; a reader that has passed a point must never see an earlier event appear behind it. The
 * feed reads only events older than this, so polling from a cursor misses nothing (a transaction
 * slower than this between taking its time and committing is the one case it would not cover).
 */
export const EVENT_SETTLE_MS = 5_000;

/** The newest `occurredAt` the feed shows at `now`. */
export const settledBy = (now: Date): string => new Date(now.getTime() - EVENT_SETTLE_MS).toISOString();

// ---------------------------------------------------------------- disclosure

/** The referral an offer id names (`off_<referralId>_<random>`), or undefined for an id of another shape. */
export function referralOfOffer(offerId: string): string | undefined {
  return /^off_([A-Za-z0-9-]{1,64})_[0-9a-z]{8,40}$/.exec(offerId)?.[1];
}

/**
 * The referral an event is about, when it is about one: a referral, or an offer on it (which its
 * recipient reads only while it may read the referral: GET /v1/offers/{id} decides the referral's
 * access first). Placements, notices, vacancies, allocations and rollups are read under their own
 * rules, none of which depends on a referral's consent.
 */
export function subjectReferral(e: Pick<HubEvent, 'subject'>): string | undefined {
  if (e.subject.kind === 'referral') return e.subject.id;
  if (e.subject.kind === 'offer') return referralOfOffer(e.subject.id);
  return undefined;
}

/**
 * Whether an event may be shown (feed) or sent (webhook) to its recipient now (CONTRACT "Events":
 * an event about a referral its recipient may no longer read — consent withdrawn or refused — is
 * not delivered, not even as a retry). `access` is the recipient's disclosure decision on
 * `subjectReferral(e)`, made now with domain/referrals.ts `decideAccess` (the decision the
 * audited read makes), or undefined when that referral no longer exists. Events about no
 * referral are always deliverable: they name a subject, never a child's data.
 */
export function deliverable(e: Pick<HubEvent, 'subject'>, access: { readonly allowed: boolean } | undefined): boolean {
  return subjectReferral(e) === undefined || access?.allowed === true;
}

// ---------------------------------------------------------------- who hears of what

/** The principal id of an authority, by slug. */
export const authorityRecipient = (slug: string): string => `authority:${slug}`;
/** The principal id of a provider, by provider id. */
export const providerRecipient = (id: string): string => `provider:${id}`;

/**
 * The events a new placement makes (CONTRACT "Events"): `placement.created` to the owner of the
 * home (its provider; for an in-house home the owning authority), and `notice.delivered` to each
 * host authority the hub delivered its reg 13(4) notice to.
 */
export function placementEvents(
  p: { id: string; homeOwner: string; notices: readonly { id: string; deliveredTo?: string; sentAt?: string }[] },
  now: Date,
  newId: () => string,
): AddressedEvent[] {
  return [
    ...addressed('placement.created', p.id, [p.homeOwner], now, newId),
    ...p.notices.flatMap((n) => (n.deliveredTo && n.sentAt ? addressed('notice.delivered', n.id, [authorityRecipient(n.deliveredTo)], now, newId) : [])),
  ];
}

/**
 * Who hears `rollup.published` ("to everyone"): everyone who may read a rollup — the 11
 * authorities and the programme office (GET /v1/rollups/{period}). Providers may not read
 * rollups, and an event names only what its recipient could read through the API.
 */
export const rollupAudience = (authoritySlugs: readonly string[]): string[] => [...authoritySlugs.map(authorityRecipient), 'programme-office'];
