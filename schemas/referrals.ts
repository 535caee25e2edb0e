import * as z from 'zod/mini';
import { meta } from './meta.ts';
import { ReferralId, ReferralIdText } from './ids.ts';
import {
  AuthoritySlug, ByView, CareAlongside, ChildRef, IsoDateTime, ListQuery, listOf, NeedCode, Outcode, PlacementType, Principal, Sex,
  Urgency, Urn, Age, } from './common.ts';
import { Article6, Article9, PurposeId, Schedule1Condition } from './sharing-agreement.ts';
import { AUDIT_ACTIONS, ID_PATTERNS, REFERRAL_FIELDS, REFERRAL_STATUSES } from './codes.ts';

/**
 * Consent-governed sharing (CONTRACT.md "Consent-governed sharing"): referrals for placement
 * matching with the draft national placements standard's fields, consent records, providers'
 * responses and the audit trail. Every body is strict: a field the schema does not know (a name,
 * a date of birth, a postcode) is 400.
 */

const ProviderId = z.string().check(z.maxLength(80), z.regex(/^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/, 'a provider id such as harbour-care'));

/** Output shapes, bounded. */
const Id = ReferralIdText;
const Time = IsoDateTime.check(z.maxLength(30));
const PrincipalText = Principal;
const AgreementIdText = z.string().check(z.maxLength(100));
const VersionText = z.string().check(z.maxLength(20));

export { ReferralId };

const unique = <T>(values: readonly T[], key: (v: T) => unknown = (v) => v) => new Set(values.map(key)).size === values.length;

export const ConsentStatus = z.enum(['given', 'refused', 'withdrawn', 'not-sought']);
export type ConsentStatus = z.infer<typeof ConsentStatus>;

/** ISO 8601 UTC time, normalised to milliseconds so that records compare as strings. */
const UtcTime = z.pipe(IsoDateTime.check(z.maxLength(30)), z.transform((s) => new Date(s).toISOString()));

export const ConsentRecord = z.strictObject({
  status: ConsentStatus,
  recordedAt: UtcTime,
  /** Who recorded it: a role or staff reference in the authority (not the child or family). */
  by: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
});

export const ReferralLawfulBasis = z.strictObject({
    article6: Article6,
    article9: z.optional(Article9),
    schedule1Condition: z.optional(Schedule1Condition),
    consent: z.optional(ConsentRecord),
  }).check(z.superRefine((b, ctx) => {
    if (b.article9 === '9(2)(g)' && b.schedule1Condition === undefined) {
      ctx.addIssue({ code: 'custom', message: 'required with article 9(2)(g): a DPA 2018 Schedule 1 condition such as part2-para18', path: ['schedule1Condition'] });
    }
    if (b.schedule1Condition !== undefined && b.article9 === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a Schedule 1 condition only applies with an article 9 condition', path: ['article9'] });
    }
  }));

export const SettingSuitability = z.enum(['suitable', 'suitable-with-support', 'not-suitable']);

/** The child as the draft national placements standard describes them, pseudonymously. */
export const ReferralChild = z.strictObject({
  childRef: ChildRef,
  age: Age,
  sex: Sex,
  /** The standard's risk flags and settings, as needs codes. */
  needs: z.array(NeedCode).check(z.maxLength(16), z.refine((n) => unique(n), 'each need once')),
  /** Outward code only (e.g. CM1): a full postcode is refused. */
  /** Whether the hub knows it is checked by the domain (400 naming `child.homeOutcode`). */
  homeOutcode: z.optional(Outcode),
  /** Today / <5 days / >5 days. */
  urgency: z.optional(Urgency),
  /** Who the child can live alongside. */
  careAlongside: z.optional(CareAlongside),
  /** Suitability by setting (SSDA903 placement types). */
  settings: z.optional(z.array(z.strictObject({ placementType: PlacementType, suitability: SettingSuitability })).check(z.minLength(1), z.maxLength(30), z.refine((s) => unique(s, (x) => x.placementType), 'each placement type once'))),
  /** Brothers and sisters also being placed. */
  siblings: z.optional(z.strictObject({ count: meta(z.int32().check(z.gte(1), z.lte(12)), { format: 'int32' }), placeTogether: z.enum(['required', 'preferred', 'apart']) })),
});

export const CreateReferral = meta(z.strictObject({
    agreementId: AgreementIdText.check(z.minLength(1)),
    purpose: PurposeId,
    child: ReferralChild,
    lawfulBasis: ReferralLawfulBasis,
    /**
     * Provider ids (as in `provider:<id>`). At most 49: a referral is written in one transaction
     * of at most 100 items — the referral, its owner's pointer, and per provider a pointer and a
     * `referral.shared` event (store/referrals.ts putReferral).
     */
    shareWith: z.array(ProviderId).check(z.minLength(1), z.maxLength(49), z.refine((s) => unique(s), 'each provider once')),
  }).check(z.superRefine((r, ctx) => {
    // a child's needs are special category data (UK GDPR art. 9): they need an article 9 condition
    if (r.child.needs.length > 0 && r.lawfulBasis.article9 === undefined) {
      ctx.addIssue({ code: 'custom', message: "required when the child has needs: they are special category data", path: ['lawfulBasis', 'article9'] });
    }
  })), { id: 'CreateReferral' });
