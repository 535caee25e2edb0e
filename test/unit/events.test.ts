import { describe, expect, it } from 'vitest';
import { addressed, EVENT_TYPES, eventExpiry, SUBJECT_KINDS, SUBJECT_OF } from '../../functions/domain/events.ts';

describe('events (CONTRACT "Events")', () => {
  it('every event type names the kind of record it is about', () => {
    for (const t of EVENT_TYPES) expect(SUBJECT_KINDS).toContain(SUBJECT_OF[t]);
    expect(SUBJECT_OF['hold.expiring']).toBe('offer');
    expect(SUBJECT_OF['notice.due']).toBe('notice');
  });

  it('one event per recipient, each with its own id, carrying only the subject', () => {
    let n = 0;
    const at = new Date('2026-12-03T10:00:00Z');
    const out = addressed('referral.shared', 'ref_1', ['provider:a', 'provider:b', 'provider:a'], at, () => String(++n));
    expect(out).toEqual([
      { recipient: 'provider:a', event: { id: 'evt_1', type: 'referral.shared', occurredAt: '2026-12-03T10:00:00.000Z', subject: { kind: 'referral', id: 'ref_1' } } },
      { recipient: 'provider:b', event: { id: 'evt_2', type: 'referral.shared', occurredAt: '2026-12-03T10:00:00.000Z', subject: { kind: 'referral', id: 'ref_1' } } },
    ]);
  });

  it('the feed keeps an event at least 30 days', () => {
    const occurredAt = '2026-12-03T10:00:00.000Z';
    expect(eventExpiry(occurredAt) - Date.parse(occurredAt) / 1000).toBeGreaterThanOrEqual(30 * 86_400);
  });
});
