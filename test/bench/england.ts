import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type * as z from 'zod/mini';
import { importOfsted, readRegister } from '../../functions/cli/import-ofsted.ts';
import { interpretRow } from '../../functions/domain/ofsted.ts';
import { parseCsvBatch, penceToText, prepareBatch } from '../../functions/domain/spend.ts';
import { AUTHORITY_SLUGS, type AuthoritySlug } from '../../functions/domain/reference/authorities.ts';
import { NEEDS_CODES, type NeedCode } from '../../schemas/codes.ts';
import { agreementInForce } from '../../functions/store/agreements.ts';
import { getHomes } from '../../functions/store/homes.ts';
import { createRequest } from '../../functions/store/pool.ts';
import { createReferral } from '../../functions/store/referrals.ts';
import { commitBatch } from '../../functions/store/spend.ts';
import { newVacancy, putVacanciesBatch } from '../../functions/store/vacancies.ts';
import { CreateRequestBody } from '../../schemas/pool.ts';
import { CreateReferral } from '../../schemas/referrals.ts';

/**
 * England-scale data, seeded and reproducible (issue 7): the same seed writes the same data on
 * every run and machine. Everything goes through the hub's own code paths (the Ofsted importer,
 * the vacancy, request, referral and spend stores, the request bodies' zod schemas), into the
 * store the caller's environment points at.
 *
 *   homes + vacancies ... every home in Ofsted's 2025 England register (../shared/data), each
 *                         children's home posted vacant (beds = its places, a price, a start
 *                         date within 4 weeks, confirmed within the last 6 days)
 *   pool requests ....... emergency and move-on requests from all 11 authorities
 *   referrals ........... placement-matching referrals shared with the ISP's providers
 *   spend ............... 1,000,000 lines for a financial year (11 authorities × 12 months,
 *                         ~600 provider groups spelt several ways), as ≤ 3,000-line CSV batches
 *
 * `npm run england` loads all of it into the local store (the running `npm start` hub's, or
 * .local/ started for the command); the benches load what each needs.
 */

const DATA = process.env.HUB_SHARED_DATA ?? resolve(import.meta.dirname, '../../../shared/data');
export const ENGLAND_REGISTER = resolve(DATA, 'ofsted_providers_2025-03-31_england.csv');
/** The East of England rows of the same register, in Ofsted's own layout: the region's own scale. */
export const EAST_REGISTER = resolve(DATA, 'ofsted_providers_2025-03-31_east_of_england_raw.csv');

