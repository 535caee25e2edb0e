import type { CareAlongside, HomeSector, NeedCode, OfstedRating, PlacementType, Sex } from '../../schemas/codes.ts';
import { badRequest } from './errors.ts';
import { authorityOfOutcode, normaliseOutcode, upperTierByCode } from './geo.ts';
import { principalId, type Principal } from './principal.ts';
import { AUTHORITIES, type AuthoritySlug } from './reference/authorities.ts';

/**
 * A home, its owner's view of it and the copy of its facts its vacancies carry for search.
 * Pure: the store turns these into items (store/home-record.ts), nothing here does I/O.
 */

export interface HomeItem {
  urn: string;
  name: string;
  /** The owning principal id: `provider:<id>` or `authority:<slug>` (in-house). */
  owner: string;
  provider?: { id: string; name: string; group: string };
  placementType: PlacementType;
  outcode?: string;
  /** The Eastern Region authority the home lies in, when it does. */
  authority?: AuthoritySlug;
  registeredPlaces: number;
  ofstedRating: OfstedRating;
  ageRange: { min: number; max: number };
  sexes: Sex[];
  supports: NeedCode[];
  excludes: NeedCode[];
  careAlongside?: CareAlongside;
  weeklyPrice?: number;
  shareWithRegion?: boolean;
  /** The full postcode, normalised (`CM1 1AA`): shown only to the owner and the programme office, never in search. */
  postcode?: string;
  /** ONS code of the upper-tier authority the home lies in, as its owner gave it. */
  localAuthority?: string;
  version: number;
  updatedAt: string;
  /**
   * Beds held by the home's vacancies whose stored status is `open` (never above
   * `registeredPlaces`). Kept by the store in the same transaction as every vacancy write;
   * absent on homes written before it existed (then counted from the vacancies once).
   */
  openBeds?: number;
  // --- from the Ofsted register, when imported (optional; not part of the API's home) ---
  /** `private`, `voluntary`, `local-authority`, `health` (from the API); the Ofsted register also has `academy`, `health-authority`. */
  sector?: string;
  /** Ofsted's provision type, e.g. `Children's home`. */
  provisionType?: string;
  /** The local authority as Ofsted writes it (for homes outside the region too). */
  ofstedLocalAuthority?: string;
  /** Date of the latest full inspection, `YYYY-MM-DD`. */
  inspectedOn?: string;
  /** The date of the register the Ofsted facts came from, `YYYY-MM-DD`. */
  ofstedAsAt?: string;
  /** Where the home was first written from. */
  source?: 'api' | 'ofsted' | 'demo';
}

export type ProviderRef = NonNullable<HomeItem['provider']>;

/** The facts of a home a vacancy carries for search (copied; refreshed when the home changes); `v` is the home version copied. */
export type HomeSnapshot = { v: number } & Pick<
  HomeItem,
  | 'name' | 'owner' | 'provider' | 'placementType' | 'outcode' | 'authority' | 'registeredPlaces' | 'ofstedRating' | 'ageRange' | 'sexes'
  | 'supports' | 'excludes' | 'careAlongside' | 'weeklyPrice' | 'shareWithRegion'
>;

/** The body of `PUT /v1/homes/{urn}` after validation. */
export type HomeWrite = Pick<
  HomeItem,
  | 'name' | 'placementType' | 'outcode' | 'registeredPlaces' | 'ofstedRating' | 'ageRange' | 'sexes' | 'supports' | 'excludes'
  | 'careAlongside' | 'weeklyPrice' | 'shareWithRegion' | 'postcode' | 'localAuthority'
> & { sector?: string };

/** A full UK postcode in any letter case and spacing, normalised: `cm1 1aa` → `CM1 1AA`. */
export function normalisePostcode(postcode: string): string {
  const compact = postcode.replace(/\s+/g, '').toUpperCase();
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}

/** Sectors and ONS codes in any letter case and spacing, normalised (`Voluntary` → `voluntary`, ` e10000012` → `E10000012`). */
export const normaliseSector = (sector: string): string => sector.trim().toLowerCase().replace(/\s+/g, '-');
export const normaliseOnsCode = (code: string): string => code.replace(/\s+/g, '').toUpperCase();

/**
 * The home's `postcode`, `localAuthority` and `sector` as stored: normalised; a `localAuthority`
 * the hub does not know is 400 naming it; an in-house home's sector is `local-authority` (400
 * naming `sector` for anything else), a provider's home defaults to `private`.
 */
export function homeWhereabouts(
  ownerKind: 'authority' | 'provider',
  input: Pick<HomeWrite, 'postcode' | 'localAuthority' | 'sector'>,
  existing: Pick<HomeItem, 'postcode' | 'localAuthority' | 'sector'> | undefined,
): { postcode?: string; localAuthority?: string; sector: HomeSector | string } {
  const localAuthority = input.localAuthority !== undefined ? normaliseOnsCode(input.localAuthority) : existing?.localAuthority;
  if (localAuthority !== undefined && !upperTierByCode(localAuthority)) {
    throw badRequest('The body is not valid.', [{ path: 'localAuthority', message: 'not the ONS code of an upper-tier authority in England' }]);
  }
  const given = input.sector !== undefined ? normaliseSector(input.sector) : undefined;
  if (ownerKind === 'authority' && given !== undefined && given !== 'local-authority') {
    throw badRequest('The body is not valid.', [{ path: 'sector', message: 'an in-house home is local-authority' }]);
  }
  const sector = ownerKind === 'authority' ? 'local-authority' : (given ?? existing?.sector ?? 'private');
  const postcode = input.postcode !== undefined ? normalisePostcode(input.postcode) : existing?.postcode;
  return { ...(postcode !== undefined ? { postcode } : {}), ...(localAuthority !== undefined ? { localAuthority } : {}), sector };
}

