import type { ErrorCode } from '../domain/errors.ts';

/** Each error code's HTTP status and problem title: the one mapping (the edge and the local gateway use it). */
export const PROBLEM_STATUS: Record<ErrorCode, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  stale: 412,
  'too-large': 413,
  'unsupported-media-type': 415,
  unprocessable: 422,
  'precondition-required': 428,
  'header-too-large': 431,
};

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
  429: 'Too many requests',
  431: 'Request header fields too large',
  500: 'Internal server error',
};

export const problemTitle = (status: number): string => TITLES[status] ?? 'Error';