/** mulberry32: a small, fast, seeded generator; the same seed gives the same stream everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pickWith = (rnd: () => number) => <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// ------------------------------------------------------------------ homes and vacancies

/** The URNs of the register's children's homes, read the way the importer reads them. */
export async function childrensHomeUrns(file: string): Promise<string[]> {
  const { rows, header } = await readRegister(file);
  return rows
    .slice(header.row + 1)
    .map((r) => interpretRow(r, header))
    .flatMap((o) => (o.kind === 'home' && /^children's home$/i.test(o.home.provisionType) ? [o.home.urn] : []));
}

export interface HomesLoaded {
  written: number;
  rows: number;
  importMs: number;
  vacancies: number;
  beds: number;
  vacancyMs: number;
}

/** Imports the England register (or `register`) and posts every children's home vacant. Undefined when the register is absent. */
export async function loadHomesAndVacancies(seed = 3900, now = new Date(), register = ENGLAND_REGISTER): Promise<HomesLoaded | undefined> {
  if (!existsSync(register)) return undefined;
  let t = performance.now();
  const summary = await importOfsted(register, { progress: false });
  const importMs = performance.now() - t;

  t = performance.now();
  const homes = await getHomes(await childrensHomeUrns(register));
  const rnd = prng(seed);
  const vacancies = [...homes.values()].map((home) => {
    const beds = Math.max(1, home.registeredPlaces);
    const availableFrom = isoDay(now.getTime() + Math.floor(rnd() * 28) * 86_400_000);
    const weeklyPrice = Math.round(4000 + rnd() * 6000);
    // confirmed some time in the last 6 days, so freshness varies and nothing lapses mid-run
    return newVacancy(home, { beds, availableFrom, weeklyPrice }, { id: `england-${home.urn}`, now: new Date(now.getTime() - Math.floor(rnd() * 6 * 86_400_000)) });
  });
  await putVacanciesBatch(vacancies, homes); // with each home's open-bed count, through the home-record builder
  return {
    written: summary.created + summary.updated,
    rows: summary.rows,
    importMs,
    vacancies: vacancies.length,
    beds: vacancies.reduce((a, v) => a + v.beds, 0),
    vacancyMs: performance.now() - t,
  };
}

// ------------------------------------------------------------------ children: pool requests and referrals

/** A few real outcodes in each authority, for children's home addresses. */
const OUTCODES: Record<AuthoritySlug, readonly string[]> = {
  bedford: ['MK40', 'MK41', 'MK42', 'MK44'],
  cambridgeshire: ['CB1', 'CB4', 'PE19', 'PE29', 'CB6'],
  'central-bedfordshire': ['LU5', 'LU7', 'SG17', 'SG18', 'MK45'],
  essex: ['CM1', 'CM2', 'CO1', 'CO4', 'SS14', 'CM20', 'CO15'],
  hertfordshire: ['AL1', 'SG1', 'WD17', 'HP2', 'EN8', 'SG12'],
  luton: ['LU1', 'LU2', 'LU3', 'LU4'],
  norfolk: ['NR1', 'NR3', 'PE30', 'NR30', 'NR18'],
  peterborough: ['PE1', 'PE2', 'PE3', 'PE4'],
  'southend-on-sea': ['SS0', 'SS1', 'SS2', 'SS9'],
  suffolk: ['IP1', 'IP4', 'IP33', 'NR32', 'CB9'],
  thurrock: ['RM16', 'RM17', 'RM20', 'SS17'],
};

function childFacts(rnd: () => number, authority: AuthoritySlug, i: number, prefix: string) {
  const pick = pickWith(rnd);
  const needs = [...new Set(Array.from({ length: Math.floor(rnd() * 4) }, () => pick(NEEDS_CODES)))] as NeedCode[];
  return {
    childRef: `${prefix}-${authority.slice(0, 3).toUpperCase()}-${String(i).padStart(6, '0')}`,
    age: 8 + Math.floor(rnd() * 10),
    sex: rnd() < 0.5 ? ('female' as const) : ('male' as const),
    needs,
    homeOutcode: pick(OUTCODES[authority]),
  };
}

/** `n` pool requests (bodies as an authority would post them), round robin over the 11 authorities. */
export function poolRequests(seed: number, n: number, today: string): { authority: AuthoritySlug; body: z.output<typeof CreateRequestBody> }[] {
  const rnd = prng(seed);
  const pick = pickWith(rnd);
  return Array.from({ length: n }, (_, i) => {
    const authority = AUTHORITY_SLUGS[i % AUTHORITY_SLUGS.length]!;
    const { homeOutcode, ...child } = childFacts(rnd, authority, i, `POOL${seed}`);
    const body = CreateRequestBody.parse({
      kind: rnd() < 0.7 ? 'emergency' : 'move-on',
      urgency: pick(['today', 'within-5-days', 'planned'] as const),
      neededFrom: today,
      child,
      homeOutcode,
    });
    return { authority, body };
  });
}

/** `n` placement-matching referrals under the region's ISP, on a public-task basis, each shared with 1–3 of its providers. */
export function referrals(seed: number, n: number): { authority: AuthoritySlug; body: CreateReferral }[] {
  const agreement = agreementInForce('commission-east-placements-isp');
  if (!agreement) throw new Error('the regional sharing agreement is missing from sharing-agreements/');
  const providers = agreement.parties.flatMap((p) => (p.principal.startsWith('provider:') ? [p.principal.slice('provider:'.length)] : []));
  const rnd = prng(seed);
  const pick = pickWith(rnd);
  return Array.from({ length: n }, (_, i) => {
    const authority = AUTHORITY_SLUGS[i % AUTHORITY_SLUGS.length]!;
    const shareWith = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(providers)))];
    const body = CreateReferral.parse({
      agreementId: agreement.id,
      purpose: 'placement-matching',
      child: { ...childFacts(rnd, authority, i, `REF${seed}`), urgency: pick(['today', 'within-5-days', 'planned'] as const), careAlongside: rnd() < 0.3 ? 'solo' : 'group' },
      lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18' },
      shareWith,
    });
    return { authority, body };
  });
}

