import * as z from 'zod/mini';
import { meta } from './meta.ts';
import {
  Age, AuthoritySlug, Cursor, IsoDate, IsoDateTime, Limit, listOf, Money, NeedCode, NEED_COUNT, PlacementProvider, ReasonPlaceChange, Sex, Urn,
} from './common.ts';
import {
  APPROVAL_CHECKLIST, APPROVAL_ROLES, APPROVALS_REQUIRED, ID_PATTERNS, NOTICE_ID_PATTERN, PLACE_CODES_BY_YEAR, PLACEMENT_LOCATIONS, REASON_EPISODE_CEASED_CODES,
} from './codes.ts';

/**
 * Placements once they exist (CONTRACT.md "Offers and placements"): reading and listing them,
 * the reg 11 approval, reg 13(4) notices, ending, and the SSDA903 export. An accepted offer or a
 * pool allocation creates them.
 */

export const PLACEMENT_STATUSES = ['awaiting-approval', 'confirmed', 'ended'] as const;
export const PlacementStatus = z.enum(PLACEMENT_STATUSES);

export const PlacementId = meta(z.string().check(z.maxLength(80), z.regex(ID_PATTERNS.placement, 'a placement id (plc_…)')), { examples: ['plc_essex_0mpdw4sg0b71d2e94a6c'] });
export const NoticeId = meta(z.string().check(z.maxLength(48), z.regex(NOTICE_ID_PATTERN, 'a notice id (ntc_…)')), { examples: ['ntc_0mpdw4sg0b71d2e94a6c'] });

export const PlacementParams = z.strictObject({ id: PlacementId });
export const NoticeParams = z.strictObject({ id: PlacementId, noticeId: NoticeId });

/** Every PLACE code of any year the hub has lists for: a placement keeps the code it was made with. */
const ANY_PLACE_CODE = [...new Set(Object.values(PLACE_CODES_BY_YEAR).flat())] as [string, ...string[]];
const PlaceCode = meta(z.enum(ANY_PLACE_CODE), { description: 'SSDA903 PLACE code (the list of the year the placement was made)' });
const ReasonEpisodeCeased = meta(z.enum(REASON_EPISODE_CEASED_CODES), { description: 'SSDA903 REC: the reason the episode ceased' });

export const ListPlacementsQuery = z.strictObject({
  limit: Limit,
  cursor: z.optional(Cursor),
  status: meta(z.optional(PlacementStatus), { description: 'Only placements in this status (authority, programme office)' }),
  noticeOverdue: meta(z.optional(z.enum(['true', 'false'])), { description: '`true`: only placements with a reg 13(4) notice not sent and due before today (Europe/London)' }),
});

const Organisation = z.object({ id: z.string().check(z.maxLength(100)), name: z.string().check(z.maxLength(200)) });
const By = meta(z.object({ principal: z.string().check(z.maxLength(100)), person: z.optional(z.string().check(z.maxLength(200))) }), { description: 'Who changed the placement last: the organisation (principal) and, when a person acted, that person' });

export const Notice = meta(z.object({
    id: NoticeId,
    regulation: z.literal('13(4)'),
    to: meta(z.object({ onsCode: z.string().check(z.maxLength(9)), name: z.string().check(z.maxLength(100)) }), { description: 'The host (area) authority' }),
    dueBy: IsoDate,
    sentAt: meta(z.optional(IsoDateTime), { description: 'When it was sent: set by the hub when it delivered the notice to a host of the 11' }),
  }), { id: 'PlacementNotice' });

export const Approval = z.object({
  required: z.enum(APPROVALS_REQUIRED),
  status: z.enum(['not-required', 'pending', 'approved']),
  role: z.optional(z.enum(APPROVAL_ROLES)),
  approvedBy: z.optional(z.string().check(z.maxLength(200))),
  approvedAt: z.optional(IsoDateTime),
});