/** The authority an in-house home belongs to (`authority:<slug>` owner), or undefined for a provider's home. */
export function inHouseAuthority(owner: string): AuthoritySlug | undefined {
  return owner.startsWith('authority:') ? (owner.slice('authority:'.length) as AuthoritySlug) : undefined;
}

/** An authority's in-house provision, as a provider reference. */
export function inHouseProvider(slug: AuthoritySlug, organisation?: string): ProviderRef {
  const name = organisation ?? `${AUTHORITIES.find((a) => a.id === slug)!.name} (in-house)`;
  return { id: slug, name, group: name };
}

/**
 * The home a `PUT /v1/homes/{urn}` by `p` makes, on top of what is stored. `provider` is the
 * caller's organisation as the store knows it (for a provider; ignored for an authority).
 */
export function homeFromWrite(
  p: Exclude<Principal, { kind: 'programme-office' }>,
  urn: string,
  input: HomeWrite,
  existing: HomeItem | undefined,
  opts: { now: string; provider?: ProviderRef },
): HomeItem {
  const outcode = input.outcode ? normaliseOutcode(input.outcode) : undefined;
  const provider: ProviderRef =
    existing?.provider?.id === p.id
      ? existing.provider
      : p.kind === 'provider'
        ? (opts.provider ?? { id: p.id, name: p.id, group: p.id })
        : inHouseProvider(p.id);
  const authority = outcode ? authorityOfOutcode(outcode) : (existing?.authority ?? (p.kind === 'authority' ? p.id : undefined));
  return {
    ...(existing ?? {}),
    urn,
    name: input.name,
    owner: `${p.kind}:${p.id}`,
    provider,
    placementType: input.placementType,
    outcode,
    authority,
    registeredPlaces: input.registeredPlaces,
    ofstedRating: input.ofstedRating,
    ageRange: { min: input.ageRange.min, max: input.ageRange.max },
    sexes: [...input.sexes],
    supports: [...input.supports],
    excludes: [...input.excludes],
    careAlongside: input.careAlongside,
    weeklyPrice: input.weeklyPrice,
    shareWithRegion: p.kind === 'authority' ? (input.shareWithRegion ?? existing?.shareWithRegion ?? false) : undefined,
    ...homeWhereabouts(p.kind, input, existing),
    version: (existing?.version ?? 0) + 1,
    updatedAt: opts.now,
    source: existing?.source ?? 'api',
  };
}

/** The copy of a home's facts its vacancies carry (no undefined fields). */
export function homeSnapshot(home: HomeItem): HomeSnapshot {
  const s: HomeSnapshot = {
    v: home.version,
    name: home.name,
    owner: home.owner,
    provider: home.provider,
    placementType: home.placementType,
    outcode: home.outcode,
    authority: home.authority,
    registeredPlaces: home.registeredPlaces,
    ofstedRating: home.ofstedRating,
    ageRange: home.ageRange,
    sexes: home.sexes,
    supports: home.supports,
    excludes: home.excludes,
    careAlongside: home.careAlongside,
    weeklyPrice: home.weeklyPrice,
    shareWithRegion: home.shareWithRegion,
  };
  for (const k of Object.keys(s) as (keyof HomeSnapshot)[]) if (s[k] === undefined) delete s[k];
  return s;
}

/** Who may read a home's full postcode: its owner and the programme office (never search). */
export const seesPostcode = (h: Pick<HomeItem, 'owner'>, reader: Principal): boolean => reader.kind === 'programme-office' || principalId(reader) === h.owner;

/** A home as the API shows it to `reader` (CONTRACT "Homes and vacancies"): the postcode only to its owner and the programme office. */
export function homeView(h: HomeItem, reader: Principal) {
  return {
    urn: h.urn,
    name: h.name,
    owner: h.owner,
    ...(h.provider ? { provider: h.provider } : {}),
    placementType: h.placementType,
    ...(h.outcode ? { outcode: h.outcode } : {}),
    ...(h.authority ? { authority: h.authority } : {}),
    registeredPlaces: h.registeredPlaces,
    ofstedRating: h.ofstedRating,
    ageRange: h.ageRange,
    sexes: h.sexes,
    supports: h.supports,
    excludes: h.excludes,
    ...(h.careAlongside ? { careAlongside: h.careAlongside } : {}),
    ...(h.weeklyPrice !== undefined ? { weeklyPrice: h.weeklyPrice } : {}),
    ...(inHouseAuthority(h.owner) ? { shareWithRegion: h.shareWithRegion === true } : {}),
    ...(h.postcode !== undefined && seesPostcode(h, reader) ? { postcode: h.postcode } : {}),
    ...(h.localAuthority !== undefined ? { localAuthority: h.localAuthority } : {}),
    ...(h.sector !== undefined ? { sector: h.sector } : {}),
    version: h.version,
    updatedAt: h.updatedAt,
  };
}