/** Writes requests and referrals through the stores, 16 at a time; ids derive from the seed, so a rerun writes nothing new. */
export async function loadChildren(seed: number, counts: { requests: number; referrals: number }, now = new Date()): Promise<{ requests: number; referrals: number; ms: number }> {
  const t = performance.now();
  const agreement = agreementInForce('commission-east-placements-isp')!;
  const jobs: (() => Promise<unknown>)[] = [
    ...poolRequests(seed, counts.requests, isoDay(now.getTime())).map(({ authority, body }, i) => () =>
      createRequest({ kind: 'authority', id: authority }, { ...body, child: { ...body.child, needs: [...new Set(body.child.needs)] } }, { id: `req_${authority}_england${seed}x${i}`, now }).catch((e: Error) => {
        if (e.name !== 'ConditionalCheckFailedException') throw e; // already loaded by an earlier run
      })),
    ...referrals(seed + 1, counts.referrals).map(({ authority, body }, i) => () =>
      createReferral({ kind: 'authority', id: authority }, body, agreement, now, `00000000-0000-4000-8000-${String(seed).padStart(4, '0').slice(-4)}${String(i).padStart(8, '0')}`)),
  ];
  for (let i = 0; i < jobs.length; i += 16) await Promise.all(jobs.slice(i, i + 16).map((j) => j()));
  return { requests: counts.requests, referrals: counts.referrals, ms: performance.now() - t };
}

// ------------------------------------------------------------------ spend

const LINES_PER_BATCH = 3_000;
const TYPES = [['K2', 'PR4'], ['K2', 'PR5'], ['U4', 'PR4'], ['U1', 'PR1'], ['U5', 'PR4'], ['R1', 'PR4'], ['S1', 'PR1'], ['P1', 'PR0']] as const;

interface Provider {
  name: string;
  company?: string;
  group?: string;
}

/** ~600 provider groups, each with 1–4 brands, spelt a few ways, some with company numbers or a named group. */
function providers(rnd: () => number): Provider[] {
  const words = ['Oak', 'Willow', 'Harbour', 'Meadow', 'River', 'Fen', 'Coast', 'Heath', 'Beacon', 'Orchard', 'Kestrel', 'Maple', 'Cedar', 'Brook', 'Haven', 'Lark', 'Ash', 'Elm', 'Marsh', 'Vale'];
  const kinds = ['Care', 'Homes', 'Childcare', 'Lodge', 'House', 'Futures', 'Therapeutic Care', 'Children’s Services'];
  const out: Provider[] = [];
  for (let g = 0; g < 600; g++) {
    const group = `${words[g % 20]} ${words[Math.floor(g / 20) % 20]} ${['Group', 'Holdings', 'Care Group'][g % 3]}`;
    const brands = 1 + Math.floor(rnd() * 4);
    for (let b = 0; b < brands; b++) {
      const base = `${words[(g * 7 + b * 3) % 20]} ${words[(g + b) % 20]} ${kinds[(g + b) % 8]} ${g}-${b}`;
      const company = rnd() < 0.5 ? String(10_000_000 + g * 10 + b) : undefined;
      for (const spelling of [`${base} Ltd`, `${base.toUpperCase()} LIMITED`, `The ${base} Ltd.`]) {
        out.push({ name: spelling, ...(company ? { company } : {}), ...(rnd() < 0.3 ? { group } : {}) });
      }
    }
  }
  return out;
}

const q = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const money = (p: number) => {
  const t = penceToText(Math.abs(p));
  const [w, d] = t.split('.') as [string, string];
  return `"${p < 0 ? '-' : ''}£${Number(w).toLocaleString('en-GB')}.${d}"`;
};

export interface SpendDataset {
  period: string;
  /** `export`: each month's lines in a finance export's order (by supplier, then child and week);
   *  `shuffled`: the same kind of lines in random order (no locality at all: a stress case). */
  order: 'export' | 'shuffled';
  seed: number;
  lines: number;
}

