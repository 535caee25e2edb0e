import type { By, PersonRole, Principal } from '../domain/principal.ts';

/**
 * Who calls an operation of the application layer (functions/app/): the organisation, who acts for
 * it and the request. The API's edge fills it from the verified key or token (a HubRequest is
 * one); the console from its session. One type for both, so an operation cannot tell them apart.
 */
export interface Caller<P extends Principal = Principal> {
  principal: P;
  /** Who is acting, as recorded on every record a write changes (the organisation, and the person). */
  by: By;
  /** The signed-in person (the token's `sub`), named in audit entries; undefined for an API key. */
  person?: string | undefined;
  /** The person's roles within the principal; undefined for an API key. */
  roles?: readonly PersonRole[] | undefined;
  /** The request the audit entries name. */
  requestId: string;
}

export type AuthorityCaller = Caller<Extract<Principal, { kind: 'authority' }>>;
export type ProviderCaller = Caller<Extract<Principal, { kind: 'provider' }>>;
export type OfficeCaller = Caller<Extract<Principal, { kind: 'programme-office' }>>;

/** A page of views, as every list answers: `nextCursor` only when there is more. */
export const pageOf = <T, V>(page: { items: readonly T[]; nextCursor?: string | undefined }, view: (t: T) => V) =>
  ({ items: page.items.map(view), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
