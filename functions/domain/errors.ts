/**
 * The one error type of the hub. Domain rules, the store and the edge raise a `HubError` with a
 * `code`; functions/http/edge.ts maps the code to its HTTP status and RFC 9457 problem+json in
 * exactly one place (`PROBLEM_STATUS`). Anything else becomes a 500 whose body says nothing about
 * the cause. Pure: no HTTP, no AWS.
 */
export interface FieldError {
  path: string;
  message: string;
}

export type ErrorCode =
  | 'invalid'                 // the input breaks its schema or a format rule (400)
  | 'unauthenticated'         // no valid credential (401)
  | 'forbidden'               // a valid credential without the right (403)
  | 'not-found'               // no such resource, or one the caller may not see (404)
  | 'method-not-allowed'      // (405)
  | 'conflict'                // the state does not allow it now (409)
  | 'stale'                   // If-Match names an older version (412)
  | 'too-large'               // body over the limit (413)
  | 'unsupported-media-type'  // (415)
  | 'unprocessable'           // well-formed but breaks a rule (422)
  | 'precondition-required'   // (428)
  | 'header-too-large';       // request head too large (431)

export class HubError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    // an answer to the caller (4xx problem+json), not a fault: no stack is captured (a capture
    // costs ~25 µs, and under contention every loser of a pooled bed is answered with one)
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(detail ?? code);
    Error.stackTraceLimit = limit;
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) => new HubError('invalid', detail, errors);
export const unauthorized = (detail = 'A valid x-api-key header is required.') => new HubError('unauthenticated', detail);
export const forbidden = (detail = 'This key may not use this route.') => new HubError('forbidden', detail);
export const notFound = (detail = 'No such resource.') => new HubError('not-found', detail);
export const conflict = (detail: string, errors?: FieldError[]) => new HubError('conflict', detail, errors);
export const preconditionFailed = (detail: string) => new HubError('stale', detail);
export const unprocessable = (detail: string, errors?: FieldError[]) => new HubError('unprocessable', detail, errors);
export const payloadTooLarge = (limit: number) => new HubError('too-large', `The body is over ${limit} bytes.`);
export const unsupportedMediaType = (detail: string) => new HubError('unsupported-media-type', detail);

/** A list's cursor that the hub did not issue for this caller and list (400 naming `cursor`). */
export const badCursor = () => badRequest('The query is not valid.', [{ path: 'cursor', message: 'not a cursor this list issued' }]);
