import * as z from 'zod/mini';
import { meta } from './meta.ts';
import { VacancyId } from './ids.ts';
import { HOME_SECTORS } from './codes.ts';
import {
  Age, AuthoritySlug, CareAlongside, Cursor, IsoDate, IsoDateTime, listOf, NEED_COUNT, NeedCode, NonNegativeMoney, OfstedRating,
  Outcode, OutcodeOut, PlacementType, REASON_LIMITS, Sex, Urn, } from './common.ts';

/** Homes and vacancies (CONTRACT.md "Homes and vacancies"; issue 3). */

export const UrnParams = z.strictObject({ urn: Urn });
export { VacancyId };
export const VacancyParams = z.strictObject({ id: VacancyId });

const uniqueList = <T extends z.ZodMiniType>(item: T, max: number) =>
  z.array(item).check(z.maxLength(max), z.refine((xs) => new Set(xs).size === xs.length, 'must not repeat a value'));

/** A full UK postcode in any letter case and spacing; stored and answered normalised (`cm1 1aa` → `CM1 1AA`). */
export const Postcode = meta(z.string().check(z.maxLength(16), z.regex(/^\s*[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2}\s*$/, 'a full UK postcode such as CM1 1AA')), { description: "The home's full postcode, any letter case and spacing: answered normalised (CM1 1AA), only to the home's owner and the programme office, never in search", examples: ['CM1 1AA'] });
/** ONS code of an upper-tier authority (`E10000012`), any letter case; whether the hub knows it is checked by the domain. */
const OnsCodeIn = meta(z.string().check(z.maxLength(16), z.regex(/^\s*[EWSNewsn]\d{8}\s*$/, 'an ONS code such as E10000012')), { description: 'ONS code of the upper-tier authority the home lies in', examples: ['E10000012'] });
/** Who runs the home, any letter case and spacing (`Voluntary`, ` private `): stored lower case. */
const SectorIn = meta(z.string().check(z.maxLength(20),
  // letter case spelt out in the pattern (not a flag), so the document's pattern accepts what the hub does
  z.regex(new RegExp(`^\\s*(${HOME_SECTORS.map((s) => s.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`).replace('-', '[\\s-]+')).join('|')})\\s*$`), `one of ${HOME_SECTORS.join(', ')}`)), { description: `One of ${HOME_SECTORS.join(', ')}, any letter case: a provider's home defaults to private; an in-house home is local-authority`, examples: ['private'] });

export const AgeRange = z.strictObject({ min: Age, max: Age }).check(z.refine((r) => r.min <= r.max, { message: 'min must not be above max', path: ['max'] }));

export const HomeInput = meta(z.strictObject({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    placementType: PlacementType,
    outcode: meta(z.optional(Outcode), { description: 'Outward code where the home is; without it the home is placed at its authority\'s centre' }),
    registeredPlaces: z.number().check(z.int(), z.gte(1), z.lte(100)),
    ofstedRating: OfstedRating,
    ageRange: AgeRange,
    sexes: uniqueList(Sex, 2).check(z.minLength(1)),
    supports: z._default(uniqueList(NeedCode, 16), []),
    excludes: z._default(uniqueList(NeedCode, 16), []),
    careAlongside: z.optional(CareAlongside),
    weeklyPrice: z.optional(NonNegativeMoney),
    shareWithRegion: meta(z.optional(z.boolean()), { description: 'In-house homes only: whether other authorities find its vacancies. Omitted keeps the current value (false for a new home).' }),
    postcode: z.optional(Postcode),
    localAuthority: z.optional(OnsCodeIn),
    sector: z.optional(SectorIn),
  }).check(z.refine((h) => !h.supports.some((n) => h.excludes.includes(n)), { message: 'a need cannot be both supported and excluded', path: ['excludes'] })), { id: 'HomeInput' });
export type HomeInput = z.output<typeof HomeInput>;

const Text = z.string().check(z.maxLength(300));
export const ProviderRef = meta(z.object({ id: Text, name: Text, group: Text }), { id: 'ProviderRef' });

