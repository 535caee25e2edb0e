import type { z } from 'zod/mini';
import { badRequest } from '../domain/errors.ts';
import { zodErrors } from '../http/edge.ts';

/**
 * A form's or query's fields as the pages read them (./app.tsx formOf): single values as strings,
 * repeated ones (checkboxes) as arrays; and the parse every page puts them through — the API
 * route's own schema, refused with the errors beside the fields.
 */
export type Fields = Record<string, string | string[]>;

/** A field's one value, trimmed; undefined when absent or blank. */
export const one = (f: Fields, k: string): string | undefined => {
  const v = f[k];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s.trim() === '' ? undefined : s.trim();
};

/** A repeated field's distinct non-blank values. */
export const many = (f: Fields, k: string): string[] => [...new Set((Array.isArray(f[k]) ? (f[k] as string[]) : f[k] ? [f[k] as string] : []).filter((s) => s !== ''))];

/** A number as typed, or the text itself so that the schema names the field. */
export const num = (s: string | undefined): number | string | undefined => (s === undefined ? undefined : /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s);

/** The value as the schema parses it, or a 400 whose errors the page shows beside its fields. */
export function parse<S extends z.ZodMiniType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw badRequest('Check the answers marked below.', zodErrors(r.error));
  return r.data;
}
