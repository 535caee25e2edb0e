import * as z from 'zod';
import { normaliseName } from './codes.ts';
import { PLACE_CODES_BY_YEAR } from './codes.ts';
import { AuthoritySlug, ChildRef, IsoDateTime, listOf, Money, NonNegativeMoney, PlacementProvider, Urn } from './common.ts';

/** Pooled spend (CONTRACT.md "Pooled spend"): spend lines, batches and rollups. */

// ---------------------------------------------------------------- periods

/** A calendar month `YYYY-MM`. */
export const SpendMonth = z
  .string()
  .max(7)
  .regex(/^(19|20)\d{2}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM')
  .meta({ description: 'A calendar month YYYY-MM', examples: ['2025-10'] });

/** A month `YYYY-MM`, a calendar quarter `YYYY-Qn` or a financial year `FYYYYY-YY` (April to March). */
export const RollupPeriod = z
  .string()
  .max(9)
  .regex(/^((19|20)\d{2}-(0[1-9]|1[0-2])|(19|20)\d{2}-Q[1-4]|FY(19|20)\d{2}-\d{2})$/, 'a month YYYY-MM, a quarter YYYY-Qn or a financial year FYYYYY-YY')
  .refine((p) => {
    const m = /^FY(\d{4})-(\d{2})$/.exec(p);
    return !m || (Number(m[1]) + 1) % 100 === Number(m[2]);
  }, 'a financial year runs April to March: FY2025-26')
  .meta({ description: 'A month YYYY-MM, a calendar quarter YYYY-Qn or a financial year FYYYYY-YY', examples: ['FY2025-26'] });

// ---------------------------------------------------------------- lines

/** UK Companies House number: 8 digits, or 2 letters + 6 digits (SC, NI, OC …). Leading zeros may be missing on input. */
export const CompaniesHouseNumber = z
  .string()
  .max(16)
  .trim()
  .toUpperCase()
  .transform((s) => s.replace(/\s+/g, ''))
  .transform((s) => (/^\d{1,8}$/.test(s) ? s.padStart(8, '0') : s))
  .pipe(z.string().max(8).regex(/^(\d{8}|[A-Z]{2}\d{6}|[A-Z]\d{7})$/, 'a Companies House number: 8 digits, or 2 letters and 6 digits'))
  // what the hub accepts before it removes spaces, upper-cases and pads: `sc 123456`, `1234567`
  .meta({
    pattern: '^\\s*((\\d\\s*){1,8}|[A-Za-z]\\s*[A-Za-z]\\s*(\\d\\s*){6}|[A-Za-z]\\s*(\\d\\s*){7})$',
    description: 'UK Companies House number: 8 digits (leading zeros may be left out), or 2 letters and 6 digits; any letter case, spaces ignored',
    examples: ['01234567'],
  });

const Name = z.string().trim().min(1, 'must not be empty').max(200);

/** Every PLACE code of any collection year the hub knows; the line's year decides (see `collectionYearOf`). */
const ANY_PLACE_CODE = [...new Set(Object.values(PLACE_CODES_BY_YEAR).flat())] as [string, ...string[]];

/** One spend line as an authority sends it (JSON; CSV rows are brought to this shape first). */
export const SpendLineInput = z
  .strictObject({
    period: SpendMonth.meta({ description: 'The month the spend is for (YYYY-MM), not after the current month' }),
    providerName: Name.meta({ description: 'The provider as the finance system names it', examples: ['Harbour Care Ltd'] }),
    providerUrn: Urn.optional().meta({ description: "Ofsted URN of the home, when the line is for one" }),
    companiesHouseNumber: CompaniesHouseNumber.optional(),
    providerGroup: Name.optional().meta({ description: 'The group the provider belongs to, when the authority knows it', examples: ['Harbour Care Group'] }),
    placementType: z.enum(ANY_PLACE_CODE, 'an SSDA903 PLACE code').meta({
      description: "SSDA903 PLACE code, valid in the collection year of the line's period (H5 and P2 until 2024-25, K3 from 2025-26)",
      examples: ['K2'],
    }),
    placementProvider: PlacementProvider,
    childRef: ChildRef.optional(),
    weeks: z.number().finite().min(0).max(53).optional().meta({ description: 'Weeks of care the line pays for', examples: [4.3] }),
    weeklyCost: NonNegativeMoney.optional().meta({ description: 'The weekly cost, GBP, at most 2 decimal places, not negative', examples: [5963.5] }),
    amount: Money.meta({ description: 'GBP, at most 2 decimal places; negative for a credit', examples: [25643.05] }),
  })
  .meta({ id: 'SpendLine', description: 'One line of spend; negative amounts are credits' });
export type SpendLineInput = z.output<typeof SpendLineInput>;

/** Data lines in one batch at most (the 256 KB body limit allows a few thousand real ones). */
export const MAX_BATCH_LINES = 50_000;
/** Errors reported for one rejected line at most, each clipped to the problem limits. */
export const MAX_LINE_ERRORS = 20;
/** Months one batch may span (each is an index entry written in the batch's transaction). */
export const MAX_MONTHS_PER_BATCH = 48;
/** Provider groups (and provider identities) one rollup can hold: the aggregator's key space. */
export const MAX_GROUPS = 2 ** 20;

export const PostSpendBatchBody = z
  .strictObject({ lines: z.array(z.unknown()).min(1, 'at least one line').max(MAX_BATCH_LINES) })
  .meta({ description: 'JSON batch; each line is validated on its own (see SpendLine). text/csv is accepted too, with a header row.' });

/**
 * The JSON batch as the OpenAPI document describes it: lines typed as SpendLine. The edge takes
 * `PostSpendBatchBody` (any lines) because an invalid line never fails the batch: the handler
 * lists it in `rejected` and keeps the rest.
 */
export const SpendBatchBody = z
  .strictObject({ lines: z.array(SpendLineInput).min(1).max(MAX_BATCH_LINES) })
  .meta({
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
export const SpendBatchJson = z
  .object({ lines: z.array(SpendLineInput).max(MAX_BATCH_LINES) })
  .meta({ id: 'SpendBatchJson', description: 'A batch posted as JSON: the lines the hub kept, each with the fields it knows' });

/** A batch posted as text/csv, as it is downloaded again. */
export const SpendBatchCsv = z.string().max(256 * 1024).meta({ description: `A batch posted as text/csv: the lines the hub kept, in CSV. ${SPEND_CSV_DESCRIPTION}` });

export const LineError = z.object({ path: z.string().max(300), message: z.string().max(500) });

export const SpendBatchAnswer = z
  .object({
    batchId: z.string().max(32),
    accepted: z.number().int().min(0),
    rejected: z.array(z.object({ line: z.number().int().min(1), errors: z.array(LineError).max(MAX_LINE_ERRORS) })).max(MAX_BATCH_LINES),
  })
  .meta({ id: 'SpendBatchAnswer' });
export type SpendBatchAnswer = z.output<typeof SpendBatchAnswer>;

export const BatchId = z.string().max(32).regex(/^[0-9a-f]{32}$/, 'a batch id').meta({ examples: ['5f2b9c0e4d7a41b8a3e6c1d9f0b2a7e4'] });
export const BatchParams = z.strictObject({ batchId: BatchId });

export const SpendBatchSummary = z
  .object({
    batchId: BatchId,
    authority: AuthoritySlug,
    receivedAt: IsoDateTime,
    format: z.enum(['csv', 'json']),
    lines: z.number().int().min(0).meta({ description: 'data lines posted' }),
    accepted: z.number().int().min(0),
    rejected: z.number().int().min(0),
    months: z.array(SpendMonth).max(MAX_MONTHS_PER_BATCH),
    spend: Money.meta({ description: 'sum of accepted amounts, GBP (credits count negative)' }),
  })
  .meta({ id: 'SpendBatch' });
export const SpendBatchList = listOf(SpendBatchSummary);

// ---------------------------------------------------------------- rollups

export const RollupBody = z.strictObject({ period: RollupPeriod }).meta({ id: 'RollupInput' });
export const RollupParams = z.strictObject({ period: RollupPeriod });

export const RollupObject = z.object({ key: z.string().max(200), sha256: z.string().length(64), bytes: z.number().int().min(0) });
export const RollupCreated = z
  .object({ period: RollupPeriod, generatedAt: IsoDateTime, objects: z.array(RollupObject).max(3) })
  .meta({ id: 'RollupCreated' });

/** A count cell: exact, or `"c"` when suppressed (fewer than 5, or to protect such a cell). */
const Count = z.union([z.number().int().min(0), z.literal('c')]);

export const Rollup = z
  .object({
    period: RollupPeriod,
    generatedAt: IsoDateTime,
    months: z.array(SpendMonth).max(12),
    totals: z.object({
      spend: Money,
      placements: Count,
      children: Count,
      authorities: z.number().int().min(0),
      providerGroups: z.number().int().min(0),
    }),
    byProviderGroup: z
      .array(z.object({ group: z.string().max(200), spend: Money, share: z.number().nullable(), authorities: z.number().int().min(0), placements: Count }))
      .max(MAX_GROUPS),
    byPlacementType: z.array(z.object({ placementType: z.string().max(3), spend: Money, placements: Count })).max(ANY_PLACE_CODE.length),
    byAuthority: z.array(z.object({ authority: AuthoritySlug, spend: Money, placements: Count })).max(11),
    unresolvedNames: z
      .array(z.object({ name: z.string().max(200), group: z.string().max(200) }))
      .max(MAX_GROUPS)
      .meta({ description: 'Provider names resolved only by their normalised name (no group, URN, Companies House number or mapping)' }),
  })
  .meta({ id: 'Rollup' });
export type Rollup = z.output<typeof Rollup>;

// ---------------------------------------------------------------- provider-group mapping

/**
 * A provider group's name or alias: the mapping keys it by its normalised name, so it must keep a
 * letter or digit once normalised (`★` and `♥` would otherwise be one entry, the later silently
 * replacing the earlier, and an alias `***` would claim every name without letters).
 */
const GroupName = Name.refine((s) => normaliseName(s) !== '', 'must contain a letter or digit').meta({ examples: ['Harbour Care Group'] });

export const ProviderGroupParams = z.strictObject({ group: GroupName });
export const ProviderGroupMappingBody = z
  .strictObject({
    aliases: z.array(GroupName).max(500).default([]),
    companiesHouseNumbers: z.array(CompaniesHouseNumber).max(500).default([]),
  })
  .meta({ id: 'ProviderGroupMappingInput' });
export const ProviderGroupMapping = z
  .object({
    group: z.string().max(200),
    aliases: z.array(z.string().max(200)).max(500),
    companiesHouseNumbers: z.array(z.string().max(8)).max(500),
    source: z.enum(['file', 'hub']),
    updatedAt: IsoDateTime.optional(),
  })
  .meta({ id: 'ProviderGroupMapping' });
export const ProviderGroupMappingList = listOf(ProviderGroupMapping);
