import { describe, expect, it, vi } from 'vitest';
import { bearerToken } from '../../functions/http/bearer.ts';

/**
 * The claims a person's Cognito access token carries (functions/triggers/pre-token.ts) and the
 * Authorization header the authorizer takes (functions/http/bearer.ts), pure.
 */
vi.stubEnv('HUB_IDP_PRINCIPALS', JSON.stringify({ 'entra-essex': 'authority:essex' }));
const { hubClaims } = await import('../../functions/triggers/pre-token.ts');

describe('pre-token-generation: hub:principal and hub:roles', () => {
  it('from the custom attributes an administrator set, keeping only roles of that kind of organisation', () => {
    expect(hubClaims({ 'custom:hub_principal': 'authority:suffolk', 'custom:hub_roles': 'placement-officer provider-staff,director-of-childrens-services' }))
      .toEqual({ 'hub:principal': 'authority:suffolk', 'hub:roles': 'placement-officer director-of-childrens-services' });
  });

  it('a person federated from an authority\'s Entra ID belongs to that authority whatever attribute arrives', () => {
    const identities = JSON.stringify([{ providerName: 'entra-essex', providerType: 'OIDC' }]);
    expect(hubClaims({ identities, 'custom:hub_principal': 'programme-office', 'custom:hub_roles': 'nominated-officer' }))
      .toEqual({ 'hub:principal': 'authority:essex', 'hub:roles': 'nominated-officer' });
    // an IdP the stack did not name gives no organisation: no hub claims, so the authorizer refuses the token
    expect(hubClaims({ identities: JSON.stringify([{ providerName: 'entra-elsewhere' }]), 'custom:hub_principal': 'authority:essex' })).toEqual({});
  });

  it('no or a malformed organisation: no hub claims', () => {
    expect(hubClaims({})).toEqual({});
    expect(hubClaims({ 'custom:hub_principal': 'authority:atlantis' })).toEqual({});
  });
});

describe('the Authorization header', () => {
  it('takes one Bearer JWT (any case of the scheme) and nothing else', () => {
    expect(bearerToken('Bearer aaa.bbb.ccc')).toBe('aaa.bbb.ccc');
    expect(bearerToken('bearer aaa.bbb.')).toBe('aaa.bbb.');
    for (const h of [undefined, '', 'Basic aaa.bbb.ccc', 'Bearer', 'Bearer aaa.bbb', 'Bearer aaa.bbb.ccc extra', 'Bearer a b.c.d', 'ApiKey ceh_x']) {
      expect(bearerToken(h), String(h)).toBeUndefined();
    }
  });
});
