import { describe, expect, it } from 'vitest';
import type { Principal } from '../../functions/domain/principal.ts';
import { canSeeHome, ownsHome, type Sight } from '../../functions/domain/visibility.ts';

/** THE home visibility rule (reads and search), as a table over every kind of caller and home. */

const essex: Principal = { kind: 'authority', id: 'essex' };
const luton: Principal = { kind: 'authority', id: 'luton' };
const po: Principal = { kind: 'programme-office' };
const harbour: Principal = { kind: 'provider', id: 'harbour-care' };
const other: Principal = { kind: 'provider', id: 'other-care' };

const providerHome = { owner: 'provider:harbour-care' };
const unshared = { owner: 'authority:essex', shareWithRegion: false };
const shared = { owner: 'authority:essex', shareWithRegion: true };

const cases: [string, Principal, { owner: string; shareWithRegion?: boolean }, Sight, boolean][] = [
  ['owner provider reads its home', harbour, providerHome, 'read', true],
  ['another provider never', other, providerHome, 'read', false],
  ['a provider never reads a shared in-house home', other, shared, 'read', false],
  ['an authority reads any provider home', luton, providerHome, 'read', true],
  ['an authority finds any provider home', luton, providerHome, 'search', true],
  ['an authority reads a shared in-house home', luton, shared, 'read', true],
  ['an authority finds a shared in-house home', luton, shared, 'search', true],
  ['an authority does not read an unshared in-house home', luton, unshared, 'read', false],
  ['an authority does not find an unshared in-house home', luton, unshared, 'search', false],
  ['the owning authority reads its unshared home', essex, unshared, 'read', true],
  ['the owning authority finds its unshared home', essex, unshared, 'search', true],
  ['the programme office reads every home', po, unshared, 'read', true],
  ['the programme office reads provider homes', po, providerHome, 'read', true],
  ['the programme office finds provider homes', po, providerHome, 'search', true],
  ['the programme office finds shared in-house homes', po, shared, 'search', true],
  ['the programme office does not find unshared in-house homes', po, unshared, 'search', false],
];

describe('canSeeHome', () => {
  for (const [name, p, home, sight, expected] of cases) {
    it(name, () => expect(canSeeHome(p, home, sight)).toBe(expected));
  }
  it('reads by default, and a missing shareWithRegion means not shared', () => {
    expect(canSeeHome(po, { owner: 'authority:essex' })).toBe(true);
    expect(canSeeHome(luton, { owner: 'authority:essex' })).toBe(false);
  });
  it('ownsHome is the owner only', () => {
    expect(ownsHome(harbour, providerHome)).toBe(true);
    expect(ownsHome(po, providerHome)).toBe(false);
    expect(ownsHome(luton, unshared)).toBe(false);
  });
});
