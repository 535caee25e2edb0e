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
