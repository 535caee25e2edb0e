import fc from 'fast-check';
import * as z from 'zod/mini';

/**
 * fast-check arbitraries from the hub's zod schemas, through zod 4's own JSON Schema
 * (`z.toJSONSchema(schema, { io: 'input' })`): `valid` makes values the schema's JSON Schema
 * accepts, `nearMiss` values one mutation away from that (one field of the wrong type, out of
 * range, not matching its pattern or enum, an unknown field, a required field missing), which
 * the JSON Schema, and so the zod schema, must refuse. Refinements JSON Schema cannot express
 * (distinct items, known outcodes, cross-field rules) are not modelled: some `valid` values are
 * refused by zod for them. Only the subset our schemas produce is supported; anything else
 * throws, so a new kind of schema is noticed rather than silently fuzzed as "anything".
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  nullable?: boolean;
}

export interface ArbOptions {
  /** Real values worth trying for a field by its name (ids the hub holds, codes it knows): used, read at generation time, when they fit the field's schema. */
  known?: (field: string) => readonly string[];
  /** Dates are drawn mostly from the half year before this day to a month after (so that "not after today" and contract dates can be met). */
  today?: Date;
}

const HANDLED = new Set([
  '$schema', 'id', 'description', 'example', 'examples', 'default', 'title', 'type', 'properties', 'required', 'additionalProperties',
  'propertyNames', 'items', 'minItems', 'maxItems', 'enum', 'const', 'pattern', 'format', 'minLength', 'maxLength', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'anyOf', 'oneOf', 'nullable',
]);

/** The input JSON Schema of a zod schema, with its `$defs` (schemas that carry an id) inlined: our inputs are not recursive. */
export function jsonSchemaOf(schema: z.ZodMiniType): JsonSchema {
  const { $defs = {}, ...root } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown> & { $defs?: Record<string, unknown> };
  const inline = (node: unknown, depth: number): unknown => {
    if (depth > 32) throw new Error('schema-arbitrary: recursive schemas are not supported');
    if (Array.isArray(node)) return node.map((n) => inline(n, depth + 1));
    if (node === null || typeof node !== 'object') return node;
    const { $ref, ...rest } = node as Record<string, unknown>;
    const target = typeof $ref === 'string' ? $defs[$ref.replace('#/$defs/', '')] : undefined;
    if ($ref !== undefined && target === undefined) throw new Error(`schema-arbitrary: unresolved ${String($ref)}`);
    const merged = { ...(target as object | undefined), ...rest };
    return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, k === 'enum' || k === 'const' ? v : inline(v, depth + 1)]));
  };
  return inline(root, 0) as JsonSchema;
}

function check(s: JsonSchema): void {
  const odd = Object.keys(s).filter((k) => !HANDLED.has(k));
  if (odd.length) throw new Error(`schema-arbitrary: unsupported JSON Schema keywords ${odd.join(', ')} in ${JSON.stringify(s).slice(0, 200)}`);
}

const typeOf = (s: JsonSchema): string | undefined => (Array.isArray(s.type) ? undefined : s.type);

/** Whether a string fits a string schema's own constraints (for known values). */
function fitsString(s: JsonSchema, v: string): boolean {
  return (s.minLength === undefined || v.length >= s.minLength) && (s.maxLength === undefined || v.length <= s.maxLength)
    && (s.pattern === undefined || new RegExp(s.pattern).test(v)) && (s.enum === undefined || s.enum.includes(v));
}

const DAY = 86_400_000;
const ABSENT = Symbol('absent');
const RANGES = [['min', 'max'], ['from', 'to']] as const;

function stringArb(s: JsonSchema, opts: ArbOptions): fc.Arbitrary<string> {
  const fits = (v: string) => fitsString(s, v);
  const today = (opts.today ?? new Date()).getTime();
  if (s.format === 'date') {
    const near = fc.integer({ min: -183, max: 31 }).map((d) => new Date(today + d * DAY).toISOString().slice(0, 10));
    return (s.pattern ? fc.oneof({ weight: 9, arbitrary: near }, { weight: 1, arbitrary: fc.stringMatching(new RegExp(s.pattern)) }) : near).filter(fits);
  }
  if (s.format === 'date-time') {
    return fc.integer({ min: -30 * DAY, max: 0 }).map((ms) => new Date(today + ms).toISOString()).filter(fits);
  }
  if (s.pattern !== undefined) return fc.stringMatching(new RegExp(s.pattern)).filter(fits);
  const minLength = s.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(s.maxLength ?? 40, 40));
  // free text as a client sends it: ASCII or any Unicode, without surrounding spaces (which zod may trim)
  const text = fc.oneof({ weight: 3, arbitrary: fc.string({ minLength, maxLength }) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength }) });
  return text.filter((v) => fits(v) && v.trim() === v);
}

