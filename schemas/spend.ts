import * as z from 'zod';
import { normaliseName } from './codes.ts';
import { PLACE_CODES_BY_YEAR } from './codes.ts';
import { AuthoritySlug, ChildRef, IsoDateTime, listOf, Money, NonNegativeMoney, PlacementProvider, Urn } from './common.ts';

/** Pooled spend (CONTRACT.md "Pooled spend"): spend lines, batches and rollups. */

// ---------------------------------------------------------------- periods

/** A calendar month `YYYY-MM`. */
export const SpendMonth = z.string().max(7).regex(/^(19|20)\d{2}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');

/** A month `YYYY-MM`, a calendar quarter `YYYY-Qn` or a financial year `FYYYYY-YY` (April to March). */
export const RollupPeriod = z
  .string()
  .max(9)
  .regex(/^((19|20)\d{2}-(0[1-9]|1[0-2])|(19|20)\d{2}-Q[1-4]|FY(19|20)\d{2}-\d{2})$/, 'a month YYYY-MM, a quarter YYYY-Qn or a financial year FYYYYY-YY')
  .refine((p) => {
    const m = /^FY(\d{4})-(\d{2})$/.exec(p);
    return !m || (Number(m[1]) + 1) % 100 === Number(m[2]);
  }, 'a financial year runs April to March: FY2025-26')
  .meta({ description: 'A month YYYY-MM, a calendar quarter YYYY-Qn or a financial year FYYYYY-YY', example: 'FY2025-26' });

// ---------------------------------------------------------------- lines

/** UK Companies House number: 8 digits, or 2 letters + 6 digits (SC, NI, OC …). Leading zeros may be missing on input. */
export const CompaniesHouseNumber = z
  .string()
  .max(16)
  .trim()
  .toUpperCase()
  .transform((s) => s.replace(/\s+/g, ''))
  .transform((s) => (/^\d{1,8}$/.test(s) ? s.padStart(8, '0') : s))
  .pipe(z.string().max(8).regex(/^(\d{8}|[A-Z]{2}\d{6}|[A-Z]\d{7})$/, 'a Companies House number: 8 digits, or 2 letters and 6 digits'));

const Name = z.string().trim().min(1, 'must not be empty').max(200);

/** Every PLACE code of any collection year the hub knows; the line's year decides (see `collectionYearOf`). */
const ANY_PLACE_CODE = [...new Set(Object.values(PLACE_CODES_BY_YEAR).flat())] as [string, ...string[]];

/** One spend line as an authority sends it (JSON; CSV rows are brought to this shape first). */
export const SpendLineInput = z
  .strictObject({
    period: SpendMonth,
    providerName: Name,
    providerUrn: Urn.optional(),
    companiesHouseNumber: CompaniesHouseNumber.optional(),
    providerGroup: Name.optional(),
    placementType: z.enum(ANY_PLACE_CODE, 'an SSDA903 PLACE code'),
    placementProvider: PlacementProvider,
    childRef: ChildRef.optional(),
    weeks: z.number().finite().min(0).max(53).optional(),
    weeklyCost: NonNegativeMoney.optional(),
    amount: Money,
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

export const LineError = z.object({ path: z.string().max(300), message: z.string().max(500) });

export const SpendBatchAnswer = z
  .object({
    batchId: z.string().max(32),
    accepted: z.number().int(),
    rejected: z.array(z.object({ line: z.number().int().min(1), errors: z.array(LineError).max(MAX_LINE_ERRORS) })).max(MAX_BATCH_LINES),
  })
  .meta({ id: 'SpendBatchAnswer' });
export type SpendBatchAnswer = z.output<typeof SpendBatchAnswer>;

export const BatchId = z.string().max(32).regex(/^[0-9a-f]{32}$/, 'a batch id');
export const BatchParams = z.strictObject({ batchId: BatchId });

export const SpendBatchSummary = z
  .object({
    batchId: BatchId,
    authority: AuthoritySlug,
    receivedAt: IsoDateTime,
    format: z.enum(['csv', 'json']),
    lines: z.number().int().meta({ description: 'data lines posted' }),
    accepted: z.number().int(),
    rejected: z.number().int(),
    months: z.array(SpendMonth).max(MAX_MONTHS_PER_BATCH),
    spend: z.number().meta({ description: 'sum of accepted amounts, GBP' }),
  })
  .meta({ id: 'SpendBatch' });
export const SpendBatchList = listOf(SpendBatchSummary);

// ---------------------------------------------------------------- rollups

export const RollupBody = z.strictObject({ period: RollupPeriod });
export const RollupParams = z.strictObject({ period: RollupPeriod });

export const RollupObject = z.object({ key: z.string().max(200), sha256: z.string().length(64), bytes: z.number().int() });
export const RollupCreated = z
  .object({ period: RollupPeriod, generatedAt: IsoDateTime, objects: z.array(RollupObject).max(3) })
  .meta({ id: 'RollupCreated' });

/** A count cell: exact, or `"c"` when suppressed (fewer than 5, or to protect such a cell). */
const Count = z.union([z.number().int(), z.literal('c')]);

export const Rollup = z
  .object({
    period: RollupPeriod,
    generatedAt: IsoDateTime,
    months: z.array(SpendMonth).max(12),
    totals: z.object({
      spend: z.number(),
      placements: Count,
      children: Count,
      authorities: z.number().int(),
      providerGroups: z.number().int(),
    }),
    byProviderGroup: z
      .array(z.object({ group: z.string().max(200), spend: z.number(), share: z.number().nullable(), authorities: z.number().int(), placements: Count }))
      .max(MAX_GROUPS),
    byPlacementType: z.array(z.object({ placementType: z.string().max(2), spend: z.number(), placements: Count })).max(ANY_PLACE_CODE.length),
    byAuthority: z.array(z.object({ authority: AuthoritySlug, spend: z.number(), placements: Count })).max(11),
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
const GroupName = Name.refine((s) => normaliseName(s) !== '', 'must contain a letter or digit');

export const ProviderGroupParams = z.strictObject({ group: GroupName });
export const ProviderGroupMappingBody = z.strictObject({
  aliases: z.array(GroupName).max(500).default([]),
  companiesHouseNumbers: z.array(CompaniesHouseNumber).max(500).default([]),
});
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
