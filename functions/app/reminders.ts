import { londonToday } from '../domain/calendar-days.ts';
import type { Principal } from '../domain/principal.ts';
import { remindersThatApply } from '../store/reminder-banner.ts';

/** The reminders the hub sent `principal` that still apply now (the console's reminder banner, domain/reminder-banner.ts). */
export const remindersFor = (principal: Principal, now = new Date()) => remindersThatApply(principal, now, londonToday(now));
