import type { z } from 'zod/mini';
import type { PersonRole, Role } from '../domain/principal.ts';

/** The shape of the route table's entries (functions/routes/index.ts). */
export type Access = 'public' | readonly Role[];

/**
 * Who among people does a child's case work: the writes that move a referral, offer, placement
 * or pool request on — an authority's placement officers, a provider's staff, the programme
 * office's officers. Nominated officers and directors read, and approve (APPROVERS).
 */
export const CASEWORK = ['placement-officer', 'provider-staff', 'programme-officer'] as const satisfies readonly PersonRole[];
/** Who may approve a placement under reg 11 (the domain checks they hold the role they approve as). */
export const APPROVERS = ['nominated-officer', 'director-of-childrens-services'] as const satisfies readonly PersonRole[];

/** What a handler's Lambda may touch, granted by the stack and nothing more. */
export type Grant = 'table:read' | 'table:write' | 'bucket:read' | 'bucket:write';

export interface RouteDef {
  readonly handler: string;
  readonly access: Access;
  /**
   * The person roles (CONTRACT "Organisations and people") a signed-in person needs for this
   * route, one of them at least; API keys (systems) are not affected. Without it any person of an
   * admitted principal may call, as long as they hold some role of their organisation. The edge
   * enforces it (403); handlers never check roles.
   */
  readonly personRoles?: readonly PersonRole[];
  readonly summary: string;
  readonly params?: z.ZodMiniObject;
  readonly query?: z.ZodMiniObject;
  readonly body?: z.ZodMiniType;
  /** Accept `text/csv` bodies too (passed to the handler as the raw string). */
  readonly csv?: boolean;
  readonly response?: z.ZodMiniType;
  /** HTTP status of success. */
  readonly status?: number;
  /** A creating POST: honours `Idempotency-Key`. */
  readonly idempotent?: boolean;
  /**
   * Extra statuses this route documents besides 400/401/403/404/413/415/429/500: a 2xx here is
   * another success with the same body (e.g. 201 when a PUT creates), anything else a problem.
   */
  readonly statuses?: readonly number[];
  /** What the OpenAPI document says beyond the schemas above (documentation only: nothing here changes what the edge does). */
  readonly doc?: RouteDoc;
}

/** A response header a route's success answer carries, besides `x-request-id` (always) and `idempotent-replayed`. */
export type SuccessHeader = 'ETag' | 'Location' | 'Content-Disposition';

/** Documentation of a route for functions/http/openapi.ts; test/integration/openapi-*.test.ts hold it to the hub. */
export interface RouteDoc {
  /** An example JSON body: valid against `body` (and `doc.body`) and accepted by the hub. */
  readonly example?: unknown;
  /**
   * The JSON body as a client should send it, where the edge parses more loosely because the
   * handler judges parts itself (spend lines are validated one by one, the bad ones reported).
   */
  readonly body?: z.ZodMiniType;
  /** The `text/csv` body of a route with `csv`, with an example. */
  readonly csv?: { readonly description: string; readonly example: string };
  /** Success bodies that are not JSON of `response`: media type → schema (e.g. a download in its own format). */
  readonly content?: Readonly<Record<string, z.ZodMiniType>>;
  /** Headers the success answer carries (the handler sets them). */
  readonly headers?: readonly SuccessHeader[];
}

export interface HandlerDef {
  readonly grants: readonly Grant[];
  /** Extra files the bundle needs at run time, copied beside it. */
  readonly assets?: readonly string[];
  readonly memoryMb?: number;
}
