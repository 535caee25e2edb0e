/**
 * Events (CONTRACT.md "Events"): what the hub tells each principal so nobody polls. Pure: the
 * event types, who receives each, the shape a recipient sees, and how long the feed keeps them.
 * The store writes one event per recipient in the same transaction as the change it reports
 * (the outbox); delivery (webhooks) and the feed read those records.
 */

import { EVENT_TYPES } from '../../schemas/codes.ts';

/** The event types (schemas/codes.ts, the leaf every layer reads). */
export { EVENT_TYPES };
export type EventType = (typeof EVENT_TYPES)[number];

/** What an event is about: the record a recipient can read through the API. */
export const SUBJECT_KINDS = ['referral', 'offer', 'placement', 'notice', 'vacancy', 'allocation', 'rollup'] as const;
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
