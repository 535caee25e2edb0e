/**
 * Typed HTTP errors. Domain and store code throw these (or domain errors mapped to them);
 * functions/http/edge.ts turns them into RFC 9457 problem+json in exactly one place.
 * Anything else becomes a 500 whose body says nothing about the cause.
 */
export interface FieldError {
  path: string;
  message: string;
}

/** What a problem+json body carries at most (edge.ts `problem()` enforces it; the OpenAPI Problem schema states it). */
export const PROBLEM_LIMITS = { errors: 100, path: 300, message: 500, detail: 2000 } as const;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  428: 'Precondition required',
  500: 'Internal server error',
};

export const problemTitle = (status: number): string => TITLES[status] ?? 'Error';

export const badRequest = (detail: string, errors?: FieldError[]) => new HttpError(400, TITLES[400]!, detail, errors);
export const unauthorized = () => new HttpError(401, TITLES[401]!, 'A valid x-api-key header is required.');
export const forbidden = (detail = 'This key may not use this route.') => new HttpError(403, TITLES[403]!, detail);
export const notFound = (detail = 'No such resource.') => new HttpError(404, TITLES[404]!, detail);
export const conflict = (detail: string) => new HttpError(409, TITLES[409]!, detail);
export const preconditionFailed = (detail: string) => new HttpError(412, TITLES[412]!, detail);
export const unprocessable = (detail: string, errors?: FieldError[]) => new HttpError(422, TITLES[422]!, detail, errors);
export const payloadTooLarge = (limit: number) => new HttpError(413, TITLES[413]!, `The body is over ${limit} bytes.`);
