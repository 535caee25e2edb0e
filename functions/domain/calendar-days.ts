/**
 * Calendar days as the hub counts them: `YYYY-MM-DD` strings, "today" being the UK date
 * (Europe/London), and whole-day arithmetic on day numbers (days since 1970-01-01). Pure.
 */

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a `YYYY-MM-DD` date. */
export function dayNumber(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3])); // not Date.UTC, which reads years 0-99 as 1900-1999
  return d.getTime() / MS_PER_DAY;
}

export function fromDayNumber(n: number): string {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

export const addDays = (date: string, days: number): string => fromDayNumber(dayNumber(date) + days);

const LONDON = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

const LONDON_HOUR = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' });

/** The first instant of a UK calendar day, as an ISO 8601 UTC time (`2025-04-01` → `2025-03-31T23:00:00.000Z`). */
export function londonMidnight(date: string): string {
  const utcMidnight = dayNumber(date) * MS_PER_DAY;
  // The UK is at UTC or UTC+1, and never changes clocks within an hour of UTC midnight, so the
  // London hour at UTC midnight is the offset to take off.
  const offsetHours = Number(LONDON_HOUR.format(new Date(utcMidnight)));
  return new Date(utcMidnight - offsetHours * 3_600_000).toISOString();
}

/** The calendar date in the UK at `now`. */
export function londonToday(now: Date = new Date()): string {
  return LONDON.format(now);
}

export const maxDate = (a: string, b: string): string => (a > b ? a : b);
