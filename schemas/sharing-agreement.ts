import * as z from 'zod/mini';
import { meta } from './meta.ts';
import { IsoDate, Principal } from './common.ts';

/**
 * An information sharing protocol (ISP) as data, carrying what the ICO data sharing code of
 * practice expects of a data sharing agreement: the parties and their roles, the purposes, the
 * lawful basis and legal power for each, the data items (field-level, with special-category flags
 * and retention), who may receive which items for which purpose, transparency, accuracy,
 * security and breach arrangements, individuals' rights, DPIA, review, validity, termination and
 * signatories. One file per agreement version in `sharing-agreements/`, named
 * `<id>.v<version>.json`, validated at test time and when the hub loads it.
 */

export const AgreementStatus = z.enum(['draft', 'active', 'suspended', 'ended']);
export const PartyRole = z.enum(['controller', 'joint-controller', 'processor']);
/** Roles a recipient may hold in a disclosure; field rules are written per recipient role. */
export const RecipientRole = z.enum(['authority', 'provider', 'programme-office']);

export const Article6 = z.enum(['6(1)(a)', '6(1)(b)', '6(1)(c)', '6(1)(d)', '6(1)(e)', '6(1)(f)']);
export const Article9 = z.enum([
  '9(2)(a)', '9(2)(b)', '9(2)(c)', '9(2)(d)', '9(2)(e)', '9(2)(f)', '9(2)(g)', '9(2)(h)', '9(2)(i)', '9(2)(j)',
]);
/**
 * A DPA 2018 Schedule 1 condition, e.g. `part2-para18` (safeguarding of children and individuals
 * at risk). Part 1 has paragraphs 1–4, Part 2 paragraphs 5–28, Part 3 paragraphs 29–37.
 */
export const Schedule1Condition = z.string().check(z.maxLength(12),
  // abort: zod would otherwise run the paragraph check below on a string the pattern refused
  z.regex(/^part[1-3]-para\d{1,2}$/, { error: 'part<N>-para<M>, e.g. part2-para18', abort: true }), z.refine((s) => {
    const [, part, para] = /^part(\d)-para(\d+)$/.exec(s)!;
    const n = Number(para);
    return part === '1' ? n >= 1 && n <= 4 : part === '2' ? n >= 5 && n <= 28 : n >= 29 && n <= 37;
  }, 'no such paragraph in that part of DPA 2018 Schedule 1 (Part 1: 1-4, Part 2: 5-28, Part 3: 29-37)'));

/** Articles 9(2)(b), (h), (i) and (j) rest on a Schedule 1 Part 1 condition; 9(2)(g) on a Part 2 condition. */
const SCHEDULE1_PART_FOR: Partial<Record<z.infer<typeof Article9>, string>> = {
  '9(2)(b)': 'part1',
  '9(2)(h)': 'part1',
  '9(2)(i)': 'part1',
  '9(2)(j)': 'part1',
  '9(2)(g)': 'part2',
};

const Text = z.string().check(z.trim(), z.minLength(1));
/**
 * Bounds on what GET /v1/sharing-agreements shows of an agreement (its summary): the files are
 * validated against them, so the OpenAPI document's limits hold.
 */
