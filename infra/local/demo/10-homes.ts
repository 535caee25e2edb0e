import { parsePrincipal, type Principal } from '../../../functions/domain/principal.ts';
import type { AuthoritySlug } from '../../../functions/domain/reference/authorities.ts';
import type { HomeWrite } from '../../../functions/domain/homes.ts';
import { effectiveStatus } from '../../../functions/domain/vacancy.ts';
import { getHome, putHome, putProviderProfiles } from '../../../functions/store/homes.ts';
import { confirmVacancy, createVacancy, getVacancy } from '../../../functions/store/vacancies.ts';
import { DEMO_PROVIDERS } from '../demo-principals.ts';

/**
 * Demo homes and vacancies (issue 3): the three demo providers' homes across the region and a
 * few authorities' in-house homes (some shared with the region), each with an open vacancy, so
 * a first search returns meaningful, explained results. Fictional homes; URNs SC9001xx–SC9004xx
 * lie outside Ofsted's range. Idempotent: homes are created once and then left to whoever
 * edits them; vacancies have fixed ids, are created once and reconfirmed on each start (so a
 * long-lived demo never lapses) unless they were withdrawn or filled meanwhile.
 */

type Demo = HomeWrite & { urn: string; owner: string; vacancies: { beds: number; inDays: number; weeklyPrice?: number; note?: string }[] };

const [fenland, harbour, meadowview] = DEMO_PROVIDERS.map((p) => `provider:${p.id}`) as [string, string, string];
const la = (slug: AuthoritySlug) => `authority:${slug}`;
const both = ['female', 'male'] as HomeWrite['sexes'];

const h = (
  urn: string, owner: string, name: string, placementType: HomeWrite['placementType'], outcode: string, registeredPlaces: number,
  ofstedRating: HomeWrite['ofstedRating'], ages: [number, number], sexes: HomeWrite['sexes'], supports: HomeWrite['supports'],
  excludes: HomeWrite['excludes'], careAlongside: HomeWrite['careAlongside'], weeklyPrice: number,
  vacancies: Demo['vacancies'], shareWithRegion?: boolean,
): Demo => ({
  urn, owner, name, placementType, outcode, registeredPlaces, ofstedRating, ageRange: { min: ages[0], max: ages[1] }, sexes, supports,
  excludes, careAlongside, weeklyPrice, vacancies, ...(shareWithRegion !== undefined ? { shareWithRegion } : {}),
});

