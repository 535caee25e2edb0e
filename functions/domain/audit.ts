import type { SharingAgreement } from '../../schemas/sharing-agreement.ts';
import { failedRules, type Decision, type ReferralRecord } from './disclosure.ts';
import { notFound } from './errors.ts';
import { principalId, type Principal } from './principal.ts';

/**
 * The disclosure audit trail's rules (CONTRACT.md "Consent-governed sharing"), pure: what one
 * entry records about one access by anyone but the owner, how long it is kept, and whose trail
 * a caller may read. The store writes and pages entries; it decides none of this.
 */

export type { AuditAction } from '../../schemas/codes.ts';
import type { AuditAction } from '../../schemas/codes.ts';

export interface AuditEntry {
  at: string;
  /** Who accessed the referral (`provider:<id>`, `authority:<slug>`, `programme-office`). */
  principal: string;
  /** The signed-in person who did (the token's `sub`); absent when a system acted with an API key. */
  person?: string;
  action: AuditAction;
  /** The referral disclosed; for a notice, the placement's referral when it came from one (a pool placement has none). */
  referralId?: string;
  /** The placement whose notice was read (`notice-read` only). */
  placementId?: string;
  agreementId: string;
  /** The agreement version that governed the decision (the one in force, else the referral's). */
  agreementVersion: string;
  purpose: string;
  outcome: 'allowed' | 'denied';
  /** The fields disclosed (empty when denied, or when the access disclosed nothing more). */
  fields: string[];
  /** The rules that failed (empty when allowed). */
  reasons: string[];
  requestId: string;
}

/** An entry with what its storage needs: the owning authority (whose trail it joins) and its retention. */
export interface AuditRecord {
  entry: AuditEntry;
  owner: string;
  retentionDays: number;
}

/** Six years: the retention of an entry when no agreement says otherwise. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 2190;

/** Entries outlive what they record: the agreement's audit retention, or six years without one. */
export const auditRetentionDays = (agreement: Pick<SharingAgreement, 'audit'> | undefined): number =>
  agreement?.audit.retention.days ?? DEFAULT_AUDIT_RETENTION_DAYS;

export interface Access {
  referral: Pick<ReferralRecord, 'id' | 'owner' | 'agreementId' | 'agreementVersion' | 'purpose'>;
  /** The version of the referral's agreement in force now (undefined when none is on file). */
  agreement: Pick<SharingAgreement, 'version' | 'audit'> | undefined;
  principal: Principal;
  /** The signed-in person acting for `principal` (undefined for an API key). */
  person?: string;
  action: AuditAction;
  decision: Decision;
  requestId: string;
  now: Date;
  /** What was disclosed when allowed, when it differs from the decision's fields (a response discloses nothing more: []). */
  disclosed?: readonly string[];
}

/** The one entry for one access: who, what action, allowed or denied, which fields, which rules failed, under which agreement version. */
export function auditRecord(a: Access): AuditRecord {
  return record(a, { action: a.action, referralId: a.referral.id }, {
    agreementId: a.referral.agreementId,
    agreementVersion: a.agreement?.version ?? a.referral.agreementVersion,
    purpose: a.referral.purpose,
  }, a.disclosed ?? a.decision.fields, a.referral.owner);
}

/** Who read, acting for whom, when and how it was decided: what every entry records, whatever it is about. */
interface Read {
  now: Date;
  principal: Principal;
  person?: string | undefined;
  decision: Decision;
  requestId: string;
  agreement: Pick<SharingAgreement, 'version' | 'audit'> | undefined;
}

/**
 * The one builder of an entry: its head (when, who, and the person), what was accessed and under
 * which agreement, the decision (allowed or denied; the fields `shown` when allowed, else none; the
 * rules that failed), the request, and the record's owner and retention.
 */
function record(
  a: Read, what: Pick<AuditEntry, 'action' | 'referralId' | 'placementId'>, under: Pick<AuditEntry, 'agreementId' | 'agreementVersion' | 'purpose'>,
  shown: readonly string[], owner: string,
): AuditRecord {
  const allowed = a.decision.allowed;
  return {
    entry: {
      at: a.now.toISOString(),
      principal: principalId(a.principal),
      ...(a.person ? { person: a.person } : {}),
      ...what,
      ...under,
      outcome: allowed ? 'allowed' : 'denied',
      fields: allowed ? [...shown] : [],
      reasons: failedRules(a.decision),
      requestId: a.requestId,
    },
    owner,
    retentionDays: auditRetentionDays(a.agreement),
  };
}

/** The trail an entry is filed in: its referral's, or — for a notice of a placement with no referral — its placement's. */
export const trailOf = (entry: Pick<AuditEntry, 'referralId' | 'placementId'>): string => entry.referralId ?? entry.placementId!;

export interface NoticeRead {
  notice: { id: string; placementId: string; referralId?: string; from: string };
  agreementId: string;
  /** The version of the agreement in force now (undefined when none is on file). */
  agreement: Pick<SharingAgreement, 'version' | 'audit'> | undefined;
  purpose: string;
  principal: Principal;
  /** The signed-in person of the host who read it (undefined for an API key). */
  person?: string;
  decision: Decision;
  requestId: string;
  now: Date;
}

/**
 * The entry for one read of a delivered reg 13(4) notice by its host: filed in the placing
 * authority's trail (and the referral's, when the placement came from one), naming the placement,
 * the purpose it was disclosed under and the child's fields shown.
 */
export function noticeReadRecord(a: NoticeRead): AuditRecord {
  const what = { action: 'notice-read' as const, ...(a.notice.referralId !== undefined ? { referralId: a.notice.referralId } : {}), placementId: a.notice.placementId };
  return record(a, what, { agreementId: a.agreementId, agreementVersion: a.agreement?.version ?? 'none', purpose: a.purpose }, a.decision.fields, `authority:${a.notice.from}`);
}

export type AuditScope = { referralId: string } | { owner: string } | { region: true };

/**
 * Which trail a caller reads. With a referral id: its owner's or the programme office's only
 * (`owner` undefined when neither the referral nor a trail names one) — anyone else 404, as if
 * it did not exist. Without: the programme office the region's, an authority its own referrals'.
 */
export function auditScope(principal: Principal, referralId: string | undefined, owner: string | undefined): AuditScope {
  if (referralId === undefined) return principal.kind === 'programme-office' ? { region: true } : { owner: principalId(principal) };
  if (owner === undefined || (principal.kind !== 'programme-office' && owner !== principalId(principal))) throw notFound();
  return { referralId };
}

/** The list a cursor of this scope and caller belongs to (a cursor is refused by any other). */
export function auditListName(principal: Principal, scope: AuditScope): string {
  const list = 'referralId' in scope ? `audit-of:${scope.referralId}` : 'owner' in scope ? 'audit-own' : 'audit-region';
  return `${list}:${principalId(principal)}`;
}