export const Home = meta(z.object({
    urn: Urn,
    name: Text,
    owner: meta(Text, { description: 'The owning principal: provider:<id> or authority:<slug> (in-house)' }),
    provider: z.optional(ProviderRef),
    placementType: PlacementType,
    outcode: z.optional(OutcodeOut),
    authority: meta(z.optional(AuthoritySlug), { description: 'The Eastern Region authority the home lies in, when it does' }),
    registeredPlaces: meta(z.number().check(z.int(), z.gte(0)), { description: 'As registered; 0 when the Ofsted register did not say' }),
    ofstedRating: OfstedRating,
    ageRange: z.object({ min: Age, max: Age }),
    sexes: z.array(Sex).check(z.maxLength(2)),
    supports: z.array(NeedCode).check(z.maxLength(NEED_COUNT)),
    excludes: z.array(NeedCode).check(z.maxLength(NEED_COUNT)),
    careAlongside: z.optional(CareAlongside),
    weeklyPrice: z.optional(NonNegativeMoney),
    shareWithRegion: z.optional(z.boolean()),
    postcode: meta(z.optional(z.string().check(z.maxLength(10))), { description: "Only for the home's owner and the programme office" }),
    localAuthority: z.optional(z.string().check(z.maxLength(12))),
    sector: z.optional(z.string().check(z.maxLength(40))),
    version: z.number().check(z.int(), z.gte(1)),
    updatedAt: IsoDateTime,
  }), { id: 'Home' });
export const HomeList = listOf(Home);

export const VacancyStatus = z.enum(['open', 'withdrawn', 'filled', 'lapsed']);
export type VacancyStatus = z.output<typeof VacancyStatus>;

export const Beds = z.number().check(z.int(), z.gte(1), z.lte(100));

export const VacancyInput = meta(z.strictObject({
    beds: Beds,
    availableFrom: IsoDate,
    weeklyPrice: meta(z.optional(NonNegativeMoney), { description: 'This vacancy\'s price when it differs from the home\'s: GBP, at most 2 decimal places, not negative' }),
    note: z.optional(z.string().check(z.trim(), z.maxLength(500))),
  }), { id: 'VacancyInput' });
export type VacancyInput = z.output<typeof VacancyInput>;

export const VacancyPatch = meta(z.strictObject({ status: z.optional(z.enum(['withdrawn', 'filled'])), beds: z.optional(Beds) }).check(z.refine((p) => p.status !== undefined || p.beds !== undefined, { message: 'send status or beds' })), { id: 'VacancyPatch' });
export type VacancyPatch = z.output<typeof VacancyPatch>;

export const Vacancy = meta(z.object({
    id: VacancyId,
    homeUrn: Urn,
    beds: meta(z.number().check(z.int(), z.gte(0), z.lte(100)), { description: 'Beds no open offer holds (0 once filled)' }),
    heldBeds: meta(z.number().check(z.int(), z.gte(0), z.lte(100)), { description: 'Beds open offers hold until their holdUntil' }),
    availableFrom: IsoDate,
    weeklyPrice: z.optional(NonNegativeMoney),
    note: z.optional(z.string().check(z.maxLength(500))),
    status: VacancyStatus,
    confirmedAt: IsoDateTime,
    expiresAt: meta(IsoDateTime, { description: 'confirmedAt + 7 days: unless reconfirmed by then, the vacancy lapses' }),
    version: z.number().check(z.int(), z.gte(1)),
    updatedAt: IsoDateTime,
  }), { id: 'Vacancy' });
export const VacancyList = listOf(Vacancy);

export const SearchChild = z.strictObject({
  age: Age,
  sex: Sex,
  needs: uniqueList(NeedCode, 16),
  careAlongside: z.optional(CareAlongside),
});

export const SearchInput = meta(z.strictObject({
    child: SearchChild,
    placementTypes: z.optional(uniqueList(PlacementType, 30).check(z.minLength(1))),
    near: z.optional(z.strictObject({ outcode: Outcode })),
    maxMiles: meta(z.optional(z.number().check(z.positive(), z.lte(1000))), { description: 'Needs near' }),
    availableBy: z.optional(IsoDate),
    maxWeeklyPrice: z.optional(NonNegativeMoney),
    minOfstedRating: z.optional(OfstedRating),
    limit: z._default(z.number().check(z.int(), z.gte(1), z.lte(100)), 20),
    cursor: z.optional(Cursor),
  }), { id: 'VacancySearch' });
export type SearchInput = z.output<typeof SearchInput>;

export const SearchResult = meta(z.object({
    vacancyId: VacancyId,
    homeUrn: Urn,
    homeName: Text,
    provider: ProviderRef,
    placementType: PlacementType,
    ofstedRating: OfstedRating,
    beds: Beds,
    availableFrom: IsoDate,
    weeklyPrice: z.nullable(NonNegativeMoney),
    distanceMiles: z.nullable(z.number().check(z.gte(0))),
    over20Miles: z.nullable(z.boolean()),
    outOfArea: z.nullable(z.boolean()),
    score: z.number().check(z.gte(0), z.lte(1)),
    reasons: z.array(z.string().check(z.maxLength(REASON_LIMITS.length))).check(z.minLength(1), z.maxLength(REASON_LIMITS.count)),
    confirmedAt: IsoDateTime,
  }), { id: 'VacancySearchResult' });
export const SearchResults = listOf(SearchResult);
