import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { CLAIM_PRINCIPAL, CLAIM_ROLES } from '../domain/sign-in.ts';
import { parsePrincipal, personRolesOf, principalId } from '../domain/principal.ts';

/**
 * Cognito's pre-token-generation trigger (V2, the access token's claims): puts `hub:principal`
 * and `hub:roles` into a person's access token, as the local provider does. They come from the
 * user's custom attributes `custom:hub_principal` and `custom:hub_roles` (space-separated), set by
 * an administrator; for a person federated from an authority's Entra ID the organisation is the
 * identity provider's own (HUB_IDP_PRINCIPALS: `{"entra-essex":"authority:essex"}`), never an
 * attribute that IdP could send, and the roles are mapped from its `roles` claim. A person with no
 * known organisation gets no hub claims: the authorizer refuses their token (401).
 */
const idpPrincipals = JSON.parse(process.env.HUB_IDP_PRINCIPALS ?? '{}') as Record<string, string>;

export function hubClaims(attributes: Record<string, string>): Record<string, string> {
  const identities = (() => {
    try {
      return JSON.parse(attributes.identities ?? '[]') as { providerName?: string }[];
    } catch {
      return [];
    }
  })();
  const federated = identities[0]?.providerName;
  const claimed = federated !== undefined ? idpPrincipals[federated] : attributes['custom:hub_principal'];
  const principal = claimed ? parsePrincipal(claimed) : undefined;
  if (!principal) return {};
  const roles = personRolesOf(principal.kind, (attributes['custom:hub_roles'] ?? '').split(/[\s,]+/).filter(Boolean));
  // space-separated, as OAuth scopes are (the authorizer takes a string or an array)
  return { [CLAIM_PRINCIPAL]: principalId(principal), [CLAIM_ROLES]: roles.join(' ') };
}

export async function handler(event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2TriggerEvent> {
  const claims = hubClaims(event.request.userAttributes);
  event.response = {
    claimsAndScopeOverrideDetails: {
      accessTokenGeneration: { claimsToAddOrOverride: claims },
      idTokenGeneration: { claimsToAddOrOverride: claims },
    },
  };
  return event;
}
