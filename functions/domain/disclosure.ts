import type { Article6, Article9, RecipientRole, SharingAgreement } from '../../schemas/sharing-agreement.ts';
import { describeParty, partyOf, type Accession } from './accession.ts';
import { principalId, type By, type Principal } from './principal.ts';
import type { AuthoritySlug } from './reference/authorities.ts';

/**
 * Consent-governed sharing, decided in one place: may this principal see this referral, for this
 * purpose, under this agreement, now — and which fields? Pure: the agreement, the referral, the
 * caller, the purpose and the time in; `{allowed, fields, reasons}` out, every rule it applied
 * written down in `reasons`. The HTTP edge answers 404 whenever `allowed` is false.
 *
 * The rules (CONTRACT.md, "Consent-governed sharing"):
 * - the owning authority sees every field it stored, whatever the agreement's retention periods
 *   (they limit what providers are disclosed, not what the owner reads of its own record);
 * - anyone else only as a provider named in `shareWith`, a party to the agreement in the provider
 *   role (named in its file, or by accession to the version in force: `register`), while the agreement is active and today (Europe/London) lies within its validity, for
 *   the referral's purpose as the agreement names it, and while the consent record allows it:
 *   consent as the basis (6(1)(a), or explicit consent 9(2)(a)) needs `given`; any other basis
 *   `given` or `not-sought`;
 *   `refused` or `withdrawn` blocks every provider whatever the basis;
 * - a provider receives only the data items the agreement lists for its role and that purpose,
 *   never `child.childRef`, and no item whose retention period has run out.
 */

export type ConsentStatus = 'given' | 'refused' | 'withdrawn' | 'not-sought';

export interface ConsentRecord {
  status: ConsentStatus;
  recordedAt: string;
  /** Who recorded it in the authority (a role or staff reference, as the authority wrote it). */
  by: string;
  /** Who entered it into the hub: the organisation, and the signed-in person where one did (absent on records from before it was kept). */
  enteredBy?: By;
}

/** The referral as the decision needs it (the stored record is a superset). */
export interface ReferralRecord {
  id: string;
  /** The owning authority's principal id, e.g. `authority:essex`. */
  owner: string;
  authority: AuthoritySlug;
  agreementId: string;
  agreementVersion: string;
  purpose: string;
  child: Readonly<Record<string, unknown>>;
  lawfulBasis: { article6: Article6; article9?: Article9; schedule1Condition?: string; consent?: ConsentRecord };
  /** Provider ids. */
  shareWith: readonly string[];
  /** ISO time; retention runs from here. */
  createdAt: string;
}

export { REFERRAL_FIELDS, type ReferralField } from '../../schemas/codes.ts';
import { REFERRAL_FIELDS, type ReferralField } from '../../schemas/codes.ts';

/** Never disclosed to anyone but the owner, whatever an agreement says. */
export const NEVER_DISCLOSED: readonly string[] = ['child.childRef'];

export type Rule =
  | 'owner'
  | 'recipient'
  | 'shared-with'
  | 'agreement'
  | 'agreement-active'
  | 'agreement-in-date'
  | 'purpose'
  | 'party'
  | 'role-fields'
  | 'consent'
  | 'retention';

export interface Reason {
  rule: Rule;
  ok: boolean;
  detail: string;
}

export interface Decision {
  allowed: boolean;
  /** Field paths the caller receives (empty when not allowed). */
  fields: string[];
  /** Every rule applied, in order, passed or failed. */
  reasons: Reason[];
}

