import { describe, expect, it } from 'vitest';
import { auditListName, auditRecord, auditRetentionDays, auditScope, DEFAULT_AUDIT_RETENTION_DAYS } from '../../functions/domain/audit.ts';
import type { ReferralRecord } from '../../functions/domain/disclosure.ts';
import { HubError } from '../../functions/domain/errors.ts';
import type { HomeFacts } from '../../functions/domain/matching.ts';
import type { Principal } from '../../functions/domain/principal.ts';
import {
  admitReferral, allowedFields, CONSENT_SKEW_MS, decideAccess, ifAllowed, ownerView, refuseFutureConsent, refuseOfferedHome, responseExpiry,
  responseRecord, sharedView,
} from '../../functions/domain/referrals.ts';
import { readAgreementsFrom } from '../../functions/store/agreements.ts';
import { CreateReferral } from '../../schemas/referrals.ts';
import type { SharingAgreement } from '../../schemas/sharing-agreement.ts';

/** The referral rules around the disclosure decision and the audit trail's rules: pure, no Java. */

const ISP = readAgreementsFrom('sharing-agreements').find((a) => a.id === 'commission-east-placements-isp')!;
const ESSEX: Principal = { kind: 'authority', id: 'essex' };
const NORFOLK: Principal = { kind: 'authority', id: 'norfolk' };
const HARBOUR: Principal = { kind: 'provider', id: 'harbour-care' };
const MEADOW: Principal = { kind: 'provider', id: 'meadowview-care' };
const OFFICE: Principal = { kind: 'programme-office' };
const NOW = new Date('2026-06-15T10:00:00Z');

const referral = (over: Partial<ReferralRecord> = {}): ReferralRecord => ({
  id: 'r1',
  owner: 'authority:essex',
  authority: 'essex',
  agreementId: ISP.id,
  agreementVersion: ISP.version,
  purpose: 'placement-matching',
  child: { childRef: 'ESX-1', age: 14, sex: 'female', needs: ['self-harm', 'going-missing'], homeOutcode: 'CM1' },
  lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18' },
  shareWith: ['harbour-care'],
  createdAt: '2026-06-01T09:00:00.000Z',
  ...over,
});

/** The HubError a function throws (code and field paths), or undefined. */
function thrown(f: () => unknown): { code: string; paths: string[]; messages: string[] } | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!(e instanceof HubError)) throw e;
    return { code: e.code, paths: (e.errors ?? []).map((x) => x.path), messages: (e.errors ?? []).map((x) => x.message) };
  }
}

describe('auditRecord: one entry per access', () => {
  it('records who, what, allowed with the fields disclosed, the agreement version in force, and the owner and retention for storage', () => {
    const a = decideAccess(ISP, referral(), HARBOUR, NOW);
    const r = auditRecord({ ...a, action: 'read', requestId: 'req-1' });
    expect(r).toEqual({
      entry: {
        at: NOW.toISOString(),
        principal: 'provider:harbour-care',
        action: 'read',
        referralId: 'r1',
        agreementId: ISP.id,
        agreementVersion: ISP.version,
        purpose: 'placement-matching',
        outcome: 'allowed',
        fields: a.decision.fields,
        reasons: [],
        requestId: 'req-1',
      },
      owner: 'authority:essex',
      retentionDays: ISP.audit.retention.days,
    });
    expect(r.entry.fields).toContain('child.needs');
  });

  it('records a denial with no fields and the rules that failed, whatever was asked to be disclosed', () => {
    const a = decideAccess(ISP, referral(), MEADOW, NOW);
    const r = auditRecord({ ...a, action: 'respond', requestId: 'req-2', disclosed: ['child.age'] });
    expect(r.entry).toMatchObject({ principal: 'provider:meadowview-care', action: 'respond', outcome: 'denied', fields: [], reasons: ['shared-with'] });
  });

  it('records what an allowed access disclosed when it is less than the decision (a response: nothing more)', () => {
    const r = auditRecord({ ...decideAccess(ISP, referral(), HARBOUR, NOW), action: 'respond', requestId: 'x', disclosed: [] });
    expect(r.entry).toMatchObject({ outcome: 'allowed', fields: [] });
  });

  it('names the version in force, else the referral\'s own when no agreement is on file', () => {
    const newer = { ...ISP, version: '1.1' };
    expect(auditRecord({ ...decideAccess(newer, referral(), HARBOUR, NOW), action: 'read', requestId: 'x' }).entry.agreementVersion).toBe('1.1');
    const none = auditRecord({ ...decideAccess(undefined, referral(), HARBOUR, NOW), action: 'read', requestId: 'x' });
    expect(none.entry).toMatchObject({ agreementVersion: ISP.version, outcome: 'denied', reasons: ['agreement'] });
    expect(none.retentionDays).toBe(DEFAULT_AUDIT_RETENTION_DAYS);
  });
});

