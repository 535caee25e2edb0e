import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  consentAllows, decideDisclosure, londonDate, NEVER_DISCLOSED, project, REFERRAL_FIELDS, referralProblems,
  type ConsentStatus, type ReferralRecord,
} from '../../functions/domain/disclosure.ts';
import type { Principal } from '../../functions/domain/principal.ts';
import { readAgreementsFrom } from '../../functions/store/agreements.ts';
import { Article6, SharingAgreement, type Article6 as Art6 } from '../../schemas/sharing-agreement.ts';
import { CreateReferral } from '../../schemas/referrals.ts';

const ISP = readAgreementsFrom('sharing-agreements').find((a) => a.id === 'commission-east-placements-isp')!;
const PURPOSE = 'placement-matching';
const providerFields = ISP.purposes.find((p) => p.id === PURPOSE)!.disclosures.find((d) => d.recipientRole === 'provider')!.fields;

const ESSEX: Principal = { kind: 'authority', id: 'essex' };
const NORFOLK: Principal = { kind: 'authority', id: 'norfolk' };
const HARBOUR: Principal = { kind: 'provider', id: 'harbour-care' };
const MEADOW: Principal = { kind: 'provider', id: 'meadowview-care' };
const STRANGER: Principal = { kind: 'provider', id: 'not-a-party-ltd' };
const OFFICE: Principal = { kind: 'programme-office' };

const NOW = new Date('2026-06-15T10:00:00Z');

function referral(over: Partial<ReferralRecord> = {}): ReferralRecord {
  return {
    id: 'r1',
    owner: 'authority:essex',
    authority: 'essex',
    agreementId: ISP.id,
    agreementVersion: ISP.version,
    purpose: PURPOSE,
    child: {
      childRef: 'ESX-123',
      age: 14,
      sex: 'female',
      needs: ['self-harm', 'going-missing'],
      homeOutcode: 'CM1',
      urgency: 'today',
      careAlongside: 'solo',
      settings: [{ placementType: 'K2', suitability: 'suitable' }],
      siblings: { count: 1, placeTogether: 'preferred' },
    },
    lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18' },
    shareWith: ['harbour-care', 'fenland-childrens-homes'],
    createdAt: '2026-06-01T09:00:00.000Z',
    ...over,
  };
}

const withConsent = (status: ConsentStatus, article6: Art6 = '6(1)(e)') =>
  referral({ lawfulBasis: { article6, consent: { status, recordedAt: '2026-06-01T08:00:00.000Z', by: 'sw-1' } } });

const agreement = (over: Partial<SharingAgreement>): SharingAgreement => ({ ...structuredClone(ISP), ...over });
const failed = (d: { reasons: { rule: string; ok: boolean }[] }) => d.reasons.filter((r) => !r.ok).map((r) => r.rule);

describe('the ISP and the referral fields agree', () => {
  it('lists for providers exactly the referral fields the hub defines, never childRef', () => {
    for (const f of providerFields) expect(REFERRAL_FIELDS).toContain(f);
    expect(providerFields).not.toContain('child.childRef');
    // every referral field is a data item of the agreement, with a retention period
    for (const f of REFERRAL_FIELDS) expect(ISP.dataItems.map((d) => d.field)).toContain(f);
    // and every child field the referral schema accepts is one of them
    for (const k of Object.keys(CreateReferral.shape.child.shape)) expect(REFERRAL_FIELDS).toContain(`child.${k}`);
  });
});

