import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { addDays, londonToday, maxDate } from '../../../functions/domain/calendar-days.ts';
import type { Principal } from '../../../functions/domain/principal.ts';
import { authorityOfOutcode } from '../../../functions/domain/geo.ts';
import { getHome, putHomeRecords, type HomeItem } from '../../../functions/store/homes.ts';
import { BankHolidaysUnknown } from '../../../functions/domain/working-days.ts';
import type { NewBed, NewRequest } from '../../../functions/domain/pool.ts';
import { allocate, createBed, createRequest, endAllocation, getBed, getRequest } from '../../../functions/store/pool.ts';
import { DEMO_PROVIDERS } from '../demo-principals.ts';

/**
 * Demo pooled beds (issues 4 and 12): six block-contracted beds in five fictional homes, five
 * requests, one child stepped down from an emergency bed into a move-on bed, one still in an
 * emergency bed, and Southend-on-Sea's child in an emergency bed in Hertfordshire since
 * yesterday: a placement at a distance awaiting the director's approval, its reg 13(4) notice
 * delivered to Hertfordshire and due on the 5th working day. Every allocation is a placement. Every item has a fixed id and is
 * written only when missing, so a restart changes nothing (and an allocation a user has since
 * ended stays ended). The homes are issue 3's to seed; any that are not there yet are written
 * here, minimally, and never over a home that exists. The URNs are not in Ofsted's register.
 */

const PO: Principal = { kind: 'programme-office' };
const [fenland, harbour, meadowview] = DEMO_PROVIDERS;

const provider = (p: (typeof DEMO_PROVIDERS)[number]) => ({ owner: `provider:${p.id}`, provider: { id: p.id, name: p.name, group: p.group } });

const HOMES: Array<Omit<HomeItem, 'version' | 'updatedAt' | 'authority'>> = [
  {
    urn: 'SC741203', name: 'Oakfield House', ...provider(harbour), placementType: 'K2', outcode: 'CM1', registeredPlaces: 4,
    ofstedRating: 'good', ageRange: { min: 11, max: 17 }, sexes: ['female', 'male'],
    supports: ['self-harm', 'going-missing', 'semh'], excludes: ['fire-setting'], careAlongside: 'group', weeklyPrice: 7350,
  },
  {
    urn: 'SC741218', name: 'Willow Lodge', ...provider(fenland), placementType: 'K2', outcode: 'NR2', registeredPlaces: 3,
    ofstedRating: 'outstanding', ageRange: { min: 12, max: 17 }, sexes: ['female', 'male'],
    supports: ['criminal-exploitation', 'drug-alcohol', 'going-missing'], excludes: ['sexual-harm-to-others'], careAlongside: 'group', weeklyPrice: 6900,
  },
  {
    urn: 'SC741225', name: 'The Maltings', ...provider(meadowview), placementType: 'K3', outcode: 'IP1', registeredPlaces: 6,
    ofstedRating: 'not-yet-inspected', ageRange: { min: 16, max: 17 }, sexes: ['female', 'male'],
    supports: ['semh', 'separated-migrant'], excludes: [], careAlongside: 'group', weeklyPrice: 2450,
  },
  {
    urn: 'SC741232', name: 'Fenview', ...provider(fenland), placementType: 'K3', outcode: 'CB1', registeredPlaces: 4,
    ofstedRating: 'good', ageRange: { min: 16, max: 17 }, sexes: ['female', 'male'],
    supports: ['self-harm'], excludes: [], careAlongside: 'solo', weeklyPrice: 2800,
  },
  {
    urn: 'SC741249', name: 'Hollybush House', ...provider(meadowview), placementType: 'K2', outcode: 'SG2', registeredPlaces: 3,
    ofstedRating: 'good', ageRange: { min: 10, max: 17 }, sexes: ['female', 'male'],
    supports: ['self-harm', 'semh', 'going-missing'], excludes: ['fire-setting'], careAlongside: 'group', weeklyPrice: 7600,
  },
];

/** Writes the home (with its owner index, as the homes store does) unless one with its URN exists. */
async function ensureHome(home: (typeof HOMES)[number]): Promise<void> {
  if (await getHome(home.urn)) return;
  const item: HomeItem = { ...home, authority: authorityOfOutcode(home.outcode!), version: 1, updatedAt: new Date().toISOString() };
  await putHomeRecords([item], { ifMissing: true });
}

const ignoreExisting = async <T>(write: () => Promise<T>): Promise<void> => {
  try {
    await write();
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
  }
};

/** First day of the financial year (1 April) that `date` falls in. */
const financialYearStart = (date: string) => `${Number(date.slice(5, 7)) >= 4 ? date.slice(0, 4) : Number(date.slice(0, 4)) - 1}-04-01`;