export type CreateReferral = z.output<typeof CreateReferral>;


export const ReferralCreated = meta(z.object({ id: Id }), { id: 'ReferralCreated' });

export const ResponseDecision = z.enum(['interested', 'declined']);
/** Why a provider declined: coded, so the answers add up to evidence for sufficiency planning. */
export const DeclineReason = z.enum([
  'no-vacancy',
  'cannot-meet-needs',
  'location',
  'age-range',
  'sex',
  'registration',
  'price',
  'matching-risk',
  'staffing',
  'other',
]);

export const ProviderResponseBody = meta(z.strictObject({
    response: ResponseDecision,
    reason: z.optional(DeclineReason),
    /** The home the provider would offer (when interested). */
    homeUrn: z.optional(Urn),
  }).check(z.superRefine((b, ctx) => {
    if (b.response === 'declined' && b.reason === undefined) ctx.addIssue({ code: 'custom', message: 'a declined response needs a reason code', path: ['reason'] });
    if (b.response === 'interested' && b.reason !== undefined) ctx.addIssue({ code: 'custom', message: 'only a declined response carries a reason', path: ['reason'] });
    if (b.response === 'declined' && b.homeUrn !== undefined) ctx.addIssue({ code: 'custom', message: 'only an interested response names a home', path: ['homeUrn'] });
  })), { id: 'ProviderResponseBody' });

export const ProviderResponse = meta(z.object({
    referralId: Id,
    provider: PrincipalText,
    response: ResponseDecision,
    reason: z.optional(DeclineReason),
    homeUrn: z.optional(Urn),
    respondedAt: Time,
    by: z.optional(ByView),
  }), { id: 'ProviderResponse' });

export const ConsentChange = meta(z.strictObject({
    status: z.enum(['withdrawn', 'given']),
    recordedAt: UtcTime,
    by: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  }), { id: 'ConsentChange' });

const ChildView = z.partial(ReferralChild);
const ConsentView = z.object({
  status: ConsentStatus,
  recordedAt: Time,
  by: z.string().check(z.maxLength(100)),
  enteredBy: meta(z.optional(ByView), { description: 'Who entered it into the hub' }),
});
const LawfulBasisView = z.object({
  article6: Article6,
  article9: z.optional(Article9),
  schedule1Condition: z.optional(z.string().check(z.maxLength(20))),
  consent: z.optional(ConsentView),
});
const FieldList = z.array(z.string().check(z.maxLength(100))).check(z.maxLength(REFERRAL_FIELDS.length));

/**
 * A referral as its reader may see it. The owner gets every field (`childRef`, the lawful basis,
 * `shareWith`, the consent history and the providers' responses); a provider gets `id`, `purpose`,
 * the agreement, and only the data items the agreement lists for its role (`disclosed` names them).
 */
export const ReferralView = meta(z.object({
    id: Id,
    agreementId: AgreementIdText,
    agreementVersion: VersionText,
    purpose: PurposeId,
    status: meta(z.enum(REFERRAL_STATUSES), { description: 'open until an offer is accepted, then placed' }),
    placedAt: z.optional(Time),
    authority: z.optional(AuthoritySlug),
    child: ChildView,
    disclosed: FieldList,
    lawfulBasis: z.optional(LawfulBasisView),
    consentHistory: z.optional(z.array(ConsentView).check(z.maxLength(1000))),
    shareWith: z.optional(z.array(ProviderId).check(z.maxLength(50))),
    responses: z.optional(z.array(ProviderResponse).check(z.maxLength(50))),
    createdAt: z.optional(Time),
    updatedAt: z.optional(Time),
    by: meta(z.optional(ByView), { description: 'Owner only' }),
  }), { id: 'Referral' });
export const ReferralList = listOf(ReferralView);

export const AuditQuery = z.extend(ListQuery, { referralId: z.optional(ReferralId.shape.id) });

export const AuditEntry = meta(z.object({
    at: Time,
    principal: PrincipalText,
    person: meta(z.optional(z.string().check(z.maxLength(200))), { description: "The signed-in person's sub; absent for an API key" }),
    action: meta(z.enum(AUDIT_ACTIONS), { description: '`notice-read`: the host authority read a reg 13(4) notice delivered to it' }),
    referralId: meta(z.optional(Id), { description: 'The referral disclosed; absent only for a notice of a placement that came from no referral (a pool bed)' }),
    placementId: meta(z.optional(z.string().check(z.maxLength(80), z.regex(ID_PATTERNS.placement))), { description: 'The placement whose notice was read (`notice-read`)' }),
    agreementId: AgreementIdText,
    agreementVersion: VersionText,
    purpose: PurposeId,
    outcome: z.enum(['allowed', 'denied']),
    fields: FieldList,
    /** The rules that denied it (empty when allowed). */
    reasons: z.array(z.string().check(z.maxLength(40))).check(z.maxLength(20)),
    requestId: z.string().check(z.maxLength(128)),
  }), { id: 'AuditEntry' });
export const AuditList = listOf(AuditEntry);