/** The calendar day in Europe/London, `YYYY-MM-DD`. */
export function londonDate(now: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The field paths that carry a value in this referral. */
export function presentFields(referral: { authority?: string; child: Readonly<Record<string, unknown>> }): ReferralField[] {
  return REFERRAL_FIELDS.filter((f) => {
    if (f === 'authority') return referral.authority !== undefined;
    const value = referral.child[f.slice('child.'.length)];
    return value !== undefined && value !== null;
  });
}

const DAY_MS = 86_400_000;

/** Splits fields into those still within the agreement's retention for them and those past it. */
export function retainedFields(agreement: SharingAgreement | undefined, fields: readonly string[], createdAt: string, now: Date): { kept: string[]; expired: string[] } {
  const kept: string[] = [];
  const expired: string[] = [];
  const created = Date.parse(createdAt);
  for (const f of fields) {
    const days = agreement?.dataItems.find((d) => d.field === f)?.retention.days;
    if (days !== undefined && now.getTime() >= created + days * DAY_MS) expired.push(f);
    else kept.push(f);
  }
  return { kept, expired };
}

/** The retention rule: the fields still within their retention (from `since`); it fails only when there were some and none is left. */
function retention(agreement: SharingAgreement | undefined, fields: readonly string[], since: string, now: Date): { kept: string[]; ok: boolean; detail: string } {
  const { kept, expired } = retainedFields(agreement, fields, since, now);
  const detail = expired.length === 0 ? 'every field within its retention period' : kept.length ? `past retention, withheld: ${expired.join(', ')}` : 'every field is past its retention period';
  return { kept, ok: fields.length === 0 || kept.length > 0, detail };
}

/** How long the referral record is kept: the longest retention of the data items it carries (or of `fallback`). */
export function retentionDays(agreement: SharingAgreement, fields: readonly string[], fallback = 0): number {
  const days = fields.map((f) => agreement.dataItems.find((d) => d.field === f)?.retention.days ?? 0);
  return Math.max(fallback, ...days);
}

export function isInDate(agreement: Pick<SharingAgreement, 'validFrom' | 'validTo'>, today: string): boolean {
  return agreement.validFrom <= today && (agreement.validTo === undefined || today <= agreement.validTo);
}

/** Whether the consent record lets a provider read, and why. */
export function consentAllows(basis: ReferralRecord['lawfulBasis']): { ok: boolean; detail: string } {
  const status: ConsentStatus = basis.consent?.status ?? 'not-sought';
  const recorded = basis.consent ? `consent ${status} (recorded ${basis.consent.recordedAt})` : 'no consent record (not sought)';
  if (status === 'refused' || status === 'withdrawn') return { ok: false, detail: `${recorded}: blocks every provider whatever the basis` };
  const consentBasis = [basis.article6 === '6(1)(a)' && '6(1)(a)', basis.article9 === '9(2)(a)' && '9(2)(a)'].filter(Boolean).join(' and ');
  if (consentBasis) {
    return status === 'given'
      ? { ok: true, detail: `consent is the basis (${consentBasis}) and is given` }
      : { ok: false, detail: `consent is the basis (${consentBasis}) and is ${basis.consent ? status : 'not recorded'}, not given` };
  }
  return { ok: true, detail: `basis ${basis.article6}; ${recorded} allows sharing` };
}

/**
 * The one decision. `purpose` is the purpose the read is for (the referral's own purpose when a
 * referral is read); `agreement` is the version of the referral's agreement in force now;
 * `register` the accessions the store found for the caller (./accession.ts).
 */
export function decideDisclosure(
  agreement: SharingAgreement | undefined,
  referral: ReferralRecord,
  principal: Principal,
  purpose: string,
  now: Date,
  register: readonly Accession[] = [],
): Decision {
  const reasons: Reason[] = [];
  const rule = (r: Rule, ok: boolean, detail: string): boolean => {
    reasons.push({ rule: r, ok, detail });
    return ok;
  };
  const who = principalId(principal);
  const present = presentFields(referral);

  if (who === referral.owner) {
    rule('owner', true, `${who} owns referral ${referral.id} and sees every field it stored (retention limits only what providers are disclosed)`);
    return { allowed: true, fields: present, reasons };
  }

  rule('owner', false, `${who} is not the owner (${referral.owner})`);
  let ok = true;
  const isProvider = principal.kind === 'provider';
  ok = rule('recipient', isProvider, isProvider ? `${who} is a provider` : `only the owner and the providers it names may read a referral; ${who} is neither`) && ok;
  const named = principal.kind === 'provider' && referral.shareWith.includes(principal.id);
  ok = rule('shared-with', named, named ? `${who} is named in shareWith` : `${who} is not named in shareWith`) && ok;

  const found = agreement !== undefined && agreement.id === referral.agreementId;
  ok = rule('agreement', found, found ? `agreement ${agreement.id} v${agreement.version}` : `agreement ${referral.agreementId} is not on file`) && ok;
  if (!found) return { allowed: false, fields: [], reasons };

  const active = agreement.status === 'active';
  ok = rule('agreement-active', active, `agreement ${agreement.id} v${agreement.version} is ${agreement.status}`) && ok;
  const today = londonDate(now);
  const inDate = isInDate(agreement, today);
  ok = rule('agreement-in-date', inDate, `today ${today} is ${inDate ? 'within' : 'outside'} ${agreement.validFrom} to ${agreement.validTo ?? 'open-ended'}`) && ok;

  const purposeDef = agreement.purposes.find((p) => p.id === purpose);
  const purposeOk = purpose === referral.purpose && purposeDef !== undefined;
  ok = rule(
    'purpose',
    purposeOk,
    purpose !== referral.purpose
      ? `the referral was made for ${referral.purpose}, not ${purpose}`
      : purposeDef
        ? `the agreement names the purpose ${purpose}`
        : `the agreement does not name the purpose ${purpose}`,
  ) && ok;

  const party = partyOf(agreement, who, register);
  const role: RecipientRole | undefined = party?.recipientRole;
  const partyOk = party !== undefined && role === 'provider';
  ok = rule('party', partyOk, party ? `${who} is ${describeParty(party)}` : `${who} is not a party to the agreement`) && ok;

  const roleFields = purposeDef && role ? (purposeDef.disclosures.find((d) => d.recipientRole === role)?.fields ?? []) : [];
  const candidates = present.filter((f) => roleFields.includes(f) && !NEVER_DISCLOSED.includes(f));
  ok = rule(
    'role-fields',
    candidates.length > 0,
    candidates.length ? `the agreement lists for ${role} and ${purpose}: ${candidates.join(', ')}` : `the agreement lists no field of this referral for ${role ?? who} and ${purpose}`,
  ) && ok;

  const consent = consentAllows(referral.lawfulBasis);
  ok = rule('consent', consent.ok, consent.detail) && ok;

  const retained = retention(agreement, candidates, referral.createdAt, now);
  ok = rule('retention', retained.ok, retained.detail) && ok;
  const { kept } = retained;

  return ok ? { allowed: true, fields: kept, reasons } : { allowed: false, fields: [], reasons };
}

/** The failed rules of a decision, for the audit trail. */
export const failedRules = (d: Decision): Rule[] => d.reasons.filter((r) => !r.ok && r.rule !== 'owner').map((r) => r.rule);

/** The referral reduced to the given fields, in its representation (`authority`, `child.*`). */
export function project(referral: Pick<ReferralRecord, 'authority' | 'child'>, fields: readonly string[]): { authority?: AuthoritySlug; child: Record<string, unknown> } {
  const child: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.startsWith('child.')) {
      const k = f.slice('child.'.length);
      if (referral.child[k] !== undefined) child[k] = referral.child[k];
    }
  }
  return { ...(fields.includes('authority') ? { authority: referral.authority } : {}), child };
}

