import type { Party as FileParty, RecipientRole, SharingAgreement } from '../../schemas/sharing-agreement.ts';
import { conflict, unprocessable, type FieldError } from './errors.ts';
import { principalId, type By, type Principal } from './principal.ts';

type PartyRole = FileParty['role'];

/**
 * Providers joining a sharing agreement (CONTRACT.md "Organisations and people"), pure. A provider
 * accedes to one version of an agreement — its signatory, role and the time it signed — and from
 * the moment the accession is recorded it is a party to that version in the provider role, as if
 * the agreement file named it. The register (the store's accession records) is passed in to every
 * decision that asks who the parties are: `partyOf` is that one question, answered for the
 * disclosure decision, the `shareWith` rule of a new referral and the provider directory.
 */

export interface Signatory {
  name: string;
  role: string;
}

/** One entry of an agreement's accession register. Write-once: one per provider and agreement version. */
export interface Accession {
  agreementId: string;
  version: string;
  /** The provider id (as in `provider:<id>`). */
  provider: string;
  /** The provider's name as the hub knows it when it acceded. */
  providerName: string;
  signatory: Signatory;
  /** When the signatory signed (ISO time, UTC). */
  signedAt: string;
  /** When the hub recorded the accession: the provider is a party from then on. */
  recordedAt: string;
  by: By;
}

/** A party of an agreement: named in its file, or a provider by accession. */
export interface Party {
  principal: string;
  role: PartyRole;
  recipientRole: RecipientRole;
  /** Present when the party is one by accession (the time it was recorded). */
  accededAt?: string;
}

/** The role a provider holds by accession: a controller of what it receives, as the file's providers are. */
const ACCEDED_ROLE: PartyRole = 'controller';

/**
 * The party `who` (a principal id) is to this agreement version: the one its file names, else a
 * provider whose accession to exactly this version is in `register`. An accession to another
 * version (or another agreement) makes no party of this one.
 */
export function partyOf(agreement: Pick<SharingAgreement, 'id' | 'version' | 'parties'>, who: string, register: readonly Accession[] = []): Party | undefined {
  const named = agreement.parties.find((p) => p.principal === who);
  if (named) return { principal: named.principal, role: named.role, recipientRole: named.recipientRole };
  const acceded = register.find((a) => a.agreementId === agreement.id && a.version === agreement.version && `provider:${a.provider}` === who);
  return acceded ? { principal: who, role: ACCEDED_ROLE, recipientRole: 'provider', accededAt: acceded.recordedAt } : undefined;
}

/** How a decision's reasons describe a party. */
export const describeParty = (p: Party): string => `a party (${p.accededAt ? 'by accession' : p.role}) receiving as ${p.recipientRole}`;

/** Whether the agreement file itself names the provider (then no accession is needed, nor accepted). */
export const namedInFile = (agreement: Pick<SharingAgreement, 'parties'>, providerId: string): boolean =>
  agreement.parties.some((p) => p.principal === `provider:${providerId}`);

/** Clock skew tolerated on `signedAt`, as on consent records. */
export const SIGNED_AT_SKEW_MS = 5 * 60_000;

/** The body of `POST /v1/providers/{id}/accession` after validation. */
export interface AccessionInput {
  agreementId: string;
  version: string;
  signatory: Signatory;
  signedAt: string;
}

/**
 * The accession a provider makes, or why it may not: the agreement version must be on file
 * (`versions`: every version of the agreement) and open to signing — `active`, or a `draft`
 * signed ahead of coming into force, never `suspended` or `ended` (422); `signedAt` not more than
 * 5 minutes in the future (422); a provider the file names already is a party (409). A second
 * accession to the same version is the store's 409 (the register is write-once).
 */
export function admitAccession(
  versions: readonly Pick<SharingAgreement, 'id' | 'version' | 'status' | 'parties'>[],
  provider: Principal & { kind: 'provider' },
  providerName: string,
  input: AccessionInput,
  by: By,
  now: Date,
): Accession {
  const problems: FieldError[] = [];
  const agreement = versions.find((a) => a.id === input.agreementId && a.version === input.version);
  if (versions.length === 0) problems.push({ path: 'agreementId', message: `no sharing agreement ${input.agreementId} is on file` });
  else if (!agreement) problems.push({ path: 'version', message: `agreement ${input.agreementId} has no version ${input.version} on file (${versions.map((v) => v.version).join(', ')})` });
  else if (agreement.status !== 'active' && agreement.status !== 'draft') {
    problems.push({ path: 'version', message: `agreement ${input.agreementId} v${input.version} is ${agreement.status}: it takes no new parties` });
  }
  if (Date.parse(input.signedAt) > now.getTime() + SIGNED_AT_SKEW_MS) problems.push({ path: 'signedAt', message: 'more than 5 minutes in the future' });
  if (problems.length > 0) throw unprocessable('This accession cannot be recorded.', problems);
  if (namedInFile(agreement!, provider.id)) {
    throw conflict(`${principalId(provider)} is a party to ${input.agreementId} v${input.version} already: the agreement file names it.`);
  }
  return {
    agreementId: input.agreementId,
    version: input.version,
    provider: provider.id,
    providerName,
    signatory: { name: input.signatory.name, role: input.signatory.role },
    signedAt: new Date(input.signedAt).toISOString(),
    recordedAt: now.toISOString(),
    by,
  };
}

/** An accession as the register lists it. */
export const accessionView = (a: Accession) => ({
  agreementId: a.agreementId,
  version: a.version,
  provider: { id: a.provider, name: a.providerName },
  signatory: a.signatory,
  signedAt: a.signedAt,
  recordedAt: a.recordedAt,
  by: a.by,
});