describe('decideDisclosure', () => {
  it('gives the owner every field, childRef included', () => {
    const d = decideDisclosure(ISP, referral(), ESSEX, PURPOSE, NOW);
    expect(d.allowed).toBe(true);
    expect(d.fields).toEqual([...REFERRAL_FIELDS]);
    expect(d.reasons[0]).toMatchObject({ rule: 'owner', ok: true });
  });

  it('gives a named provider only its role fields for the purpose, and says why', () => {
    const d = decideDisclosure(ISP, referral(), HARBOUR, PURPOSE, NOW);
    expect(d.allowed).toBe(true);
    expect(new Set(d.fields)).toEqual(new Set(providerFields));
    expect(d.fields).not.toContain('child.childRef');
    expect(failed(d)).toEqual(['owner']);
    expect(d.reasons.map((r) => r.rule)).toEqual(
      ['owner', 'recipient', 'shared-with', 'agreement', 'agreement-active', 'agreement-in-date', 'purpose', 'party', 'role-fields', 'consent', 'retention'],
    );
  });

  it('only gives fields the referral carries', () => {
    const r = referral({ child: { childRef: 'X', age: 9, sex: 'male', needs: [] } });
    const d = decideDisclosure(ISP, r, HARBOUR, PURPOSE, NOW);
    expect(d.fields).toEqual(['authority', 'child.age', 'child.sex', 'child.needs']);
    expect(project(r, d.fields)).toEqual({ authority: 'essex', child: { age: 9, sex: 'male', needs: [] } });
  });

  it.each([
    ['a party provider not named in shareWith', MEADOW, ['shared-with']],
    ['a provider that is no party', STRANGER, ['shared-with', 'party', 'role-fields']],
    ['another authority', NORFOLK, ['recipient', 'shared-with', 'party', 'role-fields']],
    ['the programme office', OFFICE, ['recipient', 'shared-with', 'party', 'role-fields']],
  ] as const)('denies %s', (_name, who, rules) => {
    const d = decideDisclosure(ISP, referral(), who, PURPOSE, NOW);
    expect(d).toMatchObject({ allowed: false, fields: [] });
    expect(failed(d)).toEqual(['owner', ...rules]);
  });

  it('denies a named provider that the agreement does not list as a party', () => {
    const d = decideDisclosure(ISP, referral({ shareWith: ['not-a-party-ltd'] }), STRANGER, PURPOSE, NOW);
    expect(d.allowed).toBe(false);
    expect(failed(d)).toEqual(['owner', 'party', 'role-fields']);
  });

  it.each(['draft', 'suspended', 'ended'] as const)('denies every provider while the agreement is %s, but not the owner', (status) => {
    const a = agreement({ status });
    expect(decideDisclosure(a, referral(), HARBOUR, PURPOSE, NOW)).toMatchObject({ allowed: false, fields: [] });
    expect(failed(decideDisclosure(a, referral(), HARBOUR, PURPOSE, NOW))).toEqual(['owner', 'agreement-active']);
    expect(decideDisclosure(a, referral(), ESSEX, PURPOSE, NOW).allowed).toBe(true);
  });

  it('denies when the agreement is missing or is another one', () => {
    expect(failed(decideDisclosure(undefined, referral(), HARBOUR, PURPOSE, NOW))).toEqual(['owner', 'agreement']);
    expect(decideDisclosure(agreement({ id: 'other-isp' }), referral(), HARBOUR, PURPOSE, NOW).allowed).toBe(false);
  });

  describe('validity dates are calendar days in Europe/London, inclusive', () => {
    const a = agreement({ validFrom: '2026-04-01', validTo: '2027-03-31' });
    it.each([
      ['the first day, just after midnight in London (BST)', '2026-03-31T23:30:00Z', true],
      ['the evening before it starts', '2026-03-31T22:59:59Z', false],
      ['the last day, a second before midnight in London (BST)', '2027-03-31T22:59:59Z', true],
      ['midnight in London after the last day', '2027-03-31T23:00:00Z', false],
    ])('%s', (_name, at, allowed) => {
      const d = decideDisclosure(a, referral({ createdAt: '2026-03-01T00:00:00Z' }), HARBOUR, PURPOSE, new Date(at));
      expect(d.allowed).toBe(allowed);
      if (!allowed) expect(failed(d)).toEqual(['owner', 'agreement-in-date']);
    });
    it('is open-ended without validTo', () => {
      const open = agreement({ validFrom: '2026-04-01', validTo: undefined });
      const later = new Date('2099-01-01T00:00:00Z');
      expect(decideDisclosure(open, referral({ createdAt: '2098-12-31T00:00:00Z' }), HARBOUR, PURPOSE, later).allowed).toBe(true);
      expect(decideDisclosure(open, referral({ createdAt: '2026-03-01T00:00:00Z' }), HARBOUR, PURPOSE, new Date('2026-03-31T12:00:00Z')).allowed).toBe(false);
    });
  });

  it('denies a purpose other than the referral\'s, or one the agreement does not name', () => {
    expect(failed(decideDisclosure(ISP, referral(), HARBOUR, 'spend-analysis', NOW))).toEqual(['owner', 'purpose', 'role-fields']);
    const r = referral({ purpose: 'marketing' });
    expect(failed(decideDisclosure(ISP, r, HARBOUR, 'marketing', NOW))).toEqual(['owner', 'purpose', 'role-fields']);
  });

  it('gives a provider only what its role may receive for the purpose', () => {
    const a = structuredClone(ISP);
    a.purposes.find((p) => p.id === PURPOSE)!.disclosures = [{ recipientRole: 'provider', fields: ['child.age', 'child.childRef'] }];
    const d = decideDisclosure(a, referral(), HARBOUR, PURPOSE, NOW);
    expect(d).toMatchObject({ allowed: true, fields: ['child.age'] });
    a.purposes.find((p) => p.id === PURPOSE)!.disclosures = [{ recipientRole: 'programme-office', fields: ['child.age'] }];
    expect(failed(decideDisclosure(a, referral(), HARBOUR, PURPOSE, NOW))).toEqual(['owner', 'role-fields']);
  });

  describe('consent', () => {
    it.each([
      ['6(1)(a)', 'given', true],
      ['6(1)(a)', 'not-sought', false],
      ['6(1)(a)', 'refused', false],
      ['6(1)(a)', 'withdrawn', false],
      ['6(1)(e)', 'given', true],
      ['6(1)(e)', 'not-sought', true],
      ['6(1)(e)', 'refused', false],
      ['6(1)(e)', 'withdrawn', false],
      ['6(1)(c)', 'not-sought', true],
      ['6(1)(f)', 'withdrawn', false],
    ] as const)('basis %s with consent %s → allowed %s', (article6, status, allowed) => {
      const d = decideDisclosure(ISP, withConsent(status, article6), HARBOUR, PURPOSE, NOW);
      expect(d.allowed).toBe(allowed);
      if (!allowed) expect(failed(d)).toEqual(['owner', 'consent']);
    });

    it('treats no consent record as not sought', () => {
      expect(consentAllows({ article6: '6(1)(e)' }).ok).toBe(true);
      expect(consentAllows({ article6: '6(1)(a)' }).ok).toBe(false);
    });

    it('treats explicit consent under Art 9 (9(2)(a)) as a consent basis too', () => {
      const record = (status: 'given' | 'not-sought') => ({ status, recordedAt: '2026-01-01T00:00:00.000Z', by: 'x' });
      expect(consentAllows({ article6: '6(1)(e)', article9: '9(2)(a)' }).ok).toBe(false);
      expect(consentAllows({ article6: '6(1)(e)', article9: '9(2)(a)', consent: record('not-sought') }).ok).toBe(false);
      expect(consentAllows({ article6: '6(1)(e)', article9: '9(2)(a)', consent: record('given') }).ok).toBe(true);
      expect(consentAllows({ article6: '6(1)(e)', article9: '9(2)(g)', consent: record('not-sought') }).ok).toBe(true);
    });

    it('never stops the owner', () => {
      expect(decideDisclosure(ISP, withConsent('withdrawn'), ESSEX, PURPOSE, NOW).allowed).toBe(true);
    });
  });

  it('withholds from providers fields past their retention, and denies when nothing is left', () => {
    const created = new Date(NOW.getTime() - 200 * 86_400_000).toISOString(); // past 180 days, within 730
    const d = decideDisclosure(ISP, referral({ createdAt: created }), HARBOUR, PURPOSE, NOW);
    expect(d).toMatchObject({ allowed: true, fields: ['authority'] });
    const a = structuredClone(ISP);
    a.purposes.find((p) => p.id === PURPOSE)!.disclosures[0]!.fields = ['child.age'];
    expect(failed(decideDisclosure(a, referral({ createdAt: created }), HARBOUR, PURPOSE, NOW))).toEqual(['owner', 'retention']);
  });

  it('gives the owner every field it stored, however far past the retention periods', () => {
    for (const days of [200, 731, 3650]) {
      const r = referral({ createdAt: new Date(NOW.getTime() - days * 86_400_000).toISOString() });
      const owner = decideDisclosure(ISP, r, ESSEX, PURPOSE, NOW);
      expect(owner.allowed).toBe(true);
      expect(owner.fields, `${days} days on`).toEqual([...REFERRAL_FIELDS]);
      expect(project(r, owner.fields)).toEqual({ authority: 'essex', child: r.child });
    }
  });

  describe('properties', () => {
    const principal = fc.oneof(
      fc.constantFrom<Principal>(ESSEX, NORFOLK, HARBOUR, MEADOW, STRANGER, OFFICE, { kind: 'provider', id: 'fenland-childrens-homes' }),
    );
    const cases = fc.record({
      status: fc.constantFrom('draft', 'active', 'suspended', 'ended' as const),
      validFrom: fc.constantFrom('2025-04-01', '2026-06-15', '2026-06-16', '2027-01-01'),
      validTo: fc.constantFrom(undefined, '2026-06-14', '2026-06-15', '2028-03-31'),
      purpose: fc.constantFrom('placement-matching', 'pool-allocation', 'spend-analysis', 'unknown'),
      article6: fc.constantFrom(...Article6.options),
      consent: fc.constantFrom(undefined, 'given', 'refused', 'withdrawn', 'not-sought' as const),
      shareWith: fc.subarray(['harbour-care', 'fenland-childrens-homes', 'meadowview-care', 'not-a-party-ltd']),
      principal,
      ageDays: fc.integer({ min: 0, max: 800 }),
    });

    type Case = typeof cases extends fc.Arbitrary<infer T> ? T : never;
    const run = (c: Case) => {
      const a = agreement({ status: c.status, validFrom: c.validFrom, validTo: c.validTo });
      const r = referral({
        shareWith: c.shareWith,
        createdAt: new Date(NOW.getTime() - c.ageDays * 86_400_000).toISOString(),
        lawfulBasis: { article6: c.article6, ...(c.consent ? { consent: { status: c.consent, recordedAt: '2026-01-01T00:00:00.000Z', by: 'x' } } : {}) },
      });
      return { a, r, d: decideDisclosure(a, r, c.principal, c.purpose, NOW) };
    };

    it('a non-owner is allowed exactly when every rule holds, and then gets only its role fields, never childRef', () => {
      fc.assert(
        fc.property(cases, (c) => {
          const { d } = run(c);
          const isOwner = c.principal.kind === 'authority' && c.principal.id === 'essex';
          if (isOwner) {
            expect(d.allowed).toBe(true);
            return;
          }
          const status = c.consent ?? 'not-sought';
          const consentOk = status === 'given' || (status === 'not-sought' && c.article6 !== '6(1)(a)');
          const inDate = c.validFrom <= '2026-06-15' && (c.validTo === undefined || '2026-06-15' <= c.validTo);
          const named = c.principal.kind === 'provider' && c.shareWith.includes(c.principal.id) && c.principal.id !== 'not-a-party-ltd';
          const rulesHold = named && c.status === 'active' && inDate && c.purpose === PURPOSE && consentOk;
          // child fields are kept 180 days, `authority` 730: after that nothing is left to disclose
          expect(d.allowed).toBe(rulesHold && c.ageDays < 730);
          if (rulesHold && c.ageDays < 180) expect(new Set(d.fields)).toEqual(new Set(providerFields));
          if (rulesHold && c.ageDays >= 180 && c.ageDays < 730) expect(d.fields).toEqual(['authority']);
          for (const f of d.fields) expect(providerFields).toContain(f);
          for (const f of NEVER_DISCLOSED) expect(d.fields).not.toContain(f);
          if (!d.allowed) expect(d.fields).toEqual([]);
        }),
        { numRuns: 2000 },
      );
    });

    it('explains itself: allowed means no rule failed but ownership; denied names at least one failed rule', () => {
      fc.assert(
        fc.property(cases, (c) => {
          const { d } = run(c);
          expect(d.reasons.length).toBeGreaterThan(0);
          for (const r of d.reasons) expect(r.detail.length).toBeGreaterThan(0);
          const nonOwnerFailures = d.reasons.filter((r) => !r.ok && r.rule !== 'owner');
          expect(d.allowed).toBe(nonOwnerFailures.length === 0);
        }),
        { numRuns: 1000 },
      );
    });

    it('refused or withdrawn consent blocks every provider, whatever the basis', () => {
      fc.assert(
        fc.property(cases, fc.constantFrom('refused', 'withdrawn' as const), (c, consent) => {
          const { d } = run({ ...c, consent });
          if (!(c.principal.kind === 'authority' && c.principal.id === 'essex')) expect(d.allowed).toBe(false);
        }),
      );
    });
  });
});

