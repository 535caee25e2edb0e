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
}

export interface HandlerDef {
  readonly grants: readonly Grant[];
  /** Extra files the bundle needs at run time, copied beside it. */
  readonly assets?: readonly string[];
  readonly memoryMb?: number;
}