export const Placement = meta(z.object({
    id: PlacementId,
    authority: AuthoritySlug,
    childRef: z.string().check(z.maxLength(64)),
    referralId: z.optional(z.string().check(z.maxLength(80))),
    offerId: z.optional(z.string().check(z.maxLength(80))),
    allocationId: z.optional(z.string().check(z.maxLength(80))),
    homeUrn: Urn,
    homeName: z.string().check(z.maxLength(300)),
    provider: Organisation,
    placementType: PlaceCode,
    placementProvider: PlacementProvider,
    startDate: IsoDate,
    endDate: z.optional(IsoDate),
    weeklyCost: Money,
    hostAuthority: z.object({ onsCode: z.string().check(z.maxLength(9)), name: z.string().check(z.maxLength(100)) }),
    location: z.enum(PLACEMENT_LOCATIONS),
    distanceMiles: z.nullable(z.number()),
    over20Miles: z.nullable(z.boolean()),
    approval: Approval,
    notices: z.array(Notice).check(z.maxLength(10)),
    status: PlacementStatus,
    reasonEpisodeCeased: z.optional(ReasonEpisodeCeased),
    reasonPlaceChange: z.optional(ReasonPlaceChange),
    createdAt: IsoDateTime,
    by: By,
  }), { id: 'Placement' });

export const ProviderPlacement = meta(z.object({ id: PlacementId, homeUrn: Urn, authority: AuthoritySlug, startDate: IsoDate, endDate: z.optional(IsoDate), status: PlacementStatus }), { id: 'ProviderPlacement', description: 'A placement in one of the provider\'s homes, as the provider reads it' });

export const PlacementOrProvider = z.union([Placement, ProviderPlacement]);
export const PlacementList = listOf(PlacementOrProvider);

export const ApprovalBody = meta(z.strictObject({
    role: z.enum(APPROVAL_ROLES),
    approvedBy: meta(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)), { description: 'Who approved (name or post)' }),
    approvedAt: meta(IsoDateTime, { description: 'When: not in the future' }),
    checklist: meta(z.strictObject(Object.fromEntries(APPROVAL_CHECKLIST.map((k) => [k, z.boolean()])) as Record<(typeof APPROVAL_CHECKLIST)[number], z.ZodMiniBoolean>), { description: 'CPPCR reg 11(2)(a)–(e): every item must be true' }),
  }), { id: 'PlacementApproval' });

export const NoticeSentBody = meta(z.strictObject({ sentAt: meta(IsoDateTime, { description: 'When the notice was sent: not in the future' }) }), { id: 'NoticeSent' });

/** Codes are judged by the domain (422 naming each), so the edge takes any short code; `EndBodyDoc` is what a client sends. */
const Code = z.string().check(z.trim(), z.minLength(1), z.maxLength(8));
export const EndBody = z.strictObject({ endDate: IsoDate, reasonEpisodeCeased: Code, reasonPlaceChange: z.optional(Code) });
export const EndBodyDoc = meta(z.strictObject({
    endDate: meta(IsoDate, { description: 'Not before the start date' }),
    reasonEpisodeCeased: ReasonEpisodeCeased,
    reasonPlaceChange: meta(z.optional(ReasonPlaceChange), { description: 'Required when reasonEpisodeCeased is X1' }),
  }), { id: 'PlacementEnd' });

export const HostNotice = meta(z.object({
    id: NoticeId,
    regulation: z.literal('13(4)'),
    from: meta(AuthoritySlug, { description: 'The placing authority' }),
    homeUrn: Urn,
    homeName: z.string().check(z.maxLength(300)),
    startDate: IsoDate,
    child: meta(z.object({ age: z.optional(Age), sex: z.optional(Sex), needs: z.optional(z.array(NeedCode).check(z.maxLength(NEED_COUNT))) }), {
      description: 'What the regional agreement discloses to a host authority for host-authority-notification (never childRef)',
    }),
    sentAt: IsoDateTime,
  }), { id: 'HostNotice' });
export const HostNoticeList = listOf(HostNotice);

export const ExportQuery = z.strictObject({
  year: meta(z.string().check(z.maxLength(7), z.regex(/^\d{4}-\d{2}$/, 'a collection year YYYY-YY')), { description: 'SSDA903 collection year (1 April to 31 March)', examples: ['2025-26'] }),
});
/** A Lambda's synchronous answer is at most 6 MB: some 80,000 episode rows, far beyond any authority's year. */
export const EpisodesCsv = meta(z.string().check(z.maxLength(6 * 1024 * 1024)), {
  description: 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN; one row per placement overlapping the year, by CHILD then DECOM; dates dd/mm/YYYY',
});