function numberArb(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  // unbounded: counts and amounts, not negative (a negative amount is rarely what a field means)
  const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 0.01) : 0);
  const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (integer ? 1 : 0.01) : integer ? 1000 : 100_000);
  if (integer) return fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) });
  // mostly amounts in pence (money is at most 2 decimal places), sometimes any double in range
  const pence = fc.integer({ min: Math.ceil(lo * 100), max: Math.floor(hi * 100) }).map((p) => p / 100);
  const any = fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
  return fc.oneof({ weight: 4, arbitrary: pence }, { weight: 1, arbitrary: any }).filter((n) => n >= lo && n <= hi);
}

/** Values the JSON Schema accepts. `field` is the property the value is for (array items: the array's). */
export function valid(s: JsonSchema, opts: ArbOptions = {}, field = ''): fc.Arbitrary<unknown> {
  check(s);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const branches = s.anyOf ?? s.oneOf;
  if (branches) return fc.oneof(...branches.map((b) => valid(b, opts, field)));
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((t) => valid({ ...s, type: t }, opts, field)));
  if (s.nullable) return fc.option(valid({ ...s, nullable: false }, opts, field), { nil: null });
  switch (typeOf(s)) {
    case undefined:
      return fc.jsonValue({ maxDepth: 2 });
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number':
      return numberArb(s, s.type === 'integer');
    case 'string': {
      const made = stringArb(s, opts);
      if (!opts.known) return made;
      const known = opts.known;
      return fc.tuple(made, fc.noBias(fc.nat()), fc.nat(4)).map(([own, i, coin]) => {
        const fits = coin === 0 ? [] : known(field).filter((v) => fitsString(s, v));
        return fits.length > 0 ? fits[i % fits.length]! : own;
      });
    }
    case 'array': {
      const item = valid(s.items ?? {}, opts, field);
      const minLength = s.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(s.maxItems ?? 4, 4));
      // distinct items (a list of codes usually must not repeat one)
      return fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) });
    }
    case 'object': {
      const props = s.properties ?? {};
      const required = s.required ?? [];
      // an optional property is left out half the time (fc.record's own optional keys are mostly present)
      let arb = fc
        .record(Object.fromEntries(Object.entries(props).map(([k, p]) => [k, required.includes(k) ? valid(p, opts, k) : fc.option(valid(p, opts, k), { nil: ABSENT, freq: 2 })])))
        .map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== ABSENT)));
      const range = RANGES.find(([lo, hi]) => lo in props && hi in props);
      if (range) {
        // a range (min..max, from..to) is drawn in order three times in four; JSON Schema cannot say lo <= hi
        const [lo, hi] = range;
        arb = fc.tuple(arb, fc.nat(3)).map(([o, coin]) => {
          const a = o[lo] as string | number | undefined;
          const b = o[hi] as string | number | undefined;
          return coin > 0 && a !== undefined && b !== undefined && typeof a === typeof b && a > b ? { ...o, [lo]: b, [hi]: a } : o;
        });
      }
      if (s.propertyNames?.enum && typeof s.additionalProperties === 'object') {
        // a record keyed by a code list (e.g. shares by authority)
        const value = valid(s.additionalProperties, opts, field);
        const keys = s.propertyNames.enum as string[];
        const record = fc.subarray(keys, { minLength: 1, maxLength: 3 }).chain((ks) => fc.tuple(...ks.map(() => value)).map((vs) => Object.fromEntries(ks.map((k, i) => [k, vs[i]]))));
        arb = fc.tuple(arb, record).map(([a, b]) => ({ ...a, ...b }));
      }
      return arb;
    }
    default:
      throw new Error(`schema-arbitrary: unsupported type ${String(s.type)}`);
  }
}

/** Hostile strings that match none of our patterns, enums or formats. */
const HOSTILE = ['../../etc/passwd', '%00', '\u0000', '\ud800', '🏠🏠', 'ＳＣ１２３４５６', "' OR 1=1 --", '${jndi:ldap://x}', '<script>', 'null', 'NaN', ' '];
const WRONG_TYPES: Record<string, unknown[]> = {
  string: [7, true, null, [], {}],
  integer: ['12', 1.5, true, null, [], {}],
  number: ['12', true, null, [], {}],
  boolean: ['true', 0, null, []],
  array: ['x', 7, {}, null],
  object: ['x', 7, [], null],
};