function monthsOfFy(period: string): string[] {
  const y = Number(period.slice(2, 6));
  return Array.from({ length: 12 }, (_, i) => (i < 9 ? `${y}-${String(i + 4).padStart(2, '0')}` : `${y + 1}-${String(i - 8).padStart(2, '0')}`));
}

/**
 * Posts a financial year's spend through the real parse/validate/commit path (idempotent: the
 * same seed gives the same batches, counted once). Each authority has ~1,850 children placed
 * in the year, each with a steady provider (skewed: a few large groups take much of the spend)
 * and a placement type, invoiced weekly (4–5 lines a month), with moves between providers,
 * credits, and 5% of lines without a childRef.
 */
export async function loadSpend(ds: SpendDataset, log: (s: string) => void = () => undefined): Promise<{ lines: number; batches: number; ms: number }> {
  const t0 = performance.now();
  const rnd = prng(ds.seed);
  const provs = providers(rnd);
  const pickProvider = () => provs[Math.floor(provs.length * rnd() ** 2)]!;
  const months = monthsOfFy(ds.period);
  const perAuthMonth = Math.ceil(ds.lines / (AUTHORITY_SLUGS.length * months.length));
  let lines = 0;
  let batches = 0;
  const pending: Promise<unknown>[] = [];
  const header = 'Period,Provider Name,Companies House Number,Provider Group,Placement Type,Placement Provider,Child Ref,Weeks,Weekly Cost,Amount';
  for (const [ai, authority] of AUTHORITY_SLUGS.entries()) {
    const children = Array.from({ length: 1_850 }, (_, i) => ({
      ref: `${authority.slice(0, 3).toUpperCase()}${ai}-${String(i).padStart(6, '0')}`,
      provider: pickProvider(),
      type: TYPES[Math.floor(rnd() * TYPES.length)]!,
      weekly: 150_000 + Math.floor(rnd() * 500) * 1_000,
    }));
    for (const month of months) {
      const monthLines: { key: string; row: string }[] = [];
      const row = (p: Provider, c: (typeof children)[number] | undefined, type: readonly [string, string], weeks: number, weekly: number, amount: number) =>
        [month, q(p.name), p.company ?? '', q(p.group ?? ''), type[0], type[1], c?.ref ?? '', weeks, money(weekly), money(amount)].join(',');
      for (const c of children) {
        if (rnd() < 0.05) continue; // not placed this month
        if (rnd() < 0.03) c.provider = pickProvider(); // a move
        const invoices = rnd() < 0.4 ? 5 : 4;
        for (let w = 0; w < invoices; w++) {
          monthLines.push({ key: `${c.provider.name}\u0001${c.ref}\u0001${w}`, row: row(c.provider, c, c.type, 1, c.weekly, c.weekly + Math.floor(rnd() * 100)) });
        }
        if (rnd() < 0.02) monthLines.push({ key: `${c.provider.name}\u0001${c.ref}\u00019`, row: row(c.provider, c, c.type, 1, c.weekly, -c.weekly) });
        if (rnd() < 0.05) {
          const p = pickProvider(); // a retainer or block charge with no child named
          monthLines.push({ key: `${p.name}\u0001~${monthLines.length}`, row: row(p, undefined, c.type, 4, c.weekly, c.weekly * 4) });
        }
      }
      if (ds.order === 'export') monthLines.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      else for (let i = monthLines.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [monthLines[i], monthLines[j]] = [monthLines[j]!, monthLines[i]!];
      }
      const take = monthLines.slice(0, Math.min(perAuthMonth, ds.lines - lines));
      for (let from = 0; from < take.length; from += LINES_PER_BATCH) {
        const csv = [header, ...take.slice(from, from + LINES_PER_BATCH).map((l) => l.row)].join('\r\n');
        const batch = prepareBatch(authority, parseCsvBatch(csv, '2026-01-01'));
        if (batch.rejected.length) throw new Error(`England generator wrote a bad line: ${JSON.stringify(batch.rejected[0])}`);
        pending.push(commitBatch(batch));
        if (pending.length >= 4) await Promise.all(pending.splice(0));
        batches++;
      }
      lines += take.length;
    }
    log(`  ${ds.period} (${ds.order}) ${authority}: ${lines} lines so far`);
  }
  await Promise.all(pending);
  return { lines, batches, ms: performance.now() - t0 };
}