describe('audit retention', () => {
  it("is the agreement's audit retention, or six years without an agreement", () => {
    expect(auditRetentionDays(ISP)).toBe(ISP.audit.retention.days);
    expect(auditRetentionDays({ audit: { retention: { days: 3650, rationale: 'ten years' } } } as SharingAgreement)).toBe(3650);
    expect(auditRetentionDays(undefined)).toBe(2190);
    expect(DEFAULT_AUDIT_RETENTION_DAYS).toBe(6 * 365);
  });
});

describe('whose trail a caller reads', () => {
  it('without a referral: the programme office the region\'s, an authority its own', () => {
    expect(auditScope(OFFICE, undefined, undefined)).toEqual({ region: true });
    expect(auditScope(ESSEX, undefined, undefined)).toEqual({ owner: 'authority:essex' });
  });

  it("with a referral: its owner's and the programme office's; anyone else, or no such trail, 404", () => {
    expect(auditScope(ESSEX, 'r1', 'authority:essex')).toEqual({ referralId: 'r1' });
    expect(auditScope(OFFICE, 'r1', 'authority:essex')).toEqual({ referralId: 'r1' });
    expect(thrown(() => auditScope(NORFOLK, 'r1', 'authority:essex'))?.code).toBe('not-found');
    expect(thrown(() => auditScope(ESSEX, 'r1', undefined))?.code).toBe('not-found');
    expect(thrown(() => auditScope(OFFICE, 'r1', undefined))?.code).toBe('not-found');
  });

  it('names each list and caller apart, so a cursor of one is refused by another', () => {
    const names = [
      auditListName(ESSEX, { referralId: 'r1' }),
      auditListName(OFFICE, { referralId: 'r1' }),
      auditListName(ESSEX, { referralId: 'r2' }),
      auditListName(ESSEX, { owner: 'authority:essex' }),
      auditListName(NORFOLK, { owner: 'authority:norfolk' }),
      auditListName(OFFICE, { region: true }),
    ];
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^audit-/);
  });
});

describe('the consent clock-skew rule', () => {
  it('accepts a record up to 5 minutes ahead, or in the past, and refuses one later with 422 naming the field', () => {
    const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
    expect(CONSENT_SKEW_MS).toBe(300_000);
    for (const ok of [undefined, at(-86_400_000), at(0), at(CONSENT_SKEW_MS)]) expect(thrown(() => refuseFutureConsent(ok, NOW, 'recordedAt'))).toBeUndefined();
    for (const late of [at(CONSENT_SKEW_MS + 1), at(3 * 3_600_000)]) {
      expect(thrown(() => refuseFutureConsent(late, NOW, 'lawfulBasis.consent.recordedAt'))).toMatchObject({ code: 'unprocessable', paths: ['lawfulBasis.consent.recordedAt'] });
    }
  });
});

describe('admitting a new referral', () => {
  const body = (over: Record<string, unknown> = {}, basis: Record<string, unknown> = {}) =>
    CreateReferral.parse({
      agreementId: ISP.id,
      purpose: 'placement-matching',
      child: { childRef: 'ESX-1', age: 14, sex: 'female', needs: ['self-harm'], homeOutcode: 'CM1', ...over },
      lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18', ...basis },
      shareWith: ['harbour-care'],
    });

  it('answers the agreement it is made under', () => {
    expect(admitReferral(ISP, body(), ESSEX, NOW)).toBe(ISP);
  });

  it('refuses an unknown outcode (400), a consent record in the future (422), and what the agreement does not allow (422)', () => {
    expect(thrown(() => admitReferral(ISP, body({ homeOutcode: 'ZZ9' }), ESSEX, NOW))).toMatchObject({ code: 'invalid', paths: ['child.homeOutcode'] });
    const future = body({}, { consent: { status: 'given', recordedAt: '2026-06-15T13:00:00Z', by: 'SW' } });
    expect(thrown(() => admitReferral(ISP, future, ESSEX, NOW))).toMatchObject({ code: 'unprocessable', paths: ['lawfulBasis.consent.recordedAt'] });
    expect(thrown(() => admitReferral(undefined, body(), ESSEX, NOW))).toMatchObject({ code: 'unprocessable', paths: ['agreementId'] });
    expect(thrown(() => admitReferral({ ...ISP, status: 'suspended' }, body(), ESSEX, NOW))?.code).toBe('unprocessable');
  });
});

describe('CreateReferral: needs are special category data', () => {
  const raw = (needs: string[], basis: Record<string, unknown>) => ({
    agreementId: ISP.id,
    purpose: 'placement-matching',
    child: { childRef: 'ESX-1', age: 14, sex: 'female', needs },
    lawfulBasis: basis,
    shareWith: ['harbour-care'],
  });

  it('needs an article 9 condition with any need', () => {
    const r = CreateReferral.safeParse(raw(['self-harm'], { article6: '6(1)(e)' }));
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual(['lawfulBasis.article9']);
    expect(CreateReferral.safeParse(raw(['self-harm'], { article6: '6(1)(a)', article9: '9(2)(a)' })).success).toBe(true);
  });

  it('does not need one without needs', () => {
    expect(CreateReferral.safeParse(raw([], { article6: '6(1)(e)' })).success).toBe(true);
  });
});

