import { describe, expect, it } from 'vitest';
import { admitAccession, partyOf, type Accession } from '../../functions/domain/accession.ts';
import { auditRecord, noticeReadRecord } from '../../functions/domain/audit.ts';
import { decideDisclosure, referralProblems, type ReferralRecord } from '../../functions/domain/disclosure.ts';
import { HubError } from '../../functions/domain/errors.ts';
import type { Principal } from '../../functions/domain/principal.ts';
import { decideAccess } from '../../functions/domain/referrals.ts';
import { readAgreementsFrom } from '../../functions/store/agreements.ts';
import type { SharingAgreement } from '../../schemas/sharing-agreement.ts';

/**
 * Accession (CONTRACT.md "Organisations and people"): a provider that accedes to a version of an
 * agreement is a party to that version in the provider role from then on, as if the file named it
 * — for the `shareWith` rule of a new referral and for every disclosure decision on read — and
 * every audit entry names the signed-in person who acted (none for an API key).
 */

const ISP = readAgreementsFrom('sharing-agreements').find((a) => a.id === 'commission-east-placements-isp')!;
const NOW = new Date('2026-06-15T10:00:00Z');
const ESSEX: Principal = { kind: 'authority', id: 'essex' };
const JOINER = { kind: 'provider', id: 'joiner-care' } as const;
const HARBOUR = { kind: 'provider', id: 'harbour-care' } as const;

const input = (over: Record<string, unknown> = {}) => ({
  agreementId: ISP.id,
  version: ISP.version,
  signatory: { name: 'R. Individual', role: 'Responsible individual' },
  signedAt: '2026-06-15T09:00:00Z',
  ...over,
});
const BY = { principal: 'provider:joiner-care', person: 'sub-1' };
const accession = (over: Partial<Accession> = {}): Accession => ({ ...admitAccession([ISP], JOINER, 'Joiner Care Ltd', input(), BY, NOW), ...over });

function referral(over: Partial<ReferralRecord> = {}): ReferralRecord {
  return {
    id: 'r1', owner: 'authority:essex', authority: 'essex', agreementId: ISP.id, agreementVersion: ISP.version, purpose: 'placement-matching',
    child: { childRef: 'ESX-1', age: 14, sex: 'female', needs: ['self-harm'] },
    lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18' },
    shareWith: ['joiner-care'], createdAt: '2026-06-01T09:00:00.000Z', ...over,
  };
}

const thrown = (f: () => unknown): HubError | undefined => {
  try {
    f();
  } catch (e) {
    return e as HubError;
  }
  return undefined;
};

describe('partyOf', () => {
  it('answers the party the file names, and a provider by its accession to exactly this version', () => {
    expect(partyOf(ISP, 'provider:harbour-care')).toMatchObject({ recipientRole: 'provider' });
    expect(partyOf(ISP, 'provider:joiner-care')).toBeUndefined();
    expect(partyOf(ISP, 'provider:joiner-care', [accession()])).toEqual({
      principal: 'provider:joiner-care', role: 'controller', recipientRole: 'provider', accededAt: NOW.toISOString(),
    });
    // an accession to another version, or another agreement, or of another provider makes no party of this one
    expect(partyOf(ISP, 'provider:joiner-care', [accession({ version: '2.0' })])).toBeUndefined();
    expect(partyOf(ISP, 'provider:joiner-care', [accession({ agreementId: 'other-isp' })])).toBeUndefined();
    expect(partyOf(ISP, 'provider:someone-else', [accession()])).toBeUndefined();
  });
});

