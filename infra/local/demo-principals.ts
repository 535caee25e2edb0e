import { AUTHORITY_SLUGS } from '../../functions/domain/reference/authorities.ts';

/**
 * The demo principals `npm start` seeds: every authority, the programme office and three
 * providers. The providers are fictional organisations, named as parties to the regional
 * sharing agreement in sharing-agreements/.
 */
export const DEMO_PROVIDERS = [
  { id: 'fenland-childrens-homes', name: "Fenland Children's Homes Ltd", group: 'Fenland Care Group' },
  { id: 'harbour-care', name: 'Harbour Care Ltd', group: 'Harbour Care Group' },
  { id: 'meadowview-care', name: 'Meadowview Care Services Ltd', group: 'Meadowview Care Services' },
] as const;

export const DEMO_PRINCIPALS: string[] = [
  ...AUTHORITY_SLUGS.map((s) => `authority:${s}`),
  'programme-office',
  ...DEMO_PROVIDERS.map((p) => `provider:${p.id}`),
];

/**
 * The demo people `npm start` seeds (CONTRACT "Organisations and people"): one person per role
 * in Essex and Suffolk, one of a provider and one of the programme office. Their passwords are
 * made at random per install and written to .local/demo-people.json; the table keeps only hashes.
 */
export const DEMO_PEOPLE: { email: string; principal: string; roles: string[] }[] = [
  ...(['essex', 'suffolk'] as const).flatMap((la) => [
    { email: `placement-officer@${la}.example`, principal: `authority:${la}`, roles: ['placement-officer'] },
    { email: `nominated-officer@${la}.example`, principal: `authority:${la}`, roles: ['nominated-officer'] },
    { email: `director@${la}.example`, principal: `authority:${la}`, roles: ['director-of-childrens-services'] },
  ]),
  { email: 'staff@harbour-care.example', principal: 'provider:harbour-care', roles: ['provider-staff'] },
  { email: 'programme-officer@programme-office.example', principal: 'programme-office', roles: ['programme-officer'] },
];
