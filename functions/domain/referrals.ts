import type { SharingAgreement } from '../../schemas/sharing-agreement.ts';
import type { Accession } from './accession.ts';
import type { Access } from './audit.ts';
import { decideDisclosure, project, referralProblems, type ConsentRecord, type Decision, type NewReferral, type ReferralRecord } from './disclosure.ts';
import type { ReferralStatus } from '../../schemas/codes.ts';
import { conflict, notFound, unprocessable, type FieldError } from './errors.ts';
import { requireKnownOutcode } from './geo.ts';
import { hardRuleFailures, type Child, type HomeFacts } from './matching.ts';
import { principalId, type By, type Principal } from './principal.ts';

/**
 * The rules of referrals around the disclosure decision (CONTRACT.md "Consent-governed sharing"),
 * pure: whether a new referral may be made, the consent clock-skew rule, who owns a referral and
 * what each reader sees, whether an offered home can take the child (the matching module's own
 * hard rules, as search applies them), and how long a provider's response is kept.
 */

// ---------------------------------------------------------------- consent clock skew

/** Clock skew tolerated on a consent record's `recordedAt`. */
export const CONSENT_SKEW_MS = 5 * 60_000;

/** 422 naming `path` when a consent record is dated more than 5 minutes after `now`. */
export function refuseFutureConsent(recordedAt: string | undefined, now: Date, path: string): void {
  if (recordedAt !== undefined && Date.parse(recordedAt) > now.getTime() + CONSENT_SKEW_MS) {
    throw unprocessable('A consent record cannot be made in the future.', [{ path, message: 'more than 5 minutes in the future' }]);
  }
}

// ---------------------------------------------------------------- a new referral

export interface NewReferralInput extends NewReferral {
  child: Readonly<Record<string, unknown>> & { homeOutcode?: string };
  lawfulBasis: { consent?: Pick<ConsentRecord, 'recordedAt'> };
}

/**
 * Whether an authority may make this referral now: a known home outcode (400), a consent record
 * not dated in the future (422), and an agreement that allows it (422 with every problem).
 * Answers the agreement it is made under.
 */
export function admitReferral(agreement: SharingAgreement | undefined, body: NewReferralInput, principal: Principal, now: Date, register: readonly Accession[] = []): SharingAgreement {
  requireKnownOutcode(body.child.homeOutcode, 'child.homeOutcode');
  refuseFutureConsent(body.lawfulBasis.consent?.recordedAt, now, 'lawfulBasis.consent.recordedAt');
  const problems = referralProblems(agreement, body, principal, now, register);
  if (problems.length > 0 || !agreement) throw unprocessable('The sharing agreement does not allow this referral.', problems);
  return agreement;
}

// ---------------------------------------------------------------- who reads what

export const ownsReferral = (referral: Pick<ReferralRecord, 'owner'>, principal: Principal): boolean => referral.owner === principalId(principal);

/** One access to a referral, decided: everything its audit entry needs but the action and request. */
export interface Decided<R extends ReferralRecord = ReferralRecord> extends Omit<Access, 'action' | 'requestId' | 'disclosed'> {
  referral: R;
  agreement: SharingAgreement | undefined;
  decision: Decision;
  owner: boolean;
}

/**
 * The one decision for an access to a referral for its own purpose, under the agreement in force
 * now, with the accessions the store found for the caller (`register`).
 */
export function decideAccess<R extends ReferralRecord>(agreement: SharingAgreement | undefined, referral: R, principal: Principal, now: Date, register: readonly Accession[] = []): Decided<R> {
  const decision = decideDisclosure(agreement, referral, principal, referral.purpose, now, register);
  return { referral, agreement, principal, now, decision, owner: ownsReferral(referral, principal) };
}

/** The fields an allowed access discloses; a denied one is 404, exactly as for no referral. */
export function allowedFields(a: { decision: Decision }): string[] {
  if (!a.decision.allowed) throw notFound();
  return a.decision.fields;
}

/** The access when it is allowed (a provider's list keeps only those). */
export const ifAllowed = <A extends { decision: Decision }>(a: A): A | undefined => (a.decision.allowed ? a : undefined);

