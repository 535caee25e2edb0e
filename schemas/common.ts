import * as z from 'zod/mini';
import { meta } from './meta.ts';
import { PROBLEM_LIMITS } from './codes.ts';
import { AUTHORITY_SLUGS } from './codes.ts';
import {
  CARE_ALONGSIDE, NEEDS_CODES, OFSTED_RATINGS, PLACE_CODES, PLACE_PROVIDER_CODES,
  REASON_PLACE_CHANGE_CODES, SEXES, URGENCIES,
} from './codes.ts';

/** Shared building blocks: code lists, dates, money, lists and problems (CONTRACT.md "Conventions"). */

export const AuthoritySlug = meta(z.enum(AUTHORITY_SLUGS), { description: 'An Eastern Region authority slug' });
export const PlacementType = meta(z.enum(PLACE_CODES), { description: 'SSDA903 PLACE code (2025-26 list)' });
export const PlacementProvider = meta(z.enum(PLACE_PROVIDER_CODES), {
  description:
    'SSDA903 PLACE_PROVIDER code: PR0 parent(s) or others with parental responsibility; PR1 own provision (by the local authority); ' +
    'PR2 other local authority provision; PR3 other public provision; PR4 private provision; PR5 voluntary/third sector provision',
  examples: ['PR4'],
});
export const ReasonPlaceChange = meta(z.enum(REASON_PLACE_CHANGE_CODES), { description: 'SSDA903 reason for placement change' });
export const OfstedRating = z.enum(OFSTED_RATINGS);
export const NeedCode = z.enum(NEEDS_CODES);
/** How many needs codes there are: the most a list of distinct needs can hold. */
export const NEED_COUNT = NEEDS_CODES.length;
export const AUTHORITY_COUNT = AUTHORITY_SLUGS.length;
/**
 * Bounds of a match's `reasons` (functions/domain/matching.ts and the search and pool callers
 * that add to them): fewer than 10 entries; the longest, listing all 16 needs codes, is under 300.
 */
export const REASON_LIMITS = { count: 20, length: 300 } as const;
export const Sex = z.enum(SEXES);
export const CareAlongside = z.enum(CARE_ALONGSIDE);
export const Urgency = z.enum(URGENCIES);

/** Ofsted URN: `SC` + 6 digits, or 7 digits. */
export const Urn = meta(z.string().check(z.maxLength(8), z.regex(/^(SC\d{6}|\d{7})$/, 'an Ofsted URN: SC + 6 digits, or 7 digits')), { description: 'Ofsted URN: SC + 6 digits, or 7 digits', examples: ['SC483714'] });

/** Outward code of a UK postcode (e.g. `CM1`); whether the hub knows it is checked by the domain. */
export const Outcode = meta(
  z.string().check(z.maxLength(16), z.trim(), z.toUpperCase(), z.regex(/^[A-Z]{1,2}\d[A-Z\d]?$/, 'an outward code such as CM1')),
  // what the hub accepts, before it trims and upper-cases (the regex is checked after): a
  // client validating against the document must not refuse `cm1` or ` CM1 `
  {
    pattern: '^\\s*[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\\s*$',
    description: 'Outward code of a UK postcode, in any letter case, surrounding spaces ignored: stored and answered normalised (cm1 → CM1)',
    examples: ['CM1'],
  });

/** A calendar date `YYYY-MM-DD` that exists. */
export const IsoDate = z.iso.date().check(z.maxLength(10));
/** ISO 8601 UTC time (`…Z`); 40 characters leave room for nanoseconds. */
export const IsoDateTime = z.iso.datetime().check(z.maxLength(40));

/** An outward code as the hub stores and answers it (normalised: upper case, no spaces). */
export const OutcodeOut = z.string().check(z.maxLength(4), z.regex(/^[A-Z]{1,2}\d[A-Z\d]?$/));

/**
 * Pounds and pence: a whole number of pence, give or take float noise (`0.1 + 0.2`). A non-zero
 * amount under a penny (`1e-200`) is not within the noise of 0 — stored, it would underflow
 * DynamoDB's number range.
 */
