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
