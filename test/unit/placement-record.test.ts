import { describe, expect, it } from 'vitest';
import { newPlacement, placementView, providerPlacementView, type NewPlacement } from '../../functions/domain/placement-record.ts';

/**
 * The placement record an accepted offer or a pool allocation makes (CONTRACT.md "Offers and
 * placements"): location under CPPCR 2010 reg 11(5), the approval reg 11 requires, the reg 13(4)
 * notice and its due date, PLACE_PROVIDER (SSDA903) from who owns the home.
 */
const base = (over: Partial<NewPlacement> = {}): NewPlacement => ({
  id: 'plc_essex_0000000001',
  noticeId: 'ntc_0000000001',
  authority: 'essex',
  child: { childRef: 'E-1', age: 14, sex: 'female', needs: ['self-harm'], homeOutcode: 'CM1', urgency: 'planned' },
  home: { urn: 'SC000001', name: 'Orchard House', owner: 'provider:acme', provider: { id: 'acme', name: 'Acme Care' }, placementType: 'K2', outcode: 'CM2', sector: 'private' },
  startDate: '2026-12-18',
  weeklyCost: 5000,
  by: { principal: 'authority:essex' },
  now: new Date('2026-12-03T10:00:00Z'),
  ...over,
});

describe('a new placement', () => {
  it('in area: no approval (reg 11), no notice (reg 13(4)), confirmed at once; PR4 for a private provider', () => {
    const p = newPlacement(base());
    expect(p).toMatchObject({ location: 'in-area', approval: { required: 'none', status: 'not-required' }, status: 'confirmed', notices: [], placementProvider: 'PR4' });
    expect(p.hostAuthority.name).toBe('Essex');
    expect(p.distanceMiles).not.toBeNull();
    expect(p.over20Miles).toBe(false);
  });

  it('in an adjoining authority of the 11: nominated officer pending; the notice is due by the start date and delivered to the host (reg 13(4))', () => {
    const p = newPlacement(base({ home: { ...base().home, outcode: 'IP1', localAuthority: 'E10000029' } }));
    expect(p.location).toBe('adjoining');
    expect(p.approval).toEqual({ required: 'nominated-officer', status: 'pending' });
    expect(p.status).toBe('awaiting-approval');
    expect(p.notices).toEqual([{ id: 'ntc_0000000001', regulation: '13(4)', to: { onsCode: 'E10000029', name: 'Suffolk' }, dueBy: '2026-12-18', sentAt: '2026-12-03T10:00:00.000Z', deliveredTo: 'suffolk' }]);
    expect(p.over20Miles).toBe(true);
  });

  it('at a distance from an emergency pool bed: the director approves; the notice is due on the 5th working day after the start (Christmas 2026)', () => {
    const p = newPlacement(base({ authority: 'southend-on-sea', emergencyPool: true, child: { ...base().child, homeOutcode: 'SS1' }, home: { ...base().home, outcode: 'SG1' } }));
    expect(p.location).toBe('at-distance');
    expect(p.approval.required).toBe('director-of-childrens-services');
    expect(p.notices[0]!.dueBy).toBe('2026-12-29');
    expect(p.notices[0]!.to.name).toBe('Hertfordshire');
  });

  it('a host outside the 11 gets a notice the placing authority records as sent (no sentAt)', () => {
    const p = newPlacement(base({ home: { ...base().home, outcode: 'SW1A' } }));
    expect(p.location).toBe('at-distance');
    expect(p.notices[0]!.sentAt).toBeUndefined();
    expect(p.notices[0]!.deliveredTo).toBeUndefined();
  });

  it('PR1 for the placing authority\'s own in-house home, PR2 for another authority\'s', () => {
    const inHouse = { ...base().home, owner: 'authority:essex', provider: undefined, sector: 'local-authority' };
    expect(newPlacement(base({ home: inHouse })).placementProvider).toBe('PR1');
    expect(newPlacement(base({ home: { ...inHouse, owner: 'authority:thurrock' } })).placementProvider).toBe('PR2');
  });

  it('refuses (422) a home the hub cannot place anywhere', () => {
    expect(() => newPlacement(base({ home: { ...base().home, outcode: undefined } }))).toThrowError(/cannot tell/);
  });

  it('never shows childRef\'s disclosures or the postcode beyond their readers', () => {
    const p = newPlacement(base({ home: { ...base().home, postcode: 'CM2 0AA' } }));
    expect(placementView(p)).not.toHaveProperty('homePostcode');
    expect(placementView(p)).not.toHaveProperty('child');
    expect(providerPlacementView(p)).toEqual({ id: p.id, homeUrn: 'SC000001', authority: 'essex', startDate: '2026-12-18', status: 'confirmed' });
  });
});
