import type { z } from 'zod/mini';
import type { Accession } from '../domain/accession.ts';
import { auditRecord, type AuditAction } from '../domain/audit.ts';
import { notFound } from '../domain/errors.ts';
import { principalId, type Principal } from '../domain/principal.ts';
import * as rules from '../domain/referrals.ts';
import { accessionsFor, accessionsOfCaller } from '../store/accessions.ts';
import { agreementInForce, agreementsInForce, loadAgreements } from '../store/agreements.ts';
import { writeAuditEntries, writeAuditEntry } from '../store/audit.ts';
import { getHome } from '../store/homes.ts';
import * as store from '../store/referrals.ts';
import type { ConsentChange, CreateReferral, ProviderResponseBody } from '../../schemas/referrals.ts';
import type { SharingAgreement } from '../../schemas/sharing-agreement.ts';
import type { AuthorityCaller, Caller, ProviderCaller } from './caller.ts';

/**
 * Consent-governed sharing (CONTRACT.md), as the API and the console both do it: referrals,
 * consent changes, providers' responses and the audit trail. Every access by anyone but the owner
 * is decided once (functions/domain/referrals.ts) and writes one audit entry
 * (functions/domain/audit.ts) before anything is answered; denied is 404.
 */

/** The decision on an access, with the accessions of the caller the store found (`register`: a provider's own, else none). */
export const decide = (r: store.ReferralItem, p: Principal, now: Date, register: readonly Accession[] = []) =>
  rules.decideAccess(agreementInForce(r.agreementId), r, p, now, register);
/** The decision with the caller's accessions to the referral's agreement in force (what its provider-party rule reads). */
export const decideWithRegister = async (r: store.ReferralItem, p: Principal, now: Date) =>
  decide(r, p, now, await accessionsOfCaller(p, [agreementInForce(r.agreementId)]));
/** The one audit entry of an access by the caller (`disclosed`: [] when the act discloses nothing more). */
export const audited = (a: rules.Decided, action: AuditAction, c: Caller, disclosed?: string[]) =>
  auditRecord({ ...a, action, requestId: c.requestId, person: c.person, disclosed });

/** The agreements in force that the caller is a party to, with their purposes (a referral form's choices). */
export function agreementsFor(p: Principal): SharingAgreement[] {
  const ids = [...new Set(loadAgreements().map((a) => a.id))];
  return ids
    .map((id) => agreementInForce(id))
    .filter((a): a is SharingAgreement => !!a && a.status === 'active' && a.parties.some((party) => party.principal === principalId(p)));
}

/** POST /v1/referrals: admitted under its agreement (422 naming each rule broken), then written. */
export async function createReferral(c: AuthorityCaller, body: z.output<typeof CreateReferral>): Promise<{ id: string }> {
  const now = new Date();
  const agreement = agreementInForce(body.agreementId);
  const admitted = rules.admitReferral(agreement, body, c.principal, now, await accessionsFor([agreement], body.shareWith));
  const { id } = await store.createReferral(c.principal, { ...body, by: c.by }, admitted, now);
  return { id };
}

/** A provider's page of the referrals shared with it and readable now, each decided and its listing audited. */
export async function sharedPage(c: ProviderCaller, limit: number, cursor: string | undefined) {
  const now = new Date();
  const register = await accessionsOfCaller(c.principal, agreementsInForce());
  const page = await store.sharedReferralsPage(c.principal, limit, cursor, (r) => rules.ifAllowed(decide(r, c.principal, now, register)));
  await writeAuditEntries(page.items.map((a) => audited(a, 'list', c)));
  return page;
}

/** What a listed referral shows the provider it is shared with: the fields its decision allows. */
export const sharedViewOf = (a: rules.Decided<store.ReferralItem>) => rules.sharedView(a.referral, a.decision.fields);

/** GET /v1/referrals as an authority: its own, each in the owner's view. */
export async function ownReferrals(c: AuthorityCaller, limit: number, cursor: string | undefined) {
  const now = new Date();
  const page = await store.ownReferralsPage(c.principal, limit, cursor);
  return { ...page, items: page.items.map((r) => rules.ownerView(r, decide(r, c.principal, now).decision.fields)) };
}

/** GET /v1/referrals: an authority's own; a provider's what is shared with it, each as its single read would show it. */
export async function listReferrals(c: Caller<Extract<Principal, { kind: 'authority' | 'provider' }>>, limit: number, cursor: string | undefined) {
  if (c.principal.kind === 'authority') return ownReferrals(c as AuthorityCaller, limit, cursor);
  const page = await sharedPage(c as ProviderCaller, limit, cursor);
  return { ...page, items: page.items.map(sharedViewOf) };
}

/** GET /v1/referrals/{id}: the owner's view; anyone else's read is audited, and shown only what its decision allows (denied 404). */
export async function readReferral(c: Caller, id: string) {
  const { referral, responses } = await store.referralWithResponses(id);
  const a = await decideWithRegister(referral, c.principal, new Date());
  if (a.owner) return { owner: true, referral, view: rules.ownerView(referral, a.decision.fields, responses) };
  await writeAuditEntry(audited(a, 'read', c));
  return { owner: false, referral, view: rules.sharedView(referral, rules.allowedFields(a)) };
}

/** The owner's read (the officer's pages): anyone else's is audited as GET /v1/referrals/{id} audits it, and 404. */
export async function ownReferral(c: AuthorityCaller, id: string) {
  const read = await readReferral(c, id);
  if (!read.owner) throw notFound();
  return read;
}

/** POST /v1/referrals/{id}/consent: recorded (never ahead of now), answered with the owner's view. */
export async function recordConsent(c: AuthorityCaller, id: string, { status, recordedAt, by: recorder }: z.output<typeof ConsentChange>) {
  const now = new Date();
  rules.refuseFutureConsent(recordedAt, now, 'recordedAt');
  await store.recordConsent(c.principal, id, { status, recordedAt, by: recorder ?? principalId(c.principal) }, now, c.by);
  const { referral, responses } = await store.referralWithResponses(id);
  return rules.ownerView(referral, decide(referral, c.principal, now).decision.fields, responses);
}

/** POST /v1/referrals/{id}/responses: a provider's response, audited as an act that discloses nothing more; `replaced` when it had one. */
export async function respond(c: ProviderCaller, id: string, body: z.output<typeof ProviderResponseBody>) {
  const now = new Date();
  const referral = await store.requireReferral(id);
  const a = await decideWithRegister(referral, c.principal, now);
  await writeAuditEntry(audited(a, 'respond', c, []));
  const fields = rules.allowedFields(a);
  rules.requireOpenReferral(a.referral);
  if (body.homeUrn !== undefined) rules.refuseOfferedHome(c.principal, a.referral.child, await getHome(body.homeUrn), fields);
  const item = rules.responseRecord(a.referral.id, c.principal, body, now, c.by);
  const { replaced } = await store.putResponse(c.principal, item, rules.responseExpiry(a.agreement, a.referral.ttl, now));
  return { response: item, replaced };
}
