import { describe, expect, it } from 'vitest';
import { pageOf } from '../../functions/app/caller.ts';
import { auditRecord, noticeReadRecord } from '../../functions/domain/audit.ts';
import type { Decision } from '../../functions/domain/disclosure.ts';
import type { Principal } from '../../functions/domain/principal.ts';

/**
 * The disclosure audit entry (CONTRACT.md "Consent-governed sharing": who, when, what, allowed or
 * denied, which fields, which rules failed, under which agreement version). A referral read and a
 * host's notice read are built by one builder of the entry's head: these pin each entry whole, key
 * order included, as it was written before they shared it.
 */

const NOW = new Date('2026-06-01T09:00:00.000Z');
const host: Principal = { kind: 'authority', id: 'cambridgeshire' };
const agreement = { version: '2.1', audit: { retention: { days: 2555 } } } as const;
const allowed: Decision = { allowed: true, fields: ['child.age', 'child.needs'], reasons: [{ rule: 'party' as never, ok: true, detail: 'a party' }] };
const denied: Decision = { allowed: false, fields: [], reasons: [{ rule: 'party' as never, ok: false, detail: 'not a party' }, { rule: 'purpose' as never, ok: true, detail: 'ok' }] };
const referral = { id: 'ref-1', owner: 'authority:essex', agreementId: 'isp', agreementVersion: '2.0', purpose: 'placement-matching' };

describe('audit entries: one head for every kind of read', () => {
  it('a referral read records who, when, what, the decision, under which version, in this order', () => {
    const r = auditRecord({ referral, agreement: agreement as never, principal: host, person: 'sub-1', action: 'read', decision: allowed, requestId: 'q-1', now: NOW });
    expect(JSON.stringify(r)).toBe(JSON.stringify({
      entry: {
        at: '2026-06-01T09:00:00.000Z', principal: 'authority:cambridgeshire', person: 'sub-1', action: 'read', referralId: 'ref-1',
        agreementId: 'isp', agreementVersion: '2.1', purpose: 'placement-matching', outcome: 'allowed', fields: ['child.age', 'child.needs'],
        reasons: [], requestId: 'q-1',
      },
      owner: 'authority:essex',
      retentionDays: 2555,
    }));
  });

  it('a denial discloses no fields and names the rules that failed; a response discloses nothing more; no person for an API key', () => {
    const d = auditRecord({ referral, agreement: undefined, principal: host, action: 'read', decision: denied, requestId: 'q-2', now: NOW });
    expect(d.entry).toEqual(expect.objectContaining({ outcome: 'denied', fields: [], reasons: ['party'], agreementVersion: '2.0' }));
    expect('person' in d.entry).toBe(false);
    expect(d.retentionDays).toBe(2190);
    expect(auditRecord({ referral, agreement: undefined, principal: host, action: 'respond', decision: allowed, requestId: 'q', now: NOW, disclosed: [] }).entry.fields).toEqual([]);
  });

  it('a notice read shares the head of a referral read, and names the placement', () => {
    const notice = { id: 'n-1', placementId: 'plc-1', referralId: 'ref-1', from: 'essex' };
    const n = noticeReadRecord({ notice, agreementId: 'regional', agreement: agreement as never, purpose: 'host-authority-notification', principal: host, person: 'sub-1', decision: allowed, requestId: 'q-1', now: NOW });
    expect(JSON.stringify(n)).toBe(JSON.stringify({
      entry: {
        at: '2026-06-01T09:00:00.000Z', principal: 'authority:cambridgeshire', person: 'sub-1', action: 'notice-read', referralId: 'ref-1', placementId: 'plc-1',
        agreementId: 'regional', agreementVersion: '2.1', purpose: 'host-authority-notification', outcome: 'allowed', fields: ['child.age', 'child.needs'],
        reasons: [], requestId: 'q-1',
      },
      owner: 'authority:essex',
      retentionDays: 2555,
    }));
    const r = auditRecord({ referral, agreement: agreement as never, principal: host, person: 'sub-1', action: 'read', decision: allowed, requestId: 'q-1', now: NOW });
    const head = ({ at, principal, person, outcome, fields, reasons, requestId }: typeof n.entry) => ({ at, principal, person, outcome, fields, reasons, requestId });
    expect(head(n.entry)).toEqual(head(r.entry));
    const pooled = noticeReadRecord({ notice: { id: 'n-2', placementId: 'plc-2', from: 'essex' }, agreementId: 'regional', agreement: undefined, purpose: 'p', principal: host, decision: denied, requestId: 'q', now: NOW });
    expect(Object.keys(pooled.entry)).toEqual(['at', 'principal', 'action', 'placementId', 'agreementId', 'agreementVersion', 'purpose', 'outcome', 'fields', 'reasons', 'requestId']);
    expect(pooled.entry).toMatchObject({ agreementVersion: 'none', outcome: 'denied', fields: [] });
  });
});

describe('app pageOf: a page of views', () => {
  it('maps every item and names nextCursor only when there is more', () => {
    expect(pageOf({ items: [1, 2], nextCursor: 'c' }, (n) => n * 10)).toEqual({ items: [10, 20], nextCursor: 'c' });
    const last = pageOf({ items: [3] }, String);
    expect(last).toEqual({ items: ['3'] });
    expect('nextCursor' in last).toBe(false);
    expect('nextCursor' in pageOf({ items: [], nextCursor: '' }, String)).toBe(false);
  });
});
