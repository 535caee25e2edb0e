import * as placements from '../../schemas/placements.ts';
import { ListQuery } from '../../schemas/common.ts';
import { APPROVERS, CASEWORK, type HandlerDef, type RouteDef } from './types.ts';

/**
 * Placements once they exist (issue 12): reading and listing them, the reg 11 approval, reg 13(4)
 * notices, ending, the SSDA903 export. This part of the route table (composed in
 * functions/routes/index.ts) and its Lambda. `/v1/placements/ssda903` is a static segment: it wins
 * over `/v1/placements/{id}` in API Gateway and in the local gateway alike.
 */
export const placementsHandlers = {
  // writes placements and the audit entries of notice reads; reads the sharing agreements
  placements: { grants: ['table:write'], assets: ['sharing-agreements'] },
} as const satisfies Record<string, HandlerDef>;

const approvalExample = {
  role: 'nominated-officer',
  approvedBy: 'J. Smith, Head of Service',
  approvedAt: '2026-06-01T09:30:00Z',
  checklist: { wishesAndFeelings: true, mostAppropriate: true, relativesConsulted: true, areaAuthority: true, iroConsulted: true },
};

export const placementsRoutes = {
  'GET /v1/placements': {
    handler: 'placements',
    access: ['authority', 'programme-office', 'provider'],
    summary: "Placements, newest first: an authority's own (filter by status, or noticeOverdue=true), every one for the programme office, those in its homes for a provider ({id, homeUrn, authority, startDate, endDate?, status} only)",
    query: placements.ListPlacementsQuery,
    response: placements.PlacementList,
  },
  'GET /v1/placements/ssda903': {
    handler: 'placements',
    access: ['authority'],
    summary: 'Your own placements as SSDA903 episodes of a collection year (text/csv): one row per placement overlapping 1 April to 31 March, by CHILD then DECOM',
    query: placements.ExportQuery,
    doc: { content: { 'text/csv': placements.EpisodesCsv }, headers: ['Content-Disposition'] },
  },
  'GET /v1/placements/{id}': {
    handler: 'placements',
    access: ['authority', 'programme-office', 'provider'],
    summary: 'One placement: every field for its authority and the programme office; the reduced shape for the provider whose home it is in; anyone else 404',
    params: placements.PlacementParams,
    response: placements.PlacementOrProvider,
  },
  'POST /v1/placements/{id}/approval': {
    handler: 'placements',
    access: ['authority'],
    personRoles: APPROVERS,
    summary: 'Approve an own placement under CPPCR reg 11 (422 naming each shortfall; 409 when it is not awaiting approval)',
    params: placements.PlacementParams,
    body: placements.ApprovalBody,
    response: placements.Placement,
    statuses: [409, 422],
    doc: { example: approvalExample },
  },
  'POST /v1/placements/{id}/notices/{noticeId}/sent': {
    handler: 'placements',
    access: ['authority'],
    personRoles: CASEWORK,
    summary: 'Record that an own placement\'s reg 13(4) notice was sent to a host outside the 11 (409 when already sent)',
    params: placements.NoticeParams,
    body: placements.NoticeSentBody,
    response: placements.Placement,
    statuses: [409, 422],
    doc: { example: { sentAt: '2026-06-01T10:00:00Z' } },
  },
  'POST /v1/placements/{id}/end': {
    handler: 'placements',
    access: ['authority', 'programme-office'],
    personRoles: CASEWORK,
    summary: 'End a placement with its SSDA903 REC (and REASON_PLACE_CHANGE with X1): its authority, or the programme office for a pool placement (409 when ended)',
    params: placements.PlacementParams,
    body: placements.EndBody,
    response: placements.Placement,
    statuses: [409, 422],
    doc: { body: placements.EndBodyDoc, example: { endDate: '2026-09-30', reasonEpisodeCeased: 'X1', reasonPlaceChange: 'CARPL' } },
  },
  'GET /v1/notices': {
    handler: 'placements',
    access: ['authority'],
    summary: 'Reg 13(4) notices the hub delivered to you as host authority, newest first: the child\'s age, sex and needs under host-authority-notification (each read audited), never childRef',
    query: ListQuery,
    response: placements.HostNoticeList,
  },
} as const satisfies Record<string, RouteDef & { handler: keyof typeof placementsHandlers }>;
