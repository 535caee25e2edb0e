import type { AuthoritySlug } from './reference/authorities.ts';

/**
 * The pool's code lists, id shapes and share rule: imported by the schemas (and so by the route
 * table every Lambda loads), so this module imports nothing heavy. Pure.
 */

export const POOL_KINDS = ['emergency', 'move-on'] as const;
export type PoolKind = (typeof POOL_KINDS)[number];
export const BED_STATUSES = ['available', 'occupied', 'out-of-service'] as const;
export type BedStatus = (typeof BED_STATUSES)[number];
export const REQUEST_STATUSES = ['pending', 'allocated', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export const ALLOCATION_STATUSES = ['active', 'ended'] as const;
export type AllocationStatus = (typeof ALLOCATION_STATUSES)[number];

export const ID_PATTERNS = {
  bed: /^bed_[0-9a-z]{8,40}$/,
  request: /^req_[a-z-]+_[0-9a-z]{8,40}$/,
  allocation: /^alc_[a-z-]+_[0-9a-z]{8,40}$/,
} as const;

/** Shares name each authority at most once (the schema's keys), are in (0, 1] and sum to 1 within 1e-9. */
export function sharesSumToOne(shares: Partial<Record<AuthoritySlug, number>>): boolean {
  const values = Object.values(shares).filter((v): v is number => v !== undefined);
  if (values.length === 0) return false;
  const total = values.reduce((a, b) => a + b, 0);
  return Math.abs(total - 1) <= 1e-9;
}