describe('who sees what', () => {
  const stored = { ...referral(), consentHistory: [], updatedAt: '2026-06-02T00:00:00.000Z' };

  it('the owner is the owner; a denied access is 404 and left out of a list; an allowed one discloses its fields', () => {
    const own = decideAccess(ISP, stored, ESSEX, NOW);
    const named = decideAccess(ISP, stored, HARBOUR, NOW);
    const other = decideAccess(ISP, stored, MEADOW, NOW);
    expect([own.owner, named.owner, other.owner]).toEqual([true, false, false]);
    expect(allowedFields(named)).toEqual(named.decision.fields);
    expect(thrown(() => allowedFields(other))?.code).toBe('not-found');
    expect(ifAllowed(named)).toBe(named);
    expect(ifAllowed(other)).toBeUndefined();
  });

  it('a provider sees identity, purpose and its fields; the owner every field with the basis, history and sharing', () => {
    const fields = decideAccess(ISP, stored, HARBOUR, NOW).decision.fields;
    const shared = sharedView(stored, fields);
    expect(Object.keys(shared).sort()).toEqual(['agreementId', 'agreementVersion', 'authority', 'child', 'disclosed', 'id', 'purpose', 'status']);
    expect(shared.child).not.toHaveProperty('childRef');
    const owner = ownerView(stored, decideAccess(ISP, stored, ESSEX, NOW).decision.fields, []);
    expect(owner).toMatchObject({ child: stored.child, lawfulBasis: stored.lawfulBasis, shareWith: ['harbour-care'], consentHistory: [], responses: [] });
  });
});

describe("an interested answer's home", () => {
  const home = (over: Partial<HomeFacts & { owner: string }> = {}): HomeFacts & { owner: string } => ({
    owner: 'provider:harbour-care',
    ageRange: { min: 10, max: 17 },
    sexes: ['female', 'male'],
    supports: ['self-harm'],
    excludes: [],
    ofstedRating: 'good',
    outcode: 'CM1',
    ...over,
  });
  const child = referral().child;
  const disclosed = ['child.age', 'child.sex', 'child.needs'];

  it('must be the provider\'s own', () => {
    expect(thrown(() => refuseOfferedHome(HARBOUR, child, home({ owner: 'provider:other' }), disclosed))).toMatchObject({ code: 'unprocessable', paths: ['homeUrn'] });
    expect(thrown(() => refuseOfferedHome(HARBOUR, child, undefined, disclosed))).toMatchObject({ code: 'unprocessable', paths: ['homeUrn'] });
  });

  it('must pass the matching module\'s hard rules: each failed rule named', () => {
    expect(thrown(() => refuseOfferedHome(HARBOUR, child, home(), disclosed))).toBeUndefined();
    expect(thrown(() => refuseOfferedHome(HARBOUR, child, home({ sexes: ['male'] }), disclosed))).toEqual({
      code: 'unprocessable', paths: ['homeUrn'], messages: ['the home does not take female children'],
    });
    const all = thrown(() => refuseOfferedHome(HARBOUR, child, home({ sexes: ['male'], ageRange: { min: 16, max: 17 }, excludes: ['going-missing'] }), disclosed));
    expect(all?.paths).toEqual(['homeUrn', 'homeUrn', 'homeUrn']);
    expect(all?.messages.join(' | ')).toMatch(/excludes going-missing.*takes ages 16-17.*does not take female/);
  });

  it('does not spell out child facts the agreement withholds from the provider', () => {
    const r = thrown(() => refuseOfferedHome(HARBOUR, child, home({ sexes: ['male'] }), ['child.needs']));
    expect(r?.messages).toEqual(['the home cannot take this child']);
  });
});

describe('responses', () => {
  it('are recorded for the provider at the time given, with a reason or a home only when given', () => {
    expect(responseRecord('r1', HARBOUR, { response: 'interested' }, NOW)).toEqual({ referralId: 'r1', provider: 'provider:harbour-care', response: 'interested', respondedAt: NOW.toISOString() });
    expect(responseRecord('r1', HARBOUR, { response: 'declined', reason: 'price' }, NOW)).toMatchObject({ reason: 'price' });
  });

  it("are kept for the agreement's retention of responses, else as long as the referral", () => {
    const days = ISP.dataItems.find((d) => d.field === 'responses')!.retention.days;
    expect(responseExpiry(ISP, 1, NOW)).toBe(NOW.getTime() / 1000 + days * 86_400);
    expect(responseExpiry({ ...ISP, dataItems: ISP.dataItems.filter((d) => d.field !== 'responses') }, 1234, NOW)).toBe(1234);
    expect(responseExpiry(undefined, 1234, NOW)).toBe(1234);
  });
});
