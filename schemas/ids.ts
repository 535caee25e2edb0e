import * as z from 'zod/mini';
import { meta } from './meta.ts';

/**
 * Ids of vacancies and referrals, shared by the schemas of homes, referrals and offers. Their own
 * small leaf (not common.ts), so the Lambdas that name neither do not bundle them.
 */

/** A vacancy id (a UUID the hub made). */
export const VacancyId = meta(z.string().check(z.maxLength(64), z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a vacancy id')), { examples: ['7c9e6679-7425-40de-944b-e07fc1f90ae7'] });
/** A referral id (a UUID the hub made). */
export const ReferralIdText = meta(z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/, 'a referral id'), z.maxLength(64)), { examples: ['3f6c2a1e-8b4d-4c7a-9e2f-5d1b0a9c8e7f'] });
/** `{id}` of a referral's routes. */
export const ReferralId = z.strictObject({ id: ReferralIdText });
