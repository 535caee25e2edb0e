import { randomFillSync } from 'node:crypto';
import type { AuthoritySlug } from '../domain/reference/authorities.ts';

/**
 * New ids for the store's records, in one place: time-ordered (base-36 milliseconds) then random.
 * A placement id names its authority (`plc_<slug>_…`) so the programme office can address it; an
 * offer id its referral (`off_<referralId>_…`), so one GetItem in the referral's partition finds it.
 * Imports nothing but node:crypto, so every Lambda that makes ids can carry it.
 */
export const newId = (now = Date.now()): string => `${now.toString(36).padStart(9, '0')}${random6()}`;

/** 6 random bytes in hex, from a pool of 683 ids' worth (~4 KB) filled at once, as node's randomUUID pools: one call to the CSPRNG per 683 ids. */
const POOL = Buffer.alloc(6 * 683);
let used = POOL.length;
function random6(): string {
  if (used + 6 > POOL.length) {
    randomFillSync(POOL);
    used = 0;
  }
  used += 6;
  return POOL.toString('hex', used - 6, used);
}
export const newPlacementId = (authority: AuthoritySlug, now = Date.now()): string => `plc_${authority}_${newId(now)}`;
export const newNoticeId = (now = Date.now()): string => `ntc_${newId(now)}`;
export const newOfferId = (referralId: string, now = Date.now()): string => `off_${referralId}_${newId(now)}`;