describe('admitAccession', () => {
  it('records the signatory, the signing time and who acted; the provider is a party from the recording', () => {
    expect(accession()).toEqual({
      agreementId: ISP.id, version: ISP.version, provider: 'joiner-care', providerName: 'Joiner Care Ltd',
      signatory: { name: 'R. Individual', role: 'Responsible individual' }, signedAt: '2026-06-15T09:00:00.000Z', recordedAt: NOW.toISOString(), by: BY,
    });
  });

  it('refuses a version not on file, an agreement not on file, a suspended or ended version, and a signature in the future (422)', () => {
    expect(thrown(() => admitAccession([ISP], JOINER, 'J', input({ version: '9.9' }), BY, NOW))).toMatchObject({ code: 'unprocessable', errors: [{ path: 'version' }] });
    expect(thrown(() => admitAccession([], JOINER, 'J', input({ agreementId: 'nope' }), BY, NOW))).toMatchObject({ code: 'unprocessable', errors: [{ path: 'agreementId' }] });
    for (const status of ['suspended', 'ended'] as const) {
      expect(thrown(() => admitAccession([{ ...ISP, status }], JOINER, 'J', input(), BY, NOW))?.code).toBe('unprocessable');
    }
    // a draft of the next version may be signed ahead of coming into force
    expect(admitAccession([{ ...ISP, status: 'draft' }], JOINER, 'J', input(), BY, NOW).version).toBe(ISP.version);
    // five minutes' clock skew is tolerated, no more
    expect(admitAccession([ISP], JOINER, 'J', input({ signedAt: '2026-06-15T10:04:59Z' }), BY, NOW)).toBeDefined();
    expect(thrown(() => admitAccession([ISP], JOINER, 'J', input({ signedAt: '2026-06-15T10:05:01Z' }), BY, NOW))).toMatchObject({ errors: [{ path: 'signedAt' }] });
  });

  it('refuses a provider the agreement file names already (409)', () => {
    expect(thrown(() => admitAccession([ISP], HARBOUR, 'Harbour', input(), BY, NOW))?.code).toBe('conflict');
  });
});

describe('the register in the decisions', () => {
  const body = { agreementId: ISP.id, purpose: 'placement-matching', child: referral().child, shareWith: ['harbour-care', 'joiner-care'] };

  it('shareWith: a provider not a party is 422 naming its place; once acceded it may be named', () => {
    expect(referralProblems(ISP, body, ESSEX, NOW).map((p) => p.path)).toEqual(['shareWith.1']);
    expect(referralProblems(ISP, body, ESSEX, NOW, [accession()])).toEqual([]);
    expect(referralProblems(ISP, body, ESSEX, NOW, [accession({ version: '0.9' })]).map((p) => p.path)).toEqual(['shareWith.1']);
  });

  it('a read: denied on the party rule until acceded, then allowed with the provider fields', () => {
    const before = decideDisclosure(ISP, referral(), JOINER, 'placement-matching', NOW);
    expect(before.allowed).toBe(false);
    expect(before.reasons.filter((r) => !r.ok).map((r) => r.rule)).toEqual(['owner', 'party', 'role-fields']);
    const after = decideDisclosure(ISP, referral(), JOINER, 'placement-matching', NOW, [accession()]);
    expect(after.allowed).toBe(true);
    expect(after.fields).toContain('child.age');
    expect(after.fields).not.toContain('child.childRef');
    expect(after.reasons.find((r) => r.rule === 'party')?.detail).toContain('by accession');
    // the rest of the rules still apply to a party by accession: withdrawn consent blocks it
    const withdrawn = referral({ lawfulBasis: { article6: '6(1)(e)', consent: { status: 'withdrawn', recordedAt: '2026-06-02T00:00:00Z', by: 'sw' } } });
    expect(decideDisclosure(ISP, withdrawn, JOINER, 'placement-matching', NOW, [accession()]).allowed).toBe(false);
  });

  it('an agreement version the accession is not to (a newer one in force) does not count it', () => {
    const next: SharingAgreement = { ...structuredClone(ISP), version: '1.1' };
    expect(decideDisclosure(next, referral(), JOINER, 'placement-matching', NOW, [accession()]).allowed).toBe(false);
  });
});

describe('person on audit entries', () => {
  it('an access names the signed-in person when there is one, and no person for an API key', () => {
    const a = decideAccess(ISP, referral(), JOINER, NOW, [accession()]);
    expect(auditRecord({ ...a, action: 'read', requestId: 'q1', person: 'sub-9' }).entry).toMatchObject({ principal: 'provider:joiner-care', person: 'sub-9', outcome: 'allowed' });
    expect('person' in auditRecord({ ...a, action: 'read', requestId: 'q2' }).entry).toBe(false);
  });

  it('so does a host authority reading a delivered notice', () => {
    const base = {
      notice: { id: 'n1', placementId: 'plc_essex_1', from: 'essex' }, agreementId: ISP.id, agreement: ISP, purpose: 'host-authority-notification',
      principal: { kind: 'authority', id: 'suffolk' } as Principal, decision: { allowed: true, fields: ['child.age'], reasons: [] }, requestId: 'q', now: NOW,
    };
    expect(noticeReadRecord({ ...base, person: 'sub-host' }).entry.person).toBe('sub-host');
    expect(noticeReadRecord(base).entry.person).toBeUndefined();
  });
});
