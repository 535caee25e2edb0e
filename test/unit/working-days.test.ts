import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addWorkingDays, BankHolidaysUnknown, isWorkingDay } from '../../functions/domain/working-days.ts';
import { HubError } from '../../functions/domain/errors.ts';
import { addDays, dayNumber } from '../../functions/domain/calendar-days.ts';
import { BANK_HOLIDAYS } from '../../functions/domain/reference/bank-holidays.ts';

// Care Planning, Placement and Case Review (England) Regulations 2010, reg 13(4)(a) (inserted by
// SI 2013/3239 reg 19): an emergency out-of-area placement is notified "within five working days
// of the start of the placement". Working days: Monday to Friday except England and Wales bank
// holidays (gov.uk bank-holidays.json, ../shared/data/bank_holidays_england_and_wales.json).
describe('working days (reg 13(4)(a))', () => {
  it('counts the CONTRACT example: a start on Friday 2026-12-18 is due by Tuesday 2026-12-29', () => {
    // Christmas Day (Fri 25th) and the substitute Boxing Day (Mon 28th) are not working days
    expect(addWorkingDays('2026-12-18', 5)).toBe('2026-12-29');
    expect(isWorkingDay('2026-12-25')).toBe(false);
    expect(isWorkingDay('2026-12-28')).toBe(false);
    expect(isWorkingDay('2026-12-24')).toBe(true);
  });

  it('skips Easter 2026 (Good Friday 3 April, Easter Monday 6 April)', () => {
    expect(addWorkingDays('2026-04-02', 1)).toBe('2026-04-07');
    expect(addWorkingDays('2026-04-02', 5)).toBe('2026-04-13');
    expect(addWorkingDays('2026-04-03', 5)).toBe('2026-04-13'); // a start on a bank holiday counts from the next working day
  });

  it('skips Easter 2027 (Good Friday 26 March, Easter Monday 29 March) and Christmas 2027 (substitute days 27 and 28 December)', () => {
    expect(addWorkingDays('2027-03-25', 5)).toBe('2027-04-05');
    expect(addWorkingDays('2027-12-22', 5)).toBe('2027-12-31');
    expect(isWorkingDay('2027-12-27')).toBe(false);
    expect(isWorkingDay('2027-12-28')).toBe(false);
  });

  it('skips weekends: Friday + 1 is Monday; Saturday + 1 and Sunday + 1 are Monday', () => {
    expect(addWorkingDays('2026-11-06', 1)).toBe('2026-11-09');
    expect(addWorkingDays('2026-11-07', 1)).toBe('2026-11-09');
    expect(addWorkingDays('2026-11-08', 1)).toBe('2026-11-09');
    expect(addWorkingDays('2026-11-09', 5)).toBe('2026-11-16');
    expect(addWorkingDays('2026-11-07', 0)).toBe('2026-11-07');
  });

  it('lands on a working day with exactly n working days in (start, due], and adding is additive', () => {
    const start = dayNumber('2024-01-01');
    const span = dayNumber('2027-11-01') - start;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: span }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }), (offset, a, b) => {
        const from = addDays('2024-01-01', offset);
        const due = addWorkingDays(from, a);
        expect(isWorkingDay(due)).toBe(true);
        expect(addWorkingDays(addWorkingDays(from, a), b)).toBe(addWorkingDays(from, a + b));
        let counted = 0;
        for (let d = addDays(from, 1); d <= due; d = addDays(d, 1)) if (isWorkingDay(d)) counted += 1;
        expect(counted).toBe(a);
      }),
    );
  });

  it('refuses to count past the years the bank holiday feed covers (2028-01-03 is a substitute day the feed does not list yet)', () => {
    // Friday 2027-12-24: Mon 27 and Tue 28 are bank holidays, Wed 29 to Fri 31 are working days 1-3, then 2028
    expect(() => addWorkingDays('2027-12-24', 5)).toThrow(BankHolidaysUnknown);
    expect(() => addWorkingDays('2027-12-24', 5)).toThrow(/2024 to 2027/);
    expect(() => isWorkingDay('2023-12-29')).toThrow(BankHolidaysUnknown);
    const thrown = (() => {
      try {
        return addWorkingDays('2028-06-01', 5);
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(HubError);
    expect(thrown).toMatchObject({ code: 'unprocessable', date: '2028-06-02' });
    expect(() => addWorkingDays('2026-01-01', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-01-01', 1.5)).toThrow(RangeError);
  });
});

const DATA = process.env.HUB_SHARED_DATA ?? resolve(import.meta.dirname, '../../../shared/data');
describe('the embedded bank holidays', () => {
  it.skipIf(!existsSync(`${DATA}/bank_holidays_england_and_wales.json`))('are the shared feed\'s, every one (regenerate with infra/build-outcodes.ts when it changes)', () => {
    const feed = JSON.parse(readFileSync(`${DATA}/bank_holidays_england_and_wales.json`, 'utf8')) as { events: { date: string }[] };
    expect(BANK_HOLIDAYS.split(' ')).toEqual(feed.events.map((e) => e.date).sort());
    for (const e of feed.events) expect(isWorkingDay(e.date), e.date).toBe(false);
  });
});