export const DEMO_HOMES: Demo[] = [
  // Fenland Children's Homes: Peterborough, Cambridgeshire, Norfolk
  h('SC900101', fenland, 'Willow House', 'K2', 'PE1', 4, 'good', [10, 17], both, ['semh', 'going-missing', 'criminal-exploitation'], ['sexual-harm-to-others', 'fire-setting'], 'group', 5450, [{ beds: 1, inDays: 0 }]),
  h('SC900102', fenland, 'Orchard Lodge', 'K2', 'CB4', 3, 'outstanding', [8, 15], both, ['semh', 'self-harm', 'eating-disorder'], ['physical-harm-to-others'], 'group', 6200, [{ beds: 1, inDays: 7 }]),
  h('SC900103', fenland, 'The Granary', 'K2', 'PE30', 2, 'good', [12, 17], ['female'], ['sexual-exploitation', 'self-harm', 'going-missing'], ['exploiting-others'], 'solo', 7800, [{ beds: 1, inDays: 3 }]),
  h('SC900104', fenland, 'Fen View', 'K2', 'PE29', 4, 'requires-improvement', [11, 17], ['male'], ['criminal-exploitation', 'drug-alcohol'], ['sexual-harm-to-others'], 'group', 4950, [{ beds: 2, inDays: 0 }]),
  h('SC900105', fenland, 'Riverside', 'K2', 'NR3', 3, 'good', [9, 17], both, ['disability', 'complex-medical'], ['fire-setting', 'physical-harm-to-others'], 'group', 8900, [{ beds: 1, inDays: 14 }]),
  h('SC900106', fenland, 'Lantern House', 'K3', 'PE2', 6, 'good', [16, 17], both, ['separated-migrant', 'semh'], [], 'group', 1850, [{ beds: 2, inDays: 0 }]),
  h('SC900107', fenland, 'Marsh Farm', 'K2', 'PE19', 1, 'not-yet-inspected', [13, 17], both, ['physical-harm-to-others', 'semh', 'self-harm'], [], 'solo', 9400, [{ beds: 1, inDays: 21 }]),
  // Harbour Care: Essex, Southend-on-Sea, Thurrock, Suffolk
  h('SC900201', harbour, 'Harbour View', 'K2', 'SS1', 4, 'good', [11, 17], both, ['going-missing', 'criminal-exploitation', 'semh'], ['fire-setting'], 'group', 5300, [{ beds: 1, inDays: 0 }]),
  h('SC900202', harbour, 'Saltings', 'K2', 'CO15', 3, 'outstanding', [10, 17], ['female'], ['sexual-exploitation', 'self-harm', 'eating-disorder'], [], 'group', 6650, [{ beds: 1, inDays: 5, weeklyPrice: 6450, note: 'Ground-floor room with its own bathroom' }]),
  h('SC900203', harbour, 'Quayside', 'K2', 'RM17', 2, 'good', [12, 17], ['male'], ['criminal-exploitation', 'drug-alcohol', 'exploiting-others'], ['sexual-harm-to-others'], 'solo', 7250, [{ beds: 1, inDays: 0 }]),
  h('SC900204', harbour, 'Beacon House', 'K2', 'CM2', 4, 'requires-improvement', [8, 14], both, ['semh'], ['drug-alcohol', 'sexual-harm-to-others'], 'group', 4600, [{ beds: 2, inDays: 2 }]),
  h('SC900205', harbour, 'Tidemill', 'K2', 'IP4', 3, 'good', [10, 17], both, ['disability', 'semh', 'self-harm'], [], 'group', 6100, [{ beds: 1, inDays: 10 }]),
  h('SC900206', harbour, 'Anchor Court', 'K3', 'SS2', 8, 'good', [16, 17], both, ['separated-migrant', 'going-missing'], ['fire-setting'], 'group', 1650, [{ beds: 3, inDays: 0 }]),
  h('SC900207', harbour, 'Estuary Lodge', 'K2', 'SS17', 2, 'good', [13, 17], both, ['harm-to-animals', 'fire-setting', 'semh'], [], 'solo', 8300, [{ beds: 1, inDays: 7 }]),
  h('SC900208', harbour, 'Colne House', 'K2', 'CO4', 4, 'inadequate', [11, 17], ['male'], [], ['self-harm'], 'group', 4200, [{ beds: 1, inDays: 0 }]),
  // Meadowview Care Services: Hertfordshire, Bedford, Central Bedfordshire, Luton
  h('SC900301', meadowview, 'Elm Lodge', 'K2', 'AL1', 4, 'outstanding', [10, 17], both, ['semh', 'self-harm', 'going-missing'], ['fire-setting'], 'group', 6900, [{ beds: 1, inDays: 0 }]),
  h('SC900302', meadowview, 'Hawthorn', 'K2', 'LU3', 3, 'good', [11, 17], both, ['criminal-exploitation', 'going-missing', 'drug-alcohol'], ['sexual-harm-to-others'], 'group', 5600, [{ beds: 1, inDays: 4 }]),
  h('SC900303', meadowview, 'Brook House', 'K2', 'MK41', 2, 'good', [8, 14], both, ['disability', 'complex-medical', 'semh'], ['physical-harm-to-others'], 'solo', 9100, [{ beds: 1, inDays: 0 }]),
  h('SC900304', meadowview, 'Chiltern View', 'K2', 'LU7', 4, 'requires-improvement', [12, 17], ['female'], ['sexual-exploitation', 'self-harm'], ['exploiting-others'], 'group', 5150, [{ beds: 2, inDays: 0 }]),
  h('SC900305', meadowview, 'Lea Bank', 'K2', 'SG13', 3, 'good', [13, 17], ['male'], ['sexual-harm-to-others', 'semh'], ['sexual-exploitation'], 'solo', 8700, [{ beds: 1, inDays: 14 }]),
  h('SC900306', meadowview, 'Stepping Stones', 'K3', 'SG1', 6, 'not-yet-inspected', [16, 17], both, ['separated-migrant'], [], 'group', 1900, [{ beds: 2, inDays: 0 }]),
  h('SC900307', meadowview, 'Ivel House', 'K2', 'SG18', 1, 'good', [10, 17], both, ['eating-disorder', 'self-harm', 'semh'], [], 'solo', 9800, [{ beds: 1, inDays: 1 }]),
  // In-house homes: some shared with the region, some kept for their own children
  h('SC900401', la('essex'), 'Rainsford Road', 'K2', 'CM1', 4, 'good', [11, 17], both, ['semh', 'going-missing'], ['fire-setting'], 'group', 4100, [{ beds: 1, inDays: 0 }], true),
  h('SC900402', la('essex'), 'Lexden House', 'K2', 'CO1', 3, 'outstanding', [8, 16], both, ['disability'], [], 'group', 4400, [{ beds: 1, inDays: 3 }], false),
  h('SC900403', la('hertfordshire'), 'Cassio Lodge', 'K2', 'WD17', 4, 'good', [10, 17], both, ['semh', 'criminal-exploitation'], ['sexual-harm-to-others'], 'group', 4700, [{ beds: 1, inDays: 0 }], true),
  h('SC900404', la('norfolk'), 'Mousehold House', 'K2', 'NR1', 4, 'good', [10, 17], both, ['self-harm', 'semh'], [], 'group', 4300, [{ beds: 1, inDays: 0 }], false),
  h('SC900405', la('suffolk'), 'Abbey Gate', 'K2', 'IP33', 3, 'good', [11, 17], both, ['going-missing'], ['fire-setting'], 'group', 4550, [{ beds: 1, inDays: 6 }], true),
  h('SC900406', la('peterborough'), 'Nene Secure Unit', 'K1', 'PE4', 16, 'good', [10, 17], both, ['self-harm', 'criminal-exploitation', 'going-missing', 'physical-harm-to-others'], [], 'group', 10500, [{ beds: 2, inDays: 0 }], true),
  h('SC900407', la('cambridgeshire'), 'Mill Road', 'K2', 'CB1', 3, 'good', [11, 17], both, ['semh'], [], 'group', 4250, [{ beds: 1, inDays: 0 }], false),
];

