import * as z from 'zod';
import { VacancyId } from './ids.ts';
import { HOME_SECTORS } from './codes.ts';
import {
  Age, AuthoritySlug, CareAlongside, Cursor, IsoDate, IsoDateTime, listOf, NEED_COUNT, NeedCode, NonNegativeMoney, OfstedRating,
  Outcode, OutcodeOut, PlacementType, REASON_LIMITS, Sex, Urn, } from './common.ts';

/** Homes and vacancies (CONTRACT.md "Homes and vacancies"; issue 3). */

export const UrnParams = z.strictObject({ urn: Urn });
export { VacancyId };
export const VacancyParams = z.strictObject({ id: VacancyId });

const uniqueList = <T extends z.ZodType>(item: T, max: number) =>
  z.array(item).max(max).refine((xs) => new Set(xs).size === xs.length, 'must not repeat a value');

/** A full UK postcode in any letter case and spacing; stored and answered normalised (`cm1 1aa` → `CM1 1AA`). */
export const Postcode = z
  .string()
  .max(16)
  .regex(/^\s*[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2}\s*$/, 'a full UK postcode such as CM1 1AA')
  .meta({ description: "The home's full postcode, any letter case and spacing: answered normalised (CM1 1AA), only to the home's owner and the programme office, never in search", examples: ['CM1 1AA'] });
/** ONS code of an upper-tier authority (`E10000012`), any letter case; whether the hub knows it is checked by the domain. */
const OnsCodeIn = z
  .string()
  .max(16)
  .regex(/^\s*[EWSNewsn]\d{8}\s*$/, 'an ONS code such as E10000012')
  .meta({ description: 'ONS code of the upper-tier authority the home lies in', examples: ['E10000012'] });
/** Who runs the home, any letter case and spacing (`Voluntary`, ` private `): stored lower case. */
const SectorIn = z
  .string()
  .max(20)
  // letter case spelt out in the pattern (not a flag), so the document's pattern accepts what the hub does
  .regex(new RegExp(`^\\s*(${HOME_SECTORS.map((s) => s.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`).replace('-', '[\\s-]+')).join('|')})\\s*$`), `one of ${HOME_SECTORS.join(', ')}`)
  .meta({ description: `One of ${HOME_SECTORS.join(', ')}, any letter case: a provider's home defaults to private; an in-house home is local-authority`, examples: ['private'] });

export const AgeRange = z
  .strictObject({ min: Age, max: Age })
  .refine((r) => r.min <= r.max, { message: 'min must not be above max', path: ['max'] });

export const HomeInput = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    placementType: PlacementType,
    outcode: Outcode.optional().meta({ description: 'Outward code where the home is; without it the home is placed at its authority\'s centre' }),
    registeredPlaces: z.number().int().min(1).max(100),
    ofstedRating: OfstedRating,
    ageRange: AgeRange,
    sexes: uniqueList(Sex, 2).min(1),
    supports: uniqueList(NeedCode, 16).default([]),
    excludes: uniqueList(NeedCode, 16).default([]),
    careAlongside: CareAlongside.optional(),
    weeklyPrice: NonNegativeMoney.optional(),
    shareWithRegion: z
      .boolean()
      .optional()
      .meta({ description: 'In-house homes only: whether other authorities find its vacancies. Omitted keeps the current value (false for a new home).' }),
    postcode: Postcode.optional(),
    localAuthority: OnsCodeIn.optional(),
    sector: SectorIn.optional(),
  })
  .refine((h) => !h.supports.some((n) => h.excludes.includes(n)), { message: 'a need cannot be both supported and excluded', path: ['excludes'] })
  .meta({ id: 'HomeInput' });
export type HomeInput = z.output<typeof HomeInput>;

const Text = z.string().max(300);
export const ProviderRef = z.object({ id: Text, name: Text, group: Text }).meta({ id: 'ProviderRef' });

