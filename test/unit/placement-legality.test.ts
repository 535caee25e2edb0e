import { describe, expect, it } from 'vitest';
import { PLACE_CODES_BY_YEAR } from '../../schemas/codes.ts';

// The open SSDA903 validator (data-to-insight/csc-validator-be-903) keeps one rule set per
// collection year; lac_validator/rules/lac2026_27/__init__.py builds 2026-27 from the 2025-26
// registry, and lac2026_27 has no rule_146, so 2026-27's PLACE list is 2025-26's.
describe('PLACE code lists by collection year (validator rule 146)', () => {
  it('has a list for 2026-27, the collection year that runs now, the same as 2025-26', () => {
    expect(Object.keys(PLACE_CODES_BY_YEAR)).toContain('2026-27');
    expect((PLACE_CODES_BY_YEAR as Record<string, readonly string[]>)['2026-27']).toEqual(PLACE_CODES_BY_YEAR['2025-26']);
  });
});