export async function seed(): Promise<void> {
  for (const home of HOMES) await ensureHome(home);

  const today = londonToday();
  const from = financialYearStart(today);
  const to = addDays(`${Number(from.slice(0, 4)) + 2}-04-01`, -1); // a two-year block contract
  const contract = (n: number) => `CE-POOL-${from.slice(0, 4)}-${String(n).padStart(2, '0')}`;
  const beds: Array<NewBed & { id: string }> = [
    { id: 'bed_demo0emergency01', homeUrn: 'SC741203', kind: 'emergency', weeklyCostPence: 735_000, contractRef: contract(1), from, to },
    {
      id: 'bed_demo0emergency02', homeUrn: 'SC741203', kind: 'emergency', weeklyCostPence: 735_000, contractRef: contract(1), from, to,
      shares: { essex: 0.4, 'southend-on-sea': 0.2, thurrock: 0.2, suffolk: 0.2 },
    },
    { id: 'bed_demo0emergency03', homeUrn: 'SC741218', kind: 'emergency', weeklyCostPence: 690_000, contractRef: contract(2), from, to },
    { id: 'bed_demo00moveon0001', homeUrn: 'SC741225', kind: 'move-on', weeklyCostPence: 245_000, contractRef: contract(3), from, to },
    { id: 'bed_demo00moveon0002', homeUrn: 'SC741232', kind: 'move-on', weeklyCostPence: 280_000, contractRef: contract(4), from: addDays(today, -60), to },
    { id: 'bed_demo0emergency04', homeUrn: 'SC741249', kind: 'emergency', weeklyCostPence: 760_000, contractRef: contract(5), from, to },
  ];
  for (const { id, ...bed } of beds) if (!(await getBed(id))) await ignoreExisting(() => createBed(PO, bed, { id }));

  const requests: Array<{ owner: Principal & { kind: 'authority' }; id: string; request: NewRequest }> = [
    {
      owner: { kind: 'authority', id: 'essex' }, id: 'req_essex_demo00000001',
      request: { kind: 'emergency', urgency: 'today', neededFrom: maxDate(from, addDays(today, -12)), child: { childRef: 'ECC-2291', age: 16, sex: 'female', needs: ['self-harm', 'going-missing'] }, homeOutcode: 'CM2' },
    },
    {
      owner: { kind: 'authority', id: 'norfolk' }, id: 'req_norfolk_demo00000001',
      request: { kind: 'emergency', urgency: 'today', neededFrom: maxDate(from, addDays(today, -5)), child: { childRef: 'NCC-0412', age: 14, sex: 'male', needs: ['criminal-exploitation'] }, homeOutcode: 'NR5' },
    },
    {
      owner: { kind: 'authority', id: 'suffolk' }, id: 'req_suffolk_demo00000001',
      request: { kind: 'emergency', urgency: 'within-5-days', neededFrom: addDays(today, 2), child: { childRef: 'SCC-7781', age: 13, sex: 'female', needs: ['semh'] }, homeOutcode: 'IP4' },
    },
    {
      owner: { kind: 'authority', id: 'luton' }, id: 'req_luton_demo00000001',
      request: { kind: 'move-on', urgency: 'planned', neededFrom: addDays(today, 14), child: { childRef: 'LBC-3307', age: 17, sex: 'male', needs: [] }, homeOutcode: 'LU1' },
    },
    {
      owner: { kind: 'authority', id: 'southend-on-sea' }, id: 'req_southend-on-sea_demo00000001',
      request: { kind: 'emergency', urgency: 'today', neededFrom: maxDate(from, addDays(today, -1)), child: { childRef: 'SOS-1184', age: 13, sex: 'female', needs: ['self-harm', 'going-missing'] }, homeOutcode: 'SS2' },
    },
  ];
  for (const r of requests) if (!(await getRequest(r.owner, r.id))) await ignoreExisting(() => createRequest(r.owner, r.request, { id: r.id }));

  // Essex's child: an emergency bed twelve days ago, stepped down into move-on three days ago.
  const essex = await getRequest(PO, 'req_essex_demo00000001', true);
  if (essex?.status === 'pending') {
    const placed = await allocate({ requestId: essex.id, bedId: 'bed_demo0emergency01', startDate: essex.neededFrom, who: PO, httpRequestId: 'demo-seed' });
    await endAllocation({
      who: PO, id: placed.id, endDate: maxDate(essex.neededFrom, addDays(today, -3)), reason: 'PLACE', stepDownTo: 'bed_demo00moveon0001', httpRequestId: 'demo-seed',
    });
  }
  // Norfolk's child: in an emergency bed since five days ago.
  const norfolk = await getRequest(PO, 'req_norfolk_demo00000001', true);
  if (norfolk?.status === 'pending') {
    await allocate({ requestId: norfolk.id, bedId: 'bed_demo0emergency03', startDate: norfolk.neededFrom, who: PO, httpRequestId: 'demo-seed' });
  }
  // Southend-on-Sea's child: an emergency bed in Hertfordshire since yesterday. Hertfordshire does
  // not adjoin Southend, so the placement is at a distance (the director approves, reg 11) and
  // its reg 13(4) notice, delivered to Hertfordshire in the hub, is due on the 5th working day.
  const southend = await getRequest(PO, 'req_southend-on-sea_demo00000001', true);
  if (southend?.status === 'pending') {
    try {
      await allocate({ requestId: southend.id, bedId: 'bed_demo0emergency04', startDate: southend.neededFrom, who: PO, httpRequestId: 'demo-seed' });
    } catch (e) {
      // past the years the embedded bank holiday feed covers, the notice's working days cannot be counted: the demo goes on without this placement
      if (!(e instanceof BankHolidaysUnknown)) throw e;
    }
  }
}