// ---------------------------------------------------------------- creating a referral

export interface Problem {
  path: string;
  message: string;
}

export interface NewReferral {
  agreementId: string;
  purpose: string;
  child: Readonly<Record<string, unknown>>;
  shareWith: readonly string[];
}

/**
 * Whether an authority may make this referral under this agreement: the agreement must exist, be
 * active and in date, name the purpose, disclose something to providers for it, have the caller
 * as a party in the authority role, have every provider in `shareWith` as a party in the provider
 * role (named in its file, or by an accession to this version in `register`), and cover every
 * data item the referral carries. Empty when it may (otherwise the edge answers 422 with these
 * problems).
 */
export function referralProblems(agreement: SharingAgreement | undefined, body: NewReferral, principal: Principal, now: Date, register: readonly Accession[] = []): Problem[] {
  if (!agreement) return [{ path: 'agreementId', message: `no sharing agreement ${body.agreementId} is on file` }];
  const problems: Problem[] = [];
  const name = `agreement ${agreement.id} v${agreement.version}`;
  if (agreement.status !== 'active') problems.push({ path: 'agreementId', message: `${name} is ${agreement.status}, not active` });
  const today = londonDate(now);
  if (!isInDate(agreement, today)) problems.push({ path: 'agreementId', message: `${name} is valid ${agreement.validFrom} to ${agreement.validTo ?? 'open-ended'}, not on ${today}` });

  const who = principalId(principal);
  const party = agreement.parties.find((p) => p.principal === who);
  if (!party || party.recipientRole !== 'authority') problems.push({ path: 'agreementId', message: `${who} is not a party to ${name} as an authority` });

  const purpose = agreement.purposes.find((p) => p.id === body.purpose);
  if (!purpose) problems.push({ path: 'purpose', message: `${name} does not name the purpose ${body.purpose}` });
  else if (!purpose.disclosures.some((d) => d.recipientRole === 'provider')) {
    problems.push({ path: 'purpose', message: `${name} shares nothing with providers for ${body.purpose}` });
  }

  body.shareWith.forEach((id, i) => {
    const p = partyOf(agreement, `provider:${id}`, register);
    if (!p || p.recipientRole !== 'provider') problems.push({ path: `shareWith.${i}`, message: `provider:${id} is not a party to ${name} (it joins by accession: POST /v1/providers/${id}/accession)` });
  });

  for (const f of presentFields({ child: body.child })) {
    if (!agreement.dataItems.some((d) => d.field === f)) problems.push({ path: f, message: `${name} does not cover the data item ${f}` });
  }
  return problems;
}

