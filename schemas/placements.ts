import * as z from 'zod';
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

export const PlacementId = z.string().max(80).regex(ID_PATTERNS.placement, 'a placement id (plc_…)').meta({ examples: ['plc_essex_0mpdw4sg0b71d2e94a6c'] });
export const NoticeId = z.string().max(48).regex(NOTICE_ID_PATTERN, 'a notice id (ntc_…)').meta({ examples: ['ntc_0mpdw4sg0b71d2e94a6c'] });

export const PlacementParams = z.strictObject({ id: PlacementId });
export const NoticeParams = z.strictObject({ id: PlacementId, noticeId: NoticeId });

/** Every PLACE code of any year the hub has lists for: a placement keeps the code it was made with. */
const ANY_PLACE_CODE = [...new Set(Object.values(PLACE_CODES_BY_YEAR).flat())] as [string, ...string[]];
const PlaceCode = z.enum(ANY_PLACE_CODE).meta({ description: 'SSDA903 PLACE code (the list of the year the placement was made)' });
const ReasonEpisodeCeased = z.enum(REASON_EPISODE_CEASED_CODES).meta({ description: 'SSDA903 REC: the reason the episode ceased' });

export const ListPlacementsQuery = z.strictObject({
  limit: Limit,
  cursor: Cursor.optional(),
  status: PlacementStatus.optional().meta({ description: 'Only placements in this status (authority, programme office)' }),
  noticeOverdue: z.enum(['true', 'false']).optional().meta({ description: '`true`: only placements with a reg 13(4) notice not sent and due before today (Europe/London)' }),
});

const Organisation = z.object({ id: z.string().max(100), name: z.string().max(200) });
const By = z
  .object({ principal: z.string().max(100), person: z.string().max(200).optional() })
  .meta({ description: 'Who changed the placement last: the organisation (principal) and, when a person acted, that person' });

export const Notice = z
  .object({
    id: NoticeId,
    regulation: z.literal('13(4)'),
    to: z.object({ onsCode: z.string().max(9), name: z.string().max(100) }).meta({ description: 'The host (area) authority' }),
    dueBy: IsoDate,
    sentAt: IsoDateTime.optional().meta({ description: 'When it was sent: set by the hub when it delivered the notice to a host of the 11' }),
  })
  .meta({ id: 'PlacementNotice' });

export const Approval = z.object({
  required: z.enum(APPROVALS_REQUIRED),
  status: z.enum(['not-required', 'pending', 'approved']),
  role: z.enum(APPROVAL_ROLES).optional(),
  approvedBy: z.string().max(200).optional(),
  approvedAt: IsoDateTime.optional(),
});

export const Placement = z
  .object({
    id: PlacementId,
    authority: AuthoritySlug,
    childRef: z.string().max(64),
    referralId: z.string().max(80).optional(),
    offerId: z.string().max(80).optional(),
    allocationId: z.string().max(80).optional(),
    homeUrn: Urn,
    homeName: z.string().max(300),
    provider: Organisation,
    placementType: PlaceCode,
    placementProvider: PlacementProvider,
    startDate: IsoDate,
    endDate: IsoDate.optional(),
    weeklyCost: Money,
    hostAuthority: z.object({ onsCode: z.string().max(9), name: z.string().max(100) }),
    location: z.enum(PLACEMENT_LOCATIONS),
    distanceMiles: z.number().nullable(),
    over20Miles: z.boolean().nullable(),
    approval: Approval,
    notices: z.array(Notice).max(10),
    status: PlacementStatus,
    reasonEpisodeCeased: ReasonEpisodeCeased.optional(),
    reasonPlaceChange: ReasonPlaceChange.optional(),
    createdAt: IsoDateTime,
    by: By,
  })
  .meta({ id: 'Placement' });

export const ProviderPlacement = z
  .object({ id: PlacementId, homeUrn: Urn, authority: AuthoritySlug, startDate: IsoDate, endDate: IsoDate.optional(), status: PlacementStatus })
  .meta({ id: 'ProviderPlacement', description: 'A placement in one of the provider\'s homes, as the provider reads it' });

export const PlacementOrProvider = z.union([Placement, ProviderPlacement]);
export const PlacementList = listOf(PlacementOrProvider);

export const ApprovalBody = z
  .strictObject({
    role: z.enum(APPROVAL_ROLES),
    approvedBy: z.string().trim().min(1).max(200).meta({ description: 'Who approved (name or post)' }),
    approvedAt: IsoDateTime.meta({ description: 'When: not in the future' }),
    checklist: z
      .strictObject(Object.fromEntries(APPROVAL_CHECKLIST.map((k) => [k, z.boolean()])) as Record<(typeof APPROVAL_CHECKLIST)[number], z.ZodBoolean>)
      .meta({ description: 'CPPCR reg 11(2)(a)–(e): every item must be true' }),
  })
  .meta({ id: 'PlacementApproval' });

export const NoticeSentBody = z.strictObject({ sentAt: IsoDateTime.meta({ description: 'When the notice was sent: not in the future' }) }).meta({ id: 'NoticeSent' });

/** Codes are judged by the domain (422 naming each), so the edge takes any short code; `EndBodyDoc` is what a client sends. */
const Code = z.string().trim().min(1).max(8);
export const EndBody = z.strictObject({ endDate: IsoDate, reasonEpisodeCeased: Code, reasonPlaceChange: Code.optional() });
export const EndBodyDoc = z
  .strictObject({
    endDate: IsoDate.meta({ description: 'Not before the start date' }),
    reasonEpisodeCeased: ReasonEpisodeCeased,
    reasonPlaceChange: ReasonPlaceChange.optional().meta({ description: 'Required when reasonEpisodeCeased is X1' }),
  })
  .meta({ id: 'PlacementEnd' });

export const HostNotice = z
  .object({
    id: NoticeId,
    regulation: z.literal('13(4)'),
    from: AuthoritySlug.meta({ description: 'The placing authority' }),
    homeUrn: Urn,
    homeName: z.string().max(300),
    startDate: IsoDate,
    child: z.object({ age: Age.optional(), sex: Sex.optional(), needs: z.array(NeedCode).max(NEED_COUNT).optional() }).meta({
      description: 'What the regional agreement discloses to a host authority for host-authority-notification (never childRef)',
    }),
    sentAt: IsoDateTime,
  })
  .meta({ id: 'HostNotice' });
export const HostNoticeList = listOf(HostNotice);

export const ExportQuery = z.strictObject({
  year: z.string().max(7).regex(/^\d{4}-\d{2}$/, 'a collection year YYYY-YY').meta({ description: 'SSDA903 collection year (1 April to 31 March)', examples: ['2025-26'] }),
});
/** A Lambda's synchronous answer is at most 6 MB: some 80,000 episode rows, far beyond any authority's year. */
export const EpisodesCsv = z.string().max(6 * 1024 * 1024).meta({
  description: 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN; one row per placement overlapping the year, by CHILD then DECOM; dates dd/mm/YYYY',
});
