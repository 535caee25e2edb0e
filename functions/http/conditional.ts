import { badRequest } from '../domain/errors.ts';

/**
 * `If-Match` for versioned resources: the version it names (`3`, `"3"`, `W/"3"`), `*` for any
 * existing version, undefined when absent; anything else is a 400 naming the header.
 */
export function ifMatchOf(headers: Record<string, string>): number | '*' | undefined {
  const header = headers['if-match'];
  if (header === undefined) return undefined;
  const v = header.trim();
  if (v === '*') return '*';
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(v);
  if (!m) throw badRequest('If-Match must name a version, e.g. "3".', [{ path: 'If-Match', message: 'not a version' }]);
  return Number(m[1]);
}

/** The ETag of a versioned resource. */
export const etagOf = (version: number): Record<string, string> => ({ etag: `"${version}"` });
