import { partyOf } from '../domain/accession.ts';
import { REGIONAL_AGREEMENT_ID } from '../domain/disclosure.ts';
import { parsePrincipal } from '../domain/principal.ts';
import { accessionsFor } from '../store/accessions.ts';
import { agreementInForce } from '../store/agreements.ts';
import { principalIsKnown } from '../store/api-keys.ts';
import { providerName } from '../store/providers.ts';
import { createKeyCommand, type ApiGateway } from './keys.ts';

/**
 * `hub providers invite --provider <id>` (the programme office, at a terminal): a key for a
 * provider the hub knows — from the Ofsted import, the demo, or homes it posted, as
 * `GET /v1/providers` lists them — with what the provider needs to hear with it: whether it is a
 * party to the regional sharing agreement yet, and how it accedes if not. A provider the hub does
 * not know is refused before anything is written.
 */
export interface Invitation {
  provider: string;
  name: string;
  party: boolean;
  agreement?: { id: string; version: string };
  key: string;
  id: string;
}

export async function inviteProvider(providerId: string, opts: { aws: boolean; apigw?: ApiGateway }): Promise<Invitation> {
  const principal = parsePrincipal(`provider:${providerId}`);
  if (!principal || principal.kind !== 'provider') throw new Error(`--provider: not a provider id: "${providerId}" (lower-case letters, digits and hyphens, as GET /v1/providers lists them)`);
  if (!(await principalIsKnown(principal))) {
    throw new Error(`the hub does not know provider ${providerId}: GET /v1/providers lists the providers it knows (from the Ofsted import or homes they posted)`);
  }
  const agreement = agreementInForce(REGIONAL_AGREEMENT_ID);
  const [name, register] = await Promise.all([providerName(providerId), accessionsFor([agreement], [providerId])]);
  const party = agreement !== undefined && partyOf(agreement, `provider:${providerId}`, register)?.recipientRole === 'provider';
  const { key, id } = await createKeyCommand(`provider:${providerId}`, opts);
  return { provider: providerId, name, party, ...(agreement ? { agreement: { id: agreement.id, version: agreement.version } } : {}), key, id };
}

/** What `hub providers invite` prints. */
export function invitationText(i: Invitation): string {
  const joining = i.party
    ? `party    yes: a party to ${i.agreement!.id} v${i.agreement!.version}`
    : i.agreement
      ? `party    not yet: to receive referrals it accedes with POST /v1/providers/${i.provider}/accession {"agreementId":"${i.agreement.id}","version":"${i.agreement.version}","signatory":{"name":…,"role":…},"signedAt":…}`
      : 'party    no regional agreement is on file';
  return `provider ${i.provider} (${i.name})\n${joining}\nkey      ${i.key}\nid       ${i.id}\n`;
}