export const AGREEMENT_LIMITS = { id: 64, version: 20, title: 200, name: 200, description: 2000, parties: 200, purposes: 20, files: 100 } as const;
export const AgreementId = z.string().check(z.maxLength(AGREEMENT_LIMITS.id), z.regex(/^[a-z0-9][a-z0-9-]*$/));
export const AgreementVersion = z.string().check(z.maxLength(AGREEMENT_LIMITS.version), z.regex(/^\d+\.\d+(\.\d+)?$/));
/** A dotted path into the hub's representation of the shared record, e.g. `child.needs`, `authority`. */
export const FieldPath = z.string().check(z.regex(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)*$/, 'a dotted field path such as child.needs'));
export const PurposeId = z.string().check(z.maxLength(64), z.regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and hyphens, e.g. placement-matching'));

export const LawfulBasis = z.strictObject({
    article6: Article6,
    article9: z.optional(Article9),
    schedule1Condition: z.optional(Schedule1Condition),
    explanation: Text,
  }).check(z.superRefine((b, ctx) => {
    const part = b.article9 ? SCHEDULE1_PART_FOR[b.article9] : undefined;
    if (b.article9 === '9(2)(g)' && b.schedule1Condition === undefined) {
      ctx.addIssue({ code: 'custom', message: 'article 9(2)(g) needs a DPA 2018 Schedule 1 condition', path: ['schedule1Condition'] });
    }
    if (b.schedule1Condition !== undefined) {
      if (b.article9 === undefined) {
        ctx.addIssue({ code: 'custom', message: 'a Schedule 1 condition only applies with an article 9 condition', path: ['schedule1Condition'] });
      } else if (part === undefined || !b.schedule1Condition.startsWith(`${part}-`)) {
        ctx.addIssue({
          code: 'custom',
          message: part ? `article ${b.article9} rests on a Schedule 1 ${part.replace('part', 'Part ')} condition` : `article ${b.article9} needs no Schedule 1 condition`,
          path: ['schedule1Condition'],
        });
      }
    }
  }));

export const Retention = z.strictObject({ days: z.number().check(z.int(), z.positive()), rationale: Text });

export const DataItem = z.strictObject({
  field: meta(FieldPath, { description: 'the field path as the hub names it, e.g. child.needs' }),
  description: Text,
  specialCategory: z.boolean(),
  retention: Retention,
});

export const Disclosure = z.strictObject({ recipientRole: RecipientRole, fields: z.array(FieldPath).check(z.minLength(1)) });

export const Purpose = z.strictObject({
  id: PurposeId,
  description: Text.check(z.maxLength(AGREEMENT_LIMITS.description)),
  /** The legal power each public-body party relies on to share (the ICO code's "legal power"). */
  legalPowers: z.array(Text).check(z.minLength(1)),
  lawfulBasis: LawfulBasis,
  /** Field-level: which data items each recipient role may receive for this purpose. */
  disclosures: z.array(Disclosure).check(z.minLength(1)),
});

export const Party = z.strictObject({
  principal: Principal,
  name: Text.check(z.maxLength(AGREEMENT_LIMITS.name)),
  role: PartyRole,
  recipientRole: RecipientRole,
  /** The party's single point of contact for data protection matters under this agreement. */
  contact: z.strictObject({ role: Text, email: z.email() }),
});

export const SharingAgreement = meta(z.strictObject({
    id: AgreementId,
    version: AgreementVersion,
    title: Text.check(z.maxLength(AGREEMENT_LIMITS.title)),
    status: AgreementStatus,
    summary: Text,
    parties: z.array(Party).check(z.minLength(2), z.maxLength(AGREEMENT_LIMITS.parties)),
    /** UK GDPR Art 26: the essence of the joint controllers' arrangement (required when there are joint controllers). */
    jointControllerArrangement: z.optional(Text),
    /** UK GDPR Art 28: the contract binding any processor (required when there is a processor). */
    processorContract: z.optional(Text),
    purposes: z.array(Purpose).check(z.minLength(1), z.maxLength(AGREEMENT_LIMITS.purposes)),
    dataItems: z.array(DataItem).check(z.minLength(1)),
    /** How the parties keep shared data accurate and correct it everywhere it went. */
    dataQuality: Text,
    /** Privacy information: how the children and families are told about this sharing. */
    transparency: Text,
    rightsOfIndividuals: Text,
    security: z.strictObject({ measures: z.array(Text).check(z.minLength(1)), breachNotification: Text, breachContact: z.email() }),
    /** The record of every disclosure, kept this long (write-once entries, expired by TTL). */
    audit: z.strictObject({ retention: Retention }),
    internationalTransfers: Text,
    dpia: z.strictObject({ reference: Text, completedOn: IsoDate, outcome: Text }),
    /** What happens to shared data when a party leaves or the agreement ends. */
    termination: Text,
    /** Review, complaints, disputes between the parties and sanctions for breaking the agreement. */
    governance: Text,
    reviewDate: IsoDate,
    validFrom: IsoDate,
    validTo: z.optional(IsoDate),
    signatories: z.array(z.strictObject({ party: Principal, name: Text, role: Text, signedOn: IsoDate })).check(z.minLength(1)),
  }).check(z.superRefine((a, ctx) => {
    const issue = (message: string, path: (string | number)[]) => ctx.addIssue({ code: 'custom', message, path });

    const items = new Map<string, z.infer<typeof DataItem>>();
    a.dataItems.forEach((d, i) => {
      if (items.has(d.field)) issue(`data item "${d.field}" is listed twice`, ['dataItems', i, 'field']);
      items.set(d.field, d);
    });

    const principals = new Set<string>();
    a.parties.forEach((p, i) => {
      if (principals.has(p.principal)) issue(`party ${p.principal} is listed twice`, ['parties', i, 'principal']);
      principals.add(p.principal);
      const kind = p.principal === 'programme-office' ? 'programme-office' : p.principal.split(':')[0];
      if (kind !== p.recipientRole) issue(`a ${kind} party receives in the ${kind} role, not ${p.recipientRole}`, ['parties', i, 'recipientRole']);
    });
    if (a.parties.some((p) => p.role === 'joint-controller') && a.jointControllerArrangement === undefined) {
      issue('joint controllers need their arrangement (UK GDPR Art 26)', ['jointControllerArrangement']);
    }
    if (a.parties.some((p) => p.role === 'processor') && a.processorContract === undefined) {
      issue('a processor needs a contract (UK GDPR Art 28)', ['processorContract']);
    }

    const purposeIds = new Set<string>();
    a.purposes.forEach((p, i) => {
      if (purposeIds.has(p.id)) issue(`purpose "${p.id}" is listed twice`, ['purposes', i, 'id']);
      purposeIds.add(p.id);
      const roles = new Set<string>();
      p.disclosures.forEach((d, j) => {
        if (roles.has(d.recipientRole)) issue(`recipient role ${d.recipientRole} has two disclosures for "${p.id}"`, ['purposes', i, 'disclosures', j, 'recipientRole']);
        roles.add(d.recipientRole);
        if (!a.parties.some((party) => party.recipientRole === d.recipientRole)) {
          issue(`no party receives in the ${d.recipientRole} role`, ['purposes', i, 'disclosures', j, 'recipientRole']);
        }
        d.fields.forEach((f, k) => {
          const item = items.get(f);
          if (!item) issue(`field "${f}" is not listed in dataItems`, ['purposes', i, 'disclosures', j, 'fields', k]);
          else if (item.specialCategory && p.lawfulBasis.article9 === undefined) {
            issue(`field "${f}" is special category data: purpose "${p.id}" needs an article 9 condition`, ['purposes', i, 'lawfulBasis', 'article9']);
          }
        });
      });
    });

    const longest = Math.max(...a.dataItems.map((d) => d.retention.days));
    if (a.audit.retention.days < longest) {
      issue(`the audit trail must outlive the data it records (${longest} days)`, ['audit', 'retention', 'days']);
    }

    const signed = new Set(a.signatories.map((s) => s.party));
    a.signatories.forEach((s, i) => {
      if (!principals.has(s.party)) issue(`signatory's party ${s.party} is not a party`, ['signatories', i, 'party']);
    });
    a.parties.forEach((p, i) => {
      if (a.status !== 'draft' && !signed.has(p.principal)) issue(`party ${p.principal} has not signed`, ['parties', i, 'principal']);
    });

    if (a.validTo !== undefined && a.validTo < a.validFrom) issue('validTo is before validFrom', ['validTo']);
    if (a.reviewDate < a.validFrom) issue('reviewDate is before validFrom', ['reviewDate']);
  })), { id: 'SharingAgreement' });

export type SharingAgreement = z.infer<typeof SharingAgreement>;
export type Party = z.infer<typeof Party>;
export type Purpose = z.infer<typeof Purpose>;
export type DataItem = z.infer<typeof DataItem>;
export type RecipientRole = z.infer<typeof RecipientRole>;
export type Article6 = z.infer<typeof Article6>;
export type Article9 = z.infer<typeof Article9>;
