import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePrincipal, principalId, providerIdFromName } from '../../functions/domain/principal.ts';
import { authorityOfOutcode, isKnownOutcode, milesBetween, outcodeCentroid } from '../../functions/domain/geo.ts';

describe('principals', () => {
  it('parses the three kinds and round-trips them', () => {
    for (const text of ['authority:essex', 'authority:southend-on-sea', 'provider:harbour-care', 'programme-office']) {
      expect(principalId(parsePrincipal(text)!)).toBe(text);
    }
  });

  it('refuses unknown authorities, malformed ids and extra parts', () => {
    for (const text of ['authority:kent', 'authority:', 'provider:Harbour Care', 'provider:a:b', 'programme', 'authority:essex:x', '']) {
      expect(parsePrincipal(text)).toBeUndefined();
    }
  });

  it('derives provider ids from organisation names, ignoring Ltd/Limited, case and punctuation', () => {
    expect(providerIdFromName('Harbour Care Ltd')).toBe('harbour-care');
    expect(providerIdFromName('HARBOUR CARE LIMITED')).toBe('harbour-care');
    expect(providerIdFromName("St. Christopher's Fellowship")).toBe('st-christopher-s-fellowship');
    fc.assert(fc.property(fc.string(), (name) => parsePrincipal(`provider:${providerIdFromName(name)}`) !== undefined));
  });
});

describe('outcodes and distance', () => {
  it('knows England outcodes and their authority in the region', () => {
    expect(isKnownOutcode('cm1')).toBe(true);
    expect(authorityOfOutcode('CM1')).toBe('essex');
    expect(authorityOfOutcode('PE1')).toBe('peterborough');
    expect(authorityOfOutcode('SS1')).toBe('southend-on-sea');
    expect(authorityOfOutcode('M1')).toBeUndefined();
    expect(isKnownOutcode('ZZ9')).toBe(false);
  });

  it('measures straight-line miles between centroids (Chelmsford to Norwich is about 70)', () => {
    const d = milesBetween(outcodeCentroid('CM1')!, outcodeCentroid('NR1')!);
    expect(d).toBeGreaterThan(62);
    expect(d).toBeLessThan(78);
    expect(milesBetween(outcodeCentroid('CM1')!, outcodeCentroid('CM1')!)).toBe(0);
  });
});
