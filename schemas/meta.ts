import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * What zod/mini leaves to its caller. zod classic sets English error messages when it loads;
 * zod/mini does not, and its messages would read "Invalid input". Every schema module imports
 * this one, so any Lambda that parses has the messages problem+json bodies have always carried.
 */
z.config(en());

/**
 * zod classic's `.meta(m)`: a copy of the schema that carries `m` in the global registry (the
 * schema itself keeps its own metadata; the copy's JSON Schema inherits it as its parent's).
 */
export function meta<T extends z.ZodMiniType>(schema: T, m: z.core.GlobalMeta): T {
  const copy = schema.clone() as T;
  z.globalRegistry.add(copy, m);
  return copy;
}