/** The calendar day in Europe/London, `days` from today. */
function londonDay(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

const RECONFIRM_AFTER_MS = 12 * 3_600_000;

export async function seed(_ctx: { keys: Record<string, string> }): Promise<void> {
  await putProviderProfiles(DEMO_PROVIDERS.map(({ id, name, group }) => ({ id, name, group })));
  let homes = 0;
  let vacancies = 0;
  let reconfirmed = 0;
  for (const demo of DEMO_HOMES) {
    const principal = parsePrincipal(demo.owner) as Principal;
    const { urn, owner: _o, vacancies: wanted, ...input } = demo;
    const existing = await getHome(urn);
    if (!existing) {
      await putHome(principal, urn, input);
      homes++;
    } else if (existing.owner !== demo.owner) continue; // the URN belongs to someone else now: leave it
    for (const [i, v] of wanted.entries()) {
      const id = `demo-${urn}-${i + 1}`;
      const current = await getVacancy(id);
      if (!current) {
        await createVacancy(principal, urn, { beds: v.beds, availableFrom: londonDay(v.inDays), weeklyPrice: v.weeklyPrice, note: v.note }, { id });
        vacancies++;
      } else if (effectiveStatus(current) !== 'withdrawn' && effectiveStatus(current) !== 'filled' && Date.now() - Date.parse(current.confirmedAt) > RECONFIRM_AFTER_MS) {
        await confirmVacancy(principal, id);
        reconfirmed++;
      }
    }
  }
  if (homes + vacancies + reconfirmed > 0) console.log(`  demo homes: ${homes} homes and ${vacancies} vacancies added, ${reconfirmed} vacancies reconfirmed`);
}
