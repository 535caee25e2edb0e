import { lastViewedAt, markViewed } from '../store/last-viewed.ts';
import type { Caller } from './caller.ts';

/**
 * "New since my last visit" for a console list: reads when the signed-in person last viewed
 * `list` beside the list itself, then — only once the list has been read — records this view
 * (dated when the read began, so nothing shared during it is passed over next time).
 */
export async function readSinceLastVisit<T>(who: Caller, list: string, read: () => Promise<T>, now = new Date()): Promise<{ result: T; lastViewedAt: string | undefined }> {
  const person = who.by.person;
  if (!person) return { result: await read(), lastViewedAt: undefined };
  const [since, result] = await Promise.all([lastViewedAt(who.principal, person, list), read()]);
  await markViewed(who.principal, person, list, now.toISOString());
  return { result, lastViewedAt: since };
}