function isPoundsAndPence(n: number): boolean {
  const pence = Math.round(n * 100);
  return Math.abs(n) < 1e12 && Math.abs(n * 100 - pence) < 1e-6 && (pence !== 0 || n === 0);
}

/**
 * GBP as a JSON number with at most 2 decimal places. The document says so in words, not with
 * `multipleOf: 0.01`: validators that divide in binary floating point (ajv as Prism runs it) find
 * 19.99 / 0.01 = 1998.9999999999998 and would refuse real prices (test/integration/openapi-prism.test.ts).
 */
export const Money = meta(z.number().check(z.refine(isPoundsAndPence, 'GBP with at most 2 decimal places')), { description: 'GBP, at most 2 decimal places (whole pence)', examples: [5963.5] });
export const NonNegativeMoney = meta(Money.check(z.refine((n) => n >= 0, 'must not be negative')), {
  description: 'GBP, at most 2 decimal places, not negative',
  minimum: 0,
});

/** Pseudonymous reference the authority uses for the child (never a name). */
export const ChildRef = meta(
  z.string().check(z.trim(), z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9._:/-]+$/, 'letters, digits and . _ : / - only')),
  // surrounding spaces are trimmed before the check
  { pattern: '^\\s*[A-Za-z0-9._:/-]+\\s*$', description: "The authority's own pseudonymous reference for the child (never a name)", examples: ['ESX-0042'] });

export const Age = z.number().check(z.int(), z.gte(0), z.lte(25));

export const Limit = z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20);
export const Cursor = z.string().check(z.minLength(1), z.maxLength(2048));

/** `?limit=&cursor=` for every list. */
export const ListQuery = z.strictObject({ limit: Limit, cursor: z.optional(Cursor) });

/** The most items one page holds (the `limit` maximum). */
export const MAX_PAGE = 100;

export const listOf = <T extends z.ZodMiniType>(item: T) =>
  z.object({ items: z.array(item).check(z.maxLength(MAX_PAGE)), nextCursor: z.optional(Cursor) });

/**
 * An `Idempotency-Key` header value. The contract sets no format, so any key a client's library
 * makes (UUIDs with or without braces, base64, …): 1–255 visible ASCII characters (0x21–0x7E);
 * empty, longer, or with spaces, control or non-ASCII characters → 400.
 */
export const IdempotencyKey = z.string().check(z.minLength(1), z.maxLength(255), z.regex(/^[!-~]+$/, 'visible ASCII characters only (0x21-0x7E)'));

/** What a problem+json body carries at most (functions/http/edge.ts `problem()` enforces these). */
export { PROBLEM_LIMITS };

export const Problem = meta(z.object({
    type: z.string().check(z.maxLength(100), z.regex(/^https:\/\/commission-east\.example\/problems\/\d{3}$/)),
    title: z.string().check(z.maxLength(100)),
    status: z.number().check(z.int(), z.gte(400), z.lte(599)),
    detail: z.optional(z.string().check(z.maxLength(PROBLEM_LIMITS.detail))),
    errors: meta(z.optional(z.array(z.object({ path: z.string().check(z.maxLength(PROBLEM_LIMITS.path)), message: z.string().check(z.maxLength(PROBLEM_LIMITS.message)) })).check(z.maxLength(PROBLEM_LIMITS.errors))), { description: `Validation failures, at most ${PROBLEM_LIMITS.errors} (the first found)` }),
  }), { id: 'Problem', description: 'RFC 9457 problem details' });

export const Principal = z.string().check(z.maxLength(100), z.regex(/^(authority:[a-z-]+|provider:[a-z0-9-]+|programme-office)$/, 'authority:<slug>, provider:<id> or programme-office'));

/** Who made the last change to a record: the organisation's principal, and the signed-in person (`sub`) when one acted (absent for an API key). */
export const ByView = meta(z.object({ principal: Principal, person: z.optional(z.string().check(z.maxLength(200))) }), { id: 'By', description: "Who made the last change: the organisation, and the person's sub where one acted" });
