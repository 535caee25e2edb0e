import type { z } from 'zod';
import type { Role } from '../domain/principal.ts';

/** The shape of the route table's entries (functions/routes/index.ts). */
export type Access = 'public' | readonly Role[];

/** What a handler's Lambda may touch, granted by the stack and nothing more. */
export type Grant = 'table:read' | 'table:write' | 'bucket:read' | 'bucket:write';

export interface RouteDef {
  readonly handler: string;
  readonly access: Access;
  readonly summary: string;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** Accept `text/csv` bodies too (passed to the handler as the raw string). */
  readonly csv?: boolean;
  readonly response?: z.ZodType;
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
  readonly body?: z.ZodType;
  /** The `text/csv` body of a route with `csv`, with an example. */
  readonly csv?: { readonly description: string; readonly example: string };
  /** Success bodies that are not JSON of `response`: media type → schema (e.g. a download in its own format). */
  readonly content?: Readonly<Record<string, z.ZodType>>;
  /** Headers the success answer carries (the handler sets them). */
  readonly headers?: readonly SuccessHeader[];
}

export interface HandlerDef {
  readonly grants: readonly Grant[];
  /** Extra files the bundle needs at run time, copied beside it. */
  readonly assets?: readonly string[];
  readonly memoryMb?: number;
}
