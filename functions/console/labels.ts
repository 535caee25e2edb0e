import type { NeedCode, OfstedRating } from '../../schemas/codes.ts';

/** Plain-English names for the hub's codes, as people reading a page need them. */
export const NEED_LABELS: Record<NeedCode, string> = {
  'self-harm': 'Self-harm',
  'criminal-exploitation': 'Criminal exploitation',
  'drug-alcohol': 'Drug or alcohol use',
  'eating-disorder': 'Eating disorder',
  'going-missing': 'Going missing',
  'physical-harm-to-others': 'Physical harm to others',
  'sexual-harm-to-others': 'Sexual harm to others',
  'fire-setting': 'Fire setting',
  'harm-to-animals': 'Harm to animals',
  'exploiting-others': 'Exploiting others',
  'sexual-exploitation': 'Sexual exploitation',
  disability: 'Disability',
  'complex-medical': 'Complex medical needs',
  semh: 'Social, emotional and mental health',
  'separated-migrant': 'Separated migrant child',
  'parent-and-child': 'Parent and child',
};

export const OFSTED_LABELS: Record<OfstedRating, string> = {
  outstanding: 'Outstanding',
  good: 'Good',
  'requires-improvement': 'Requires improvement',
  inadequate: 'Inadequate',
  'not-yet-inspected': 'Not yet inspected',
};

export const needLabel = (n: string): string => (NEED_LABELS as Record<string, string>)[n] ?? n;
export const ofstedLabel = (r: string | undefined): string => (r ? ((OFSTED_LABELS as Record<string, string>)[r] ?? r) : 'Not known');

export const money = (n: number | null | undefined): string =>
  n === null || n === undefined ? '–' : `£${n.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** "3 hours ago", "2 days ago": how long ago a time was. */
export function ago(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return 'just now';
  const [n, unit] = s < 3600 ? [Math.floor(s / 60), 'minute'] : s < 86400 ? [Math.floor(s / 3600), 'hour'] : [Math.floor(s / 86400), 'day'];
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
}

/** "1 day 4 hours left", or "ended": the time left until a moment. */
export function timeLeft(iso: string, now = Date.now()): string {
  const s = Math.round((Date.parse(iso) - now) / 1000);
  if (s <= 0) return 'ended';
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const part = (v: number, u: string) => `${v} ${u}${v === 1 ? '' : 's'}`;
  return `${d > 0 ? `${part(d, 'day')} ` : ''}${d > 0 || h > 0 ? `${part(h, 'hour')} ` : ''}${d === 0 ? `${part(m, 'minute')} ` : ''}left`.replace(/\s+/g, ' ');
}

/** 2026-12-18 → 18 December 2026 */
export const longDate = (d: string | undefined): string =>
  d ? new Date(`${d.slice(0, 10)}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' }) : '–';

export const dateTime = (iso: string | undefined): string =>
  iso ? new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' }) : '–';