/** Leaf mutations that always leave the schema: wrong type, out of range, outside the pattern or enum. */
function badLeaf(s: JsonSchema, pathSafe: boolean): fc.Arbitrary<unknown> | undefined {
  const t = s.enum ? 'string' : typeOf(s);
  if (t === undefined) return undefined;
  const out: unknown[] = [];
  if (!pathSafe) out.push(...(WRONG_TYPES[t] ?? []));
  if (t === 'string') {
    const restricted = s.enum !== undefined || s.pattern !== undefined || s.format !== undefined;
    if (restricted) out.push(...HOSTILE.filter((h) => !fitsString(s, h)), 'not-a-code');
    if (s.maxLength !== undefined) out.push('x'.repeat(s.maxLength + 1));
    if (!pathSafe && (s.minLength ?? 0) > 0) out.push('');
  }
  if (t === 'integer' || t === 'number') {
    if (s.maximum !== undefined) out.push(s.maximum + 1);
    if (s.exclusiveMaximum !== undefined) out.push(s.exclusiveMaximum);
    if (s.minimum !== undefined) out.push(s.minimum - 1);
    if (s.exclusiveMinimum !== undefined) out.push(s.exclusiveMinimum);
    if (t === 'integer') out.push(2.5);
  }
  const wrong = out.filter((v) => !(t === 'string' && typeof v === 'string' && fitsString(s, v)));
  return wrong.length ? fc.constantFrom(...wrong) : undefined;
}

/**
 * Values one mutation away from `valid(s)`, which the schema must refuse; undefined when there is
 * no sure one (e.g. `{}`). `pathSafe`: only strings, never empty (path parameters and queries).
 */
export function nearMiss(s: JsonSchema, opts: ArbOptions = {}, pathSafe = false): fc.Arbitrary<unknown> | undefined {
  check(s);
  if (s.anyOf || s.oneOf || Array.isArray(s.type) || s.nullable || s.const !== undefined) return undefined;
  const t = typeOf(s);
  const leaf = badLeaf(s, pathSafe);
  const options: fc.Arbitrary<unknown>[] = leaf ? [leaf] : [];
  if (t === 'object' && s.properties) {
    const props = s.properties;
    const base = valid(s, opts) as fc.Arbitrary<Record<string, unknown>>;
    const mutable = Object.entries(props).flatMap(([k, p]) => {
      const bad = nearMiss(p, opts, pathSafe);
      return bad ? [[k, bad] as const] : [];
    });
    if (mutable.length) {
      options.push(fc.integer({ min: 0, max: mutable.length - 1 }).chain((i) => fc.tuple(base, mutable[i]![1]).map(([v, bad]) => ({ ...v, [mutable[i]![0]]: bad }))));
    }
    if (s.required?.length) {
      options.push(fc.tuple(base, fc.constantFrom(...s.required)).map(([v, k]) => Object.fromEntries(Object.entries(v).filter(([key]) => key !== k))));
    }
    if (s.additionalProperties === false) {
      const extra = fc.constantFrom('owner', 'authority', 'principal', 'admin', 'isAdmin', 'version', 'dateOfBirth', 'name ').filter((k) => !(k in props));
      options.push(fc.tuple(base, extra, pathSafe ? fc.constant('1') : fc.jsonValue({ maxDepth: 2 })).map(([v, k, x]) => ({ ...v, [k]: x })));
    }
  }
  if (t === 'array' && !pathSafe) {
    const item = s.items ? nearMiss(s.items, opts) : undefined;
    const base = valid(s, opts) as fc.Arbitrary<unknown[]>;
    if (item) options.push(fc.tuple(base, item, fc.nat()).map(([xs, bad, i]) => (xs.length ? xs.map((x, j) => (j === i % xs.length ? bad : x)) : [bad])));
    if (s.maxItems !== undefined && s.maxItems <= 100) options.push(fc.array(valid(s.items ?? {}, opts), { minLength: s.maxItems + 1, maxLength: s.maxItems + 1 }));
    if ((s.minItems ?? 0) > 0) options.push(fc.constant([]));
  }
  return options.length ? fc.oneof(...options) : undefined;
}
