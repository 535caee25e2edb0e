import { forbidden } from '../../domain/errors.ts';
import type { Principal } from '../../domain/principal.ts';
import { NEEDS_CODES, SEXES } from '../../../schemas/codes.ts';
import { whoOf, type Ctx } from '../app.tsx';
import type { Who } from '../hub.ts';
import { NEED_LABELS } from '../labels.ts';

/**
 * What the placement officer's pages share, whichever console Lambda serves them (the officer's,
 * ./officer.tsx, or the search's, ./search.tsx; functions/routes/console.ts): the signed-in
 * person's authority (anyone else: 403 "These pages are for local authorities."), and the
 * child's needs and sex as form choices.
 */
export function authorityWho(c: Ctx) {
  const who = whoOf(c);
  if (who.principal.kind !== 'authority') throw forbidden('These pages are for local authorities.');
  return who as Who & { principal: Principal & { kind: 'authority' } };
}

export const needOptions = NEEDS_CODES.map((n) => ({ value: n, text: NEED_LABELS[n] }));
export const sexOptions = SEXES.map((s) => ({ value: s, text: s === 'female' ? 'Female' : 'Male' }));