/** Where a referral stands: `open` until an offer on it is accepted, then `placed` (CONTRACT "Offers and placements"). */
export interface Placed {
  status?: ReferralStatus;
  placedAt?: string;
  /** The offer accepted (the one not superseded). */
  acceptedOfferId?: string;
}

/** 409 on a placed referral: it takes no more offers or responses. */
export function requireOpenReferral(r: Placed): void {
  if (r.status === 'placed') throw conflict('The referral is placed: it takes no more offers or responses.');
}

/** What a non-owner may see: the referral's identity, purpose and status, and the allowed fields only. */
export function sharedView(r: Pick<ReferralRecord, 'id' | 'agreementId' | 'agreementVersion' | 'purpose' | 'authority' | 'child'> & Placed, fields: string[]) {
  return {
    id: r.id, agreementId: r.agreementId, agreementVersion: r.agreementVersion, purpose: r.purpose,
    status: r.status ?? 'open', ...(r.placedAt ? { placedAt: r.placedAt } : {}),
    ...project(r, fields), disclosed: fields,
  };
}

/** The owner's view: every field it stored, the lawful basis, consent history and who it is shared with. */
export function ownerView<T>(
  r: ReferralRecord & Placed & { consentHistory: ConsentRecord[]; updatedAt: string; by?: By },
  fields: string[],
  responses?: T[],
) {
  return {
    ...sharedView(r, fields),
    lawfulBasis: r.lawfulBasis,
    consentHistory: r.consentHistory,
    shareWith: r.shareWith,
    ...(responses ? { responses } : {}),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    ...(r.by ? { by: r.by } : {}),
  };
}

// ---------------------------------------------------------------- providers' responses

/** The child facts the hard rules read; while any is withheld from the provider, a refusal does not spell them out. */
const RULE_FIELDS = ['child.age', 'child.sex', 'child.needs'] as const;

/**
 * An "interested" answer may offer only a home of the provider's own that can take the child:
 * 422 naming `homeUrn` for a home that is not the caller's, and once for each of the matching
 * module's hard rules the home fails (the same rules search and pooled beds apply).
 */
export function refuseOfferedHome(
  provider: Principal,
  child: Readonly<Record<string, unknown>>,
  home: (HomeFacts & { owner: string }) | undefined,
  disclosed: readonly string[],
): void {
  if (home?.owner !== principalId(provider)) {
    throw unprocessable('The home offered must be one of yours.', [{ path: 'homeUrn', message: 'not a home of this provider' }]);
  }
  const failures = hardRuleFailures(child as unknown as Child, home);
  if (failures.length === 0) return;
  const explain = RULE_FIELDS.every((f) => disclosed.includes(f));
  const errors: FieldError[] = failures.map((f) => ({ path: 'homeUrn', message: explain ? `the home ${f}` : 'the home cannot take this child' }));
  throw unprocessable('The home offered cannot take this child.', errors);
}

export interface ResponseRecord {
  referralId: string;
  provider: string;
  response: 'interested' | 'declined';
  reason?: string;
  homeUrn?: string;
  respondedAt: string;
  /** Who answered: the provider, and the signed-in person where one did (absent on answers from before it was kept). */
  by?: By;
}

export function responseRecord(referralId: string, provider: Principal, body: Pick<ResponseRecord, 'response' | 'reason' | 'homeUrn'>, now: Date, by?: By): ResponseRecord {
  const { response, reason, homeUrn } = body;
  return { referralId, provider: principalId(provider), response, ...(reason ? { reason } : {}), ...(homeUrn ? { homeUrn } : {}), respondedAt: now.toISOString(), ...(by ? { by } : {}) };
}

/**
 * When a response expires (epoch seconds): after the agreement's retention of `responses`, or
 * with the referral itself (`referralExpiry`) when the agreement sets none.
 */
export function responseExpiry(agreement: Pick<SharingAgreement, 'dataItems'> | undefined, referralExpiry: number, now: Date): number {
  const days = agreement?.dataItems.find((d) => d.field === 'responses')?.retention.days;
  return days === undefined ? referralExpiry : Math.floor(now.getTime() / 1000) + days * 86_400;
}