describe('londonDate', () => {
  it('is the UK calendar day', () => {
    expect(londonDate(new Date('2026-07-01T23:30:00Z'))).toBe('2026-07-02');
    expect(londonDate(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-01');
  });
});

describe('referralProblems (the 422 rules of creation)', () => {
  const body = { agreementId: ISP.id, purpose: PURPOSE, child: referral().child, shareWith: ['harbour-care'] };
  it('accepts a referral the agreement covers', () => {
    expect(referralProblems(ISP, body, ESSEX, NOW)).toEqual([]);
  });
  it('refuses an unknown, inactive or out-of-date agreement', () => {
    expect(referralProblems(undefined, body, ESSEX, NOW)).toEqual([{ path: 'agreementId', message: expect.stringContaining('no sharing agreement') }]);
    expect(referralProblems(agreement({ status: 'suspended' }), body, ESSEX, NOW).map((p) => p.path)).toEqual(['agreementId']);
    expect(referralProblems(agreement({ validTo: '2026-06-14' }), body, ESSEX, NOW).map((p) => p.path)).toEqual(['agreementId']);
  });
  it('refuses a purpose the agreement does not name, or that shares nothing with providers', () => {
    expect(referralProblems(ISP, { ...body, purpose: 'marketing' }, ESSEX, NOW).map((p) => p.path)).toEqual(['purpose']);
    expect(referralProblems(ISP, { ...body, purpose: 'spend-analysis' }, ESSEX, NOW).map((p) => p.path)).toEqual(['purpose']);
  });
  it('refuses a caller or provider that is not a party', () => {
    const a = structuredClone(ISP);
    a.parties = a.parties.filter((p) => p.principal !== 'authority:essex');
    expect(referralProblems(a, body, ESSEX, NOW).map((p) => p.path)).toEqual(['agreementId']);
    expect(referralProblems(ISP, { ...body, shareWith: ['harbour-care', 'not-a-party-ltd'] }, ESSEX, NOW).map((p) => p.path)).toEqual(['shareWith.1']);
  });
  it('refuses data items the agreement does not cover', () => {
    const a = structuredClone(ISP);
    a.dataItems = a.dataItems.filter((d) => d.field !== 'child.siblings');
    expect(referralProblems(a, body, ESSEX, NOW).map((p) => p.path)).toEqual(['child.siblings']);
  });
});