export const Home = z
  .object({
    urn: Urn,
    name: Text,
    owner: Text.meta({ description: 'The owning principal: provider:<id> or authority:<slug> (in-house)' }),
    provider: ProviderRef.optional(),
    placementType: PlacementType,
    outcode: OutcodeOut.optional(),
    authority: AuthoritySlug.optional().meta({ description: 'The Eastern Region authority the home lies in, when it does' }),
    registeredPlaces: z.number().int().min(0).meta({ description: 'As registered; 0 when the Ofsted register did not say' }),
    ofstedRating: OfstedRating,
    ageRange: z.object({ min: Age, max: Age }),
    sexes: z.array(Sex).max(2),
    supports: z.array(NeedCode).max(NEED_COUNT),
    excludes: z.array(NeedCode).max(NEED_COUNT),
    careAlongside: CareAlongside.optional(),
    weeklyPrice: NonNegativeMoney.optional(),
    shareWithRegion: z.boolean().optional(),
    postcode: z.string().max(10).optional().meta({ description: "Only for the home's owner and the programme office" }),
    localAuthority: z.string().max(12).optional(),
    sector: z.string().max(40).optional(),
    version: z.number().int().min(1),
    updatedAt: IsoDateTime,
  })
  .meta({ id: 'Home' });
export const HomeList = listOf(Home);

export const VacancyStatus = z.enum(['open', 'withdrawn', 'filled', 'lapsed']);
export type VacancyStatus = z.output<typeof VacancyStatus>;

export const Beds = z.number().int().min(1).max(100);

export const VacancyInput = z
  .strictObject({
    beds: Beds,
    availableFrom: IsoDate,
    weeklyPrice: NonNegativeMoney.optional().meta({ description: 'This vacancy\'s price when it differs from the home\'s: GBP, at most 2 decimal places, not negative' }),
    note: z.string().trim().max(500).optional(),
  })
  .meta({ id: 'VacancyInput' });
export type VacancyInput = z.output<typeof VacancyInput>;

export const VacancyPatch = z
  .strictObject({ status: z.enum(['withdrawn', 'filled']).optional(), beds: Beds.optional() })
  .refine((p) => p.status !== undefined || p.beds !== undefined, { message: 'send status or beds' })
  .meta({ id: 'VacancyPatch' });
export type VacancyPatch = z.output<typeof VacancyPatch>;

export const Vacancy = z
  .object({
    id: VacancyId,
    homeUrn: Urn,
    beds: z.number().int().min(0).max(100).meta({ description: 'Beds no open offer holds (0 once filled)' }),
    heldBeds: z.number().int().min(0).max(100).meta({ description: 'Beds open offers hold until their holdUntil' }),
    availableFrom: IsoDate,
    weeklyPrice: NonNegativeMoney.optional(),
    note: z.string().max(500).optional(),
    status: VacancyStatus,
    confirmedAt: IsoDateTime,
    expiresAt: IsoDateTime.meta({ description: 'confirmedAt + 7 days: unless reconfirmed by then, the vacancy lapses' }),
    version: z.number().int().min(1),
    updatedAt: IsoDateTime,
  })
  .meta({ id: 'Vacancy' });
export const VacancyList = listOf(Vacancy);

export const SearchChild = z.strictObject({
  age: Age,
  sex: Sex,
  needs: uniqueList(NeedCode, 16),
  careAlongside: CareAlongside.optional(),
});

export const SearchInput = z
  .strictObject({
    child: SearchChild,
    placementTypes: uniqueList(PlacementType, 30).min(1).optional(),
    near: z.strictObject({ outcode: Outcode }).optional(),
    maxMiles: z.number().positive().max(1000).optional().meta({ description: 'Needs near' }),
    availableBy: IsoDate.optional(),
    maxWeeklyPrice: NonNegativeMoney.optional(),
    minOfstedRating: OfstedRating.optional(),
    limit: z.number().int().min(1).max(100).default(20),
    cursor: Cursor.optional(),
  })
  .meta({ id: 'VacancySearch' });
export type SearchInput = z.output<typeof SearchInput>;

export const SearchResult = z
  .object({
    vacancyId: VacancyId,
    homeUrn: Urn,
    homeName: Text,
    provider: ProviderRef,
    placementType: PlacementType,
    ofstedRating: OfstedRating,
    beds: Beds,
    availableFrom: IsoDate,
    weeklyPrice: NonNegativeMoney.nullable(),
    distanceMiles: z.number().min(0).nullable(),
    over20Miles: z.boolean().nullable(),
    outOfArea: z.boolean().nullable(),
    score: z.number().min(0).max(1),
    reasons: z.array(z.string().max(REASON_LIMITS.length)).min(1).max(REASON_LIMITS.count),
    confirmedAt: IsoDateTime,
  })
  .meta({ id: 'VacancySearchResult' });
export const SearchResults = listOf(SearchResult);
