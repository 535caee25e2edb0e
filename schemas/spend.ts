import * as z from 'zod/mini';
import { meta } from './meta.ts';
import { normaliseName } from './codes.ts';
import { PLACE_CODES_BY_YEAR } from './codes.ts';
import { AuthoritySlug, ChildRef, IsoDateTime, listOf, Money, NonNegativeMoney, PlacementProvider, Urn } from './common.ts';

/** Pooled spend (CONTRACT.md "Pooled spend"): spend lines, batches and rollups. */

// ---------------------------------------------------------------- periods

/** A calendar month `YYYY-MM`. */
export const SpendMonth = meta(z.string().check(z.maxLength(7), z.regex(/^(19|20)\d{2}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM')), { description: 'A calendar month YYYY-MM', examples: ['2025-10'] });

/** A month `YYYY-MM`, a calendar quarter `YYYY-Qn` or a financial year `FYYYYY-YY` (April to March). */
export const RollupPeriod = meta(z.string().check(z.maxLength(9), z.regex(/^((19|20)\d{2}-(0[1-9]|1[0-2])|(19|20)\d{2}-Q[1-4]|FY(19|20)\d{2}-\d{2})$/, 'a month YYYY-MM, a quarter YYYY-Qn or a financial year FYYYYY-YY'), z.refine((p) => {
    const m = /^FY(\d{4})-(\d{2})$/.exec(p);
    return !m || (Number(m[1]) + 1) % 100 === Number(m[2]);
  }, 'a financial year runs April to March: FY2025-26')), { description: 'A month YYYY-MM, a calendar quarter YYYY-Qn or a financial year FYYYYY-YY', examples: ['FY2025-26'] });

// ---------------------------------------------------------------- lines

/** UK Companies House number: 8 digits, or 2 letters + 6 digits (SC, NI, OC …). Leading zeros may be missing on input. */
export const CompaniesHouseNumber = meta(
  z.pipe(
    z.pipe(
      z.pipe(z.string().check(z.maxLength(16), z.trim(), z.toUpperCase()), z.transform((s) => s.replace(/\s+/g, ''))),
      z.transform((s) => (/^\d{1,8}$/.test(s) ? s.padStart(8, '0') : s)),
    ),
    z.string().check(z.maxLength(8), z.regex(/^(\d{8}|[A-Z]{2}\d{6}|[A-Z]\d{7})$/, 'a Companies House number: 8 digits, or 2 letters and 6 digits')),
  ),
  // what the hub accepts before it removes spaces, upper-cases and pads: `sc 123456`, `1234567`
  {
    pattern: '^\\s*((\\d\\s*){1,8}|[A-Za-z]\\s*[A-Za-z]\\s*(\\d\\s*){6}|[A-Za-z]\\s*(\\d\\s*){7})$',
    description: 'UK Companies House number: 8 digits (leading zeros may be left out), or 2 letters and 6 digits; any letter case, spaces ignored',
    examples: ['01234567'],
  });

const Name = z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(200));

/** Every PLACE code of any collection year the hub knows; the line's year decides (see `collectionYearOf`). */
const ANY_PLACE_CODE = [...new Set(Object.values(PLACE_CODES_BY_YEAR).flat())] as [string, ...string[]];

/** One spend line as an authority sends it (JSON; CSV rows are brought to this shape first). */
export const SpendLineInput = meta(z.strictObject({
    period: meta(SpendMonth, { description: 'The month the spend is for (YYYY-MM), not after the current month' }),
    providerName: meta(Name, { description: 'The provider as the finance system names it', examples: ['Harbour Care Ltd'] }),
    providerUrn: meta(z.optional(Urn), { description: "Ofsted URN of the home, when the line is for one" }),
    companiesHouseNumber: z.optional(CompaniesHouseNumber),
    providerGroup: meta(z.optional(Name), { description: 'The group the provider belongs to, when the authority knows it', examples: ['Harbour Care Group'] }),
    placementType: meta(z.enum(ANY_PLACE_CODE, 'an SSDA903 PLACE code'), {
      description: "SSDA903 PLACE code, valid in the collection year of the line's period (H5 and P2 until 2024-25, K3 from 2025-26)",
      examples: ['K2'],
    }),
    placementProvider: PlacementProvider,
    childRef: z.optional(ChildRef),
    weeks: meta(z.optional(z.number().check(z.gte(0), z.lte(53))), { description: 'Weeks of care the line pays for', examples: [4.3] }),
    weeklyCost: meta(z.optional(NonNegativeMoney), { description: 'The weekly cost, GBP, at most 2 decimal places, not negative', examples: [5963.5] }),
    amount: meta(Money, { description: 'GBP, at most 2 decimal places; negative for a credit', examples: [25643.05] }),
  }), { id: 'SpendLine', description: 'One line of spend; negative amounts are credits' });
export type SpendLineInput = z.output<typeof SpendLineInput>;

/** Data lines in one batch at most (the 256 KB body limit allows a few thousand real ones). */
export const MAX_BATCH_LINES = 50_000;
/** Errors reported for one rejected line at most, each clipped to the problem limits. */
export const MAX_LINE_ERRORS = 20;
/** Months one batch may span (each is an index entry written in the batch's transaction). */
export const MAX_MONTHS_PER_BATCH = 48;
/** Provider groups (and provider identities) one rollup can hold: the aggregator's key space. */
export const MAX_GROUPS = 2 ** 20;

export const PostSpendBatchBody = meta(z.strictObject({ lines: z.array(z.unknown()).check(z.minLength(1, 'at least one line'), z.maxLength(MAX_BATCH_LINES)) }), { description: 'JSON batch; each line is validated on its own (see SpendLine). text/csv is accepted too, with a header row.' });

/**
 * The JSON batch as the OpenAPI document describes it: lines typed as SpendLine. The edge takes
 * `PostSpendBatchBody` (any lines) because an invalid line never fails the batch: the handler
 * lists it in `rejected` and keeps the rest.
 */
export const SpendBatchBody = meta(z.strictObject({ lines: z.array(SpendLineInput).check(z.minLength(1), z.maxLength(MAX_BATCH_LINES)) }), {
    id: 'SpendBatchBody',
    description: 'A batch of spend lines. An invalid line does not fail the batch: it is listed in rejected, with its errors, and the others are kept.',
  });

/** The text/csv form of a batch: a header row naming SpendLine's fields, then one data line per row. */
export const SPEND_CSV_DESCRIPTION =
  'A header row, then one spend line per row. Columns (case, spaces, _ and - ignored): period (or month), providerName (or provider), ' +
  'providerUrn (or urn), companiesHouseNumber (or companyNumber), providerGroup (or group), placementType, placementProvider, childRef, ' +
  'weeks, weeklyCost, amount; period, providerName, placementType, placementProvider and amount are required. Money may carry £ and ' +
  'thousands separators ("£5,963.50").';

/** A batch posted as JSON, as it is downloaded again: the lines the hub kept (none, when it rejected every line). */
export const SpendBatchJson = meta(z.object({ lines: z.array(SpendLineInput).check(z.maxLength(MAX_BATCH_LINES)) }), { id: 'SpendBatchJson', description: 'A batch posted as JSON: the lines the hub kept, each with the fields it knows' });

/** A batch posted as text/csv, as it is downloaded again. */
export const SpendBatchCsv = meta(z.string().check(z.maxLength(256 * 1024)), { description: `A batch posted as text/csv: the lines the hub kept, in CSV. ${SPEND_CSV_DESCRIPTION}` });

export const LineError = z.object({ path: z.string().check(z.maxLength(300)), message: z.string().check(z.maxLength(500)) });

export const SpendBatchAnswer = meta(z.object({
    batchId: z.string().check(z.maxLength(32)),
    accepted: z.number().check(z.int(), z.gte(0)),
    rejected: z.array(z.object({ line: z.number().check(z.int(), z.gte(1)), errors: z.array(LineError).check(z.maxLength(MAX_LINE_ERRORS)) })).check(z.maxLength(MAX_BATCH_LINES)),
  }), { id: 'SpendBatchAnswer' });
export type SpendBatchAnswer = z.output<typeof SpendBatchAnswer>;

export const BatchId = meta(z.string().check(z.maxLength(32), z.regex(/^[0-9a-f]{32}$/, 'a batch id')), { examples: ['5f2b9c0e4d7a41b8a3e6c1d9f0b2a7e4'] });
export const BatchParams = z.strictObject({ batchId: BatchId });

export const SpendBatchSummary = meta(z.object({
    batchId: BatchId,
    authority: AuthoritySlug,
    receivedAt: IsoDateTime,
    format: z.enum(['csv', 'json']),
    lines: meta(z.number().check(z.int(), z.gte(0)), { description: 'data lines posted' }),
    accepted: z.number().check(z.int(), z.gte(0)),
    rejected: z.number().check(z.int(), z.gte(0)),
    months: z.array(SpendMonth).check(z.maxLength(MAX_MONTHS_PER_BATCH)),
    spend: meta(Money, { description: 'sum of accepted amounts, GBP (credits count negative)' }),
  }), { id: 'SpendBatch' });
export const SpendBatchList = listOf(SpendBatchSummary);

// ---------------------------------------------------------------- rollups

export const RollupBody = meta(z.strictObject({ period: RollupPeriod }), { id: 'RollupInput' });
export const RollupParams = z.strictObject({ period: RollupPeriod });

export const RollupObject = z.object({ key: z.string().check(z.maxLength(200)), sha256: z.string().check(z.length(64)), bytes: z.number().check(z.int(), z.gte(0)) });
export const RollupCreated = meta(z.object({ period: RollupPeriod, generatedAt: IsoDateTime, objects: z.array(RollupObject).check(z.maxLength(3)) }), { id: 'RollupCreated' });

/** A count cell: exact, or `"c"` when suppressed (fewer than 5, or to protect such a cell). */
const Count = z.union([z.number().check(z.int(), z.gte(0)), z.literal('c')]);

export const Rollup = meta(z.object({
    period: RollupPeriod,
    generatedAt: IsoDateTime,
    months: z.array(SpendMonth).check(z.maxLength(12)),
    totals: z.object({
      spend: Money,
      placements: Count,
      children: Count,
      authorities: z.number().check(z.int(), z.gte(0)),
      providerGroups: z.number().check(z.int(), z.gte(0)),
    }),
    byProviderGroup: z.array(z.object({ group: z.string().check(z.maxLength(200)), spend: Money, share: z.nullable(z.number()), authorities: z.number().check(z.int(), z.gte(0)), placements: Count })).check(z.maxLength(MAX_GROUPS)),
    byPlacementType: z.array(z.object({ placementType: z.string().check(z.maxLength(3)), spend: Money, placements: Count })).check(z.maxLength(ANY_PLACE_CODE.length)),
    byAuthority: z.array(z.object({ authority: AuthoritySlug, spend: Money, placements: Count })).check(z.maxLength(11)),
    unresolvedNames: meta(z.array(z.object({ name: z.string().check(z.maxLength(200)), group: z.string().check(z.maxLength(200)) })).check(z.maxLength(MAX_GROUPS)), { description: 'Provider names resolved only by their normalised name (no group, URN, Companies House number or mapping)' }),
  }), { id: 'Rollup' });
export type Rollup = z.output<typeof Rollup>;

// ---------------------------------------------------------------- provider-group mapping

/**
 * A provider group's name or alias: the mapping keys it by its normalised name, so it must keep a
 * letter or digit once normalised (`★` and `♥` would otherwise be one entry, the later silently
 * replacing the earlier, and an alias `***` would claim every name without letters).
 */
const GroupName = meta(Name.check(z.refine((s) => normaliseName(s) !== '', 'must contain a letter or digit')), { examples: ['Harbour Care Group'] });

export const ProviderGroupParams = z.strictObject({ group: GroupName });
export const ProviderGroupMappingBody = meta(z.strictObject({
    aliases: z._default(z.array(GroupName).check(z.maxLength(500)), []),
    companiesHouseNumbers: z._default(z.array(CompaniesHouseNumber).check(z.maxLength(500)), []),
  }), { id: 'ProviderGroupMappingInput' });
export const ProviderGroupMapping = meta(z.object({
    group: z.string().check(z.maxLength(200)),
    aliases: z.array(z.string().check(z.maxLength(200))).check(z.maxLength(500)),
    companiesHouseNumbers: z.array(z.string().check(z.maxLength(8))).check(z.maxLength(500)),
    source: z.enum(['file', 'hub']),
    updatedAt: z.optional(IsoDateTime),
  }), { id: 'ProviderGroupMapping' });
export const ProviderGroupMappingList = listOf(ProviderGroupMapping);
