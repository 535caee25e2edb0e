import fc from 'fast-check';
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { routeList } from '../../functions/routes/index.ts';
import { parseCsvBatch, parseJsonBatch } from '../../functions/domain/spend.ts';
import { Outcode } from '../../schemas/common.ts';

/**
 * What the OpenAPI document promises about input, held to the zod schemas the edge validates with
 * (no Java, no network): every example is valid input, and no documented pattern refuses a value
 * the hub accepts — a generated client that validates against the document must never refuse what
 * the hub would take (`cm1` for an outcode, `sc 123456` for a Companies House number).
 */

type Node = z.ZodMiniType & { _zod: { def: Record<string, any> } };

/** Every schema node reachable on the input side: object fields, array items, wrapped and piped (input end) schemas, union options. */
function* inputNodes(schema: z.ZodMiniType | undefined, path: string): Generator<[string, Node]> {
  if (!schema) return;
  const node = schema as Node;
  yield [path, node];
  const def = node._zod.def;
  switch (def.type) {
    case 'object':
      for (const [k, v] of Object.entries(def.shape as Record<string, z.ZodMiniType>)) yield* inputNodes(v, `${path}.${k}`);
      break;
    case 'array':
      yield* inputNodes(def.element, `${path}[]`);
      break;
    case 'optional': case 'nullable': case 'default': case 'prefault': case 'readonly': case 'catch': case 'nonoptional':
      yield* inputNodes(def.innerType, path);
      break;
    case 'pipe':
      yield* inputNodes(def.in, path);
      break;
    case 'union':
      for (const o of def.options as z.ZodMiniType[]) yield* inputNodes(o, path);
      break;
    case 'record':
      yield* inputNodes(def.valueType, `${path}{}`);
      break;
  }
}

const inputSchemas = (r: (typeof routeList)[number]) =>
  [['params', r.def.params], ['query', r.def.query], ['body', r.def.body], ['doc.body', r.def.doc?.body]] as const;

/** Every string schema of the routes' input that the document gives a pattern, once each. */
function patternedStrings(): { where: string; node: Node; pattern: RegExp; maxLength?: number }[] {
  const found = new Map<Node, { where: string; node: Node; pattern: RegExp; maxLength?: number }>();
  for (const r of routeList) {
    for (const [part, schema] of inputSchemas(r)) {
      for (const [path, node] of inputNodes(schema, `${r.key} ${part}`)) {
        if (found.has(node)) continue;
        const json = z.toJSONSchema(node, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as { type?: string; pattern?: string; maxLength?: number };
        // the JSON Schema dialect of OpenAPI 3.1 reads patterns as ECMA-262 regular expressions, with the u flag in most validators
        if (json.type === 'string' && json.pattern) found.set(node, { where: path, node, pattern: new RegExp(json.pattern, 'u'), maxLength: json.maxLength });
      }
    }
  }
  return [...found.values()];
}

/** A value a client might send: a valid one with its letters in any case and a space or two around it or inside it. */
const variant = (pattern: RegExp) =>
  fc
    .tuple(fc.stringMatching(pattern), fc.array(fc.boolean(), { maxLength: 20 }), fc.constantFrom('', ' ', '  ', '\t'), fc.constantFrom('', ' ', '  '), fc.nat(20), fc.boolean())
    .map(([v, flips, before, after, at, inside]) => {
      const cased = [...v].map((c, i) => (flips[i] ? (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) : c)).join('');
      const spaced = inside ? `${cased.slice(0, at)} ${cased.slice(at)}` : cased;
      return `${before}${spaced}${after}`;
    });

describe('the OpenAPI document against the schemas the edge validates with', () => {
  const patterned = patternedStrings();

  it('finds the patterned inputs (outcodes, URNs, child references, Companies House numbers, …)', () => {
    const where = patterned.map((p) => p.where).join('\n');
    for (const field of ['outcode', 'homeOutcode', 'childRef', 'companiesHouseNumber', 'urn']) expect(where).toContain(`.${field}`);
    expect(patterned.length).toBeGreaterThan(15);
  });

  it('documents outcodes in any letter case and with surrounding spaces, as the hub accepts them', () => {
    const outcode = patterned.find((p) => p.node === Outcode)!;
    for (const v of ['CM1', 'cm1', ' Cm1 ', 'SW1A', 'e1w']) {
      expect(outcode.node.safeParse(v).success, v).toBe(true);
      expect(outcode.pattern.test(v), v).toBe(true);
    }
  });

  it('no documented pattern or length refuses a value the hub accepts', () => {
    for (const { where, node, pattern, maxLength } of patterned) {
      fc.assert(
        fc.property(variant(pattern), (v) => {
          if (!node.safeParse(v).success) return true;
          return pattern.test(v) && (maxLength === undefined || v.length <= maxLength);
        }),
        { numRuns: 300, seed: 11, reporter: (out) => { if (out.failed) throw new Error(`${where} (${pattern}): ${out.counterexample?.[0] === undefined ? '' : JSON.stringify(out.counterexample[0])} is accepted by the hub but refused by the document`); } },
      );
    }
  });

  it('every schema example is valid input for its schema', () => {
    for (const r of routeList) {
      for (const [part, schema] of inputSchemas(r)) {
        for (const [path, node] of inputNodes(schema, `${r.key} ${part}`)) {
          for (const example of (z.globalRegistry.get(node)?.examples as unknown[] | undefined) ?? []) {
            expect(node.safeParse(example).success, `${path}: ${JSON.stringify(example)}`).toBe(true);
          }
        }
      }
    }
  });

  it('every path parameter example is a valid path, and every route with a body has a body example the edge takes', () => {
    for (const r of routeList) {
      const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const shape = (r.def.params?.shape ?? {}) as Record<string, z.ZodMiniType>;
      const params = Object.fromEntries(names.map((n) => [n, (z.globalRegistry.get(shape[n]!)?.examples as unknown[] | undefined)?.[0]]));
      if (names.length) expect(r.def.params!.safeParse(params).success, `${r.key} ${JSON.stringify(params)}`).toBe(true);
      if (!r.def.body) continue;
      const { example } = r.def.doc ?? {};
      expect(example, `${r.key} has no body example`).toBeDefined();
      const parsed = r.def.body.safeParse(example);
      expect(parsed.success, `${r.key}: ${parsed.error?.message}`).toBe(true);
      if (r.def.doc?.body) expect(r.def.doc.body.safeParse(example).success, `${r.key} against doc.body`).toBe(true);
    }
  });

  it('the spend batch examples are accepted whole, JSON and CSV alike, as the same lines', () => {
    const { doc } = routeList.find((r) => r.key === 'POST /v1/spend/batches')!.def;
    const json = parseJsonBatch((doc!.example as { lines: unknown[] }).lines, '2026-12-01');
    const csv = parseCsvBatch(doc!.csv!.example, '2026-12-01');
    for (const batch of [json, csv]) expect(batch.results.map((r) => r.result.ok)).toEqual([true, true]);
    const lines = (b: typeof json) => b.results.map((r) => (r.result.ok ? r.result.line : undefined));
    expect(lines(csv)).toEqual(lines(json));
  });
});
