import { AUTHORITY_SLUGS, type AuthoritySlug } from './reference/authorities.ts';

/**
 * Who is calling. One principal per API key; the tenant is the principal. Nothing a caller
 * sends in a header, path or body can change it.
 */
export type Principal =
  | { readonly kind: 'authority'; readonly id: AuthoritySlug }
  | { readonly kind: 'provider'; readonly id: string }
  | { readonly kind: 'programme-office' };

export type Role = Principal['kind'];
export const ROLES: readonly Role[] = ['authority', 'provider', 'programme-office'];

/**
 * A signed-in person's roles (CONTRACT "Organisations and people"), by the kind of organisation
 * they belong to. API keys name no person and carry no person roles: a system acts for its
 * organisation.
 */
export const PERSON_ROLES = {
  authority: ['placement-officer', 'nominated-officer', 'director-of-childrens-services'],
  provider: ['provider-staff'],
  'programme-office': ['programme-officer'],
} as const satisfies Record<Role, readonly string[]>;
export type PersonRole = (typeof PERSON_ROLES)[Role][number];

/** The person roles a principal of this kind may hold; anything else in a token is ignored. */
export function personRolesOf(kind: Role, claimed: readonly string[]): PersonRole[] {
  const allowed: readonly string[] = PERSON_ROLES[kind];
  return [...new Set(claimed.filter((r) => allowed.includes(r)))] as PersonRole[];
}

/** Who made a change, recorded on the record it changed: the organisation, and the person where one acted. */
export interface By {
  principal: string;
  person?: string;
}

export function byOf(principal: Principal, person?: string): By {
  return person ? { principal: principalId(principal), person } : { principal: principalId(principal) };
}

const PROVIDER_ID = /^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/;

/** `authority:essex`, `provider:<id>` or `programme-office`; undefined when malformed. */
export function parsePrincipal(text: string): Principal | undefined {
  if (text === 'programme-office') return { kind: 'programme-office' };
  const [kind, id, ...rest] = text.split(':');
  if (rest.length > 0 || id === undefined) return undefined;
  if (kind === 'authority' && (AUTHORITY_SLUGS as readonly string[]).includes(id)) {
    return { kind: 'authority', id: id as AuthoritySlug };
  }
  if (kind === 'provider' && PROVIDER_ID.test(id)) return { kind: 'provider', id };
  return undefined;
}

/** The usage plan a principal's calls are throttled by (infra/stack.ts names them): its keys', and its people's. */
export function usagePlanName(p: Principal): string {
  if (p.kind === 'authority') return `hub-authority-${p.id}`;
  return p.kind === 'provider' ? 'hub-providers' : 'hub-programme-office';
}

export function principalId(p: Principal): string {
  return p.kind === 'programme-office' ? 'programme-office' : `${p.kind}:${p.id}`;
}

/** A provider id derived from an organisation's name: `Acme Care Ltd` → `acme-care`. */
export function providerIdFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/\b(limited|ltd|llp|plc|cic|c\.i\.c)\b\.?/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
  return slug || 'unnamed';
}
