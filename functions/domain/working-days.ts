import { dayNumber, fromDayNumber } from './calendar-days.ts';
import { HubError } from './errors.ts';
import { BANK_HOLIDAY_YEARS, BANK_HOLIDAYS } from './reference/bank-holidays.ts';

/**
 * Working days as the Care Planning, Placement and Case Review (England) Regulations 2010 count
 * them (reg 13(4)(a), "within five working days of the start of the placement"): Monday to
 * Friday, except England and Wales bank holidays (gov.uk's feed, reference/bank-holidays.ts).
 * Dates are `YYYY-MM-DD` calendar days. Pure.
 *
 * The feed lists bank holidays only for the calendar years it covers (2024 to 2027 in the copy
 * embedded now). A count that reaches a day outside those years cannot be trusted — 3 January
 * 2028, for one, is a substitute bank holiday the feed does not list yet — so it throws
 * `BankHolidaysUnknown` (422, saying so) rather than guess; refresh the feed
 * (`npx tsx infra/build-outcodes.ts`) before the last year ends.
 */

/** A date the embedded bank holiday feed does not cover. */
export class BankHolidaysUnknown extends HubError {
  constructor(readonly date: string) {
    super(
      'unprocessable',
      `The hub knows England and Wales bank holidays from ${BANK_HOLIDAY_YEARS.first} to ${BANK_HOLIDAY_YEARS.last} only, so it cannot count working days to ${date}.`,
    );
  }
}

let holidays: Set<number> | undefined;
const FIRST_DAY = dayNumber(`${BANK_HOLIDAY_YEARS.first}-01-01`);
const LAST_DAY = dayNumber(`${BANK_HOLIDAY_YEARS.last}-12-31`);

function isWorkingDayNumber(n: number): boolean {
  if (n < FIRST_DAY || n > LAST_DAY) throw new BankHolidaysUnknown(fromDayNumber(n));
  holidays ??= new Set(BANK_HOLIDAYS.split(' ').map(dayNumber));
  const weekday = (((n + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday (4); 0 = Sunday
  return weekday !== 0 && weekday !== 6 && !holidays.has(n);
}

/** Whether `date` is a working day in England and Wales. */
export function isWorkingDay(date: string): boolean {
  return isWorkingDayNumber(dayNumber(date));
}

/**
 * The `n`th working day after `date` (`date` itself not counted, whether or not it is a working
 * day); `date` itself when `n` is 0. A start on Friday 2026-12-18 → the 5th working day after is
 * Tuesday 2026-12-29 (25 and 28 December are bank holidays).
 */
export function addWorkingDays(date: string, n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days to add must be a whole number ≥ 0: ${n}`);
  let day = dayNumber(date);
  for (let left = n; left > 0; ) {
    day += 1;
    if (isWorkingDayNumber(day)) left -= 1;
  }
  return fromDayNumber(day);
}