// ---------------------------------------------------------------- a reg 13(4) notice delivered to a host

/** The purpose of the regional agreement a delivered notice is disclosed under. */
export const HOST_NOTIFICATION_PURPOSE = 'host-authority-notification';

/**
 * May this host authority read the child's details in a reg 13(4) notice the hub delivered to it,
 * and which? Under the agreement in force: found, active and in date; naming the purpose
 * `host-authority-notification`; the host a party receiving as an authority; only the fields the
 * agreement lists for authorities under that purpose among `offered` (never childRef), and of
 * those only the ones still within their retention, counted from the delivery. The
 * notice's addressee is the caller by construction (the store reads only its own notices).
 */
export function decideNoticeDisclosure(agreement: SharingAgreement | undefined, agreementId: string, host: Principal, offered: readonly string[], deliveredAt: string, now: Date): Decision {
  const reasons: Reason[] = [];
  const rule = (r: Rule, ok: boolean, detail: string): boolean => {
    reasons.push({ rule: r, ok, detail });
    return ok;
  };
  const who = principalId(host);
  let ok = rule('recipient', host.kind === 'authority', host.kind === 'authority' ? `${who} is the host authority the notice is addressed to` : `${who} is not an authority`);
  const found = agreement !== undefined && agreement.id === agreementId;
  ok = rule('agreement', found, found ? `agreement ${agreement.id} v${agreement.version}` : `agreement ${agreementId} is not on file`) && ok;
  if (!found) return { allowed: false, fields: [], reasons };
  ok = rule('agreement-active', agreement.status === 'active', `agreement ${agreement.id} v${agreement.version} is ${agreement.status}`) && ok;
  const today = londonDate(now);
  const inDate = isInDate(agreement, today);
  ok = rule('agreement-in-date', inDate, `today ${today} is ${inDate ? 'within' : 'outside'} ${agreement.validFrom} to ${agreement.validTo ?? 'open-ended'}`) && ok;
  const purposeDef = agreement.purposes.find((p) => p.id === HOST_NOTIFICATION_PURPOSE);
  ok = rule('purpose', purposeDef !== undefined, `the agreement ${purposeDef ? 'names' : 'does not name'} the purpose ${HOST_NOTIFICATION_PURPOSE}`) && ok;
  const party = agreement.parties.find((p) => p.principal === who);
  ok = rule('party', party?.recipientRole === 'authority', party ? `${who} is a party (${party.role}) receiving as ${party.recipientRole}` : `${who} is not a party to the agreement`) && ok;
  const listed = purposeDef?.disclosures.find((d) => d.recipientRole === 'authority')?.fields ?? [];
  const fields = offered.filter((f) => listed.includes(f) && !NEVER_DISCLOSED.includes(f));
  ok = rule('role-fields', fields.length > 0, fields.length ? `the agreement lists for authority and ${HOST_NOTIFICATION_PURPOSE}: ${fields.join(', ')}` : `the agreement lists none of ${offered.join(', ')} for authority and ${HOST_NOTIFICATION_PURPOSE}`) && ok;
  const { kept, ...retained } = retention(agreement, fields, deliveredAt, now);
  ok = rule('retention', retained.ok, retained.detail) && ok;
  return ok ? { allowed: true, fields: kept, reasons } : { allowed: false, fields: [], reasons };
}

/** The regional agreement (sharing-agreements/commission-east-placements-isp.v*.json) delivered notices are disclosed under. */
export const REGIONAL_AGREEMENT_ID = 'commission-east-placements-isp';
