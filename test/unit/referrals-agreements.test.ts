import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidAgreementError, readAgreementsFrom } from '../../functions/store/agreements.ts';
import { SharingAgreement } from '../../schemas/sharing-agreement.ts';

const DIR = 'sharing-agreements';
const FILE = 'commission-east-placements-isp.v1.0.json';
const original = () => JSON.parse(readFileSync(join(DIR, FILE), 'utf8'));

describe('every file in sharing-agreements/', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

  it('is there', () => {
    expect(files).toContain(FILE);
  });

  it.each(files)('%s validates against the ISP schema', (file) => {
    const parsed = SharingAgreement.safeParse(JSON.parse(readFileSync(join(DIR, file), 'utf8')));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('loads as a whole (names match, no version twice)', () => {
    expect(readAgreementsFrom(DIR)).toHaveLength(files.length);
  });

  it('carries what the ICO data sharing code expects of the regional ISP', () => {
    const a = readAgreementsFrom(DIR).find((x) => x.id === 'commission-east-placements-isp')!;
    expect(a.status).toBe('active');
    expect(a.parties.filter((p) => p.principal.startsWith('authority:'))).toHaveLength(11);
    expect(new Set(a.parties.map((p) => p.role))).toEqual(new Set(['joint-controller', 'controller', 'processor']));
    expect(a.purposes.map((p) => p.id)).toEqual(['placement-matching', 'pool-allocation', 'spend-analysis', 'host-authority-notification']);
    const matching = a.purposes[0]!;
    expect(matching.lawfulBasis).toMatchObject({ article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18' });
    expect(a.dataItems.find((d) => d.field === 'child.needs')).toMatchObject({ specialCategory: true });
    expect(a.audit.retention.days).toBeGreaterThanOrEqual(Math.max(...a.dataItems.map((d) => d.retention.days)));
    expect(new Set(a.signatories.map((s) => s.party))).toEqual(new Set(a.parties.map((p) => p.principal)));
  });
});

describe('an invalid agreement file', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const load = (files: Record<string, unknown>) => {
    dir = mkdtempSync(join(tmpdir(), 'isp-'));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
    return () => readAgreementsFrom(dir!);
  };

  it.each([
    ['a missing field', (a: any) => delete a.reviewDate, /field reviewDate:/],
    ['an unknown status', (a: any) => (a.status = 'live'), /field status:/],
    ['an unknown field', (a: any) => (a.childNames = true), /field \(root\): .*childNames/],
    ['a disclosure of a field that is not a data item', (a: any) => a.purposes[0].disclosures[0].fields.push('child.name'), /field purposes\.0\.disclosures\.0\.fields\.9: field "child\.name" is not listed in dataItems/],
    ['9(2)(g) without a Schedule 1 condition', (a: any) => delete a.purposes[0].lawfulBasis.schedule1Condition, /field purposes\.0\.lawfulBasis\.schedule1Condition:/],
    ['a Schedule 1 condition from the wrong part', (a: any) => (a.purposes[0].lawfulBasis.schedule1Condition = 'part1-para2'), /field purposes\.0\.lawfulBasis\.schedule1Condition: article 9\(2\)\(g\) rests on a Schedule 1 Part 2 condition/],
    ['special-category data without an article 9 condition', (a: any) => delete a.purposes[0].lawfulBasis.article9 && delete a.purposes[0].lawfulBasis.schedule1Condition, /field purposes\.0\.lawfulBasis\.article9: field "child\.needs" is special category/],
    ['a party that has not signed', (a: any) => a.signatories.pop(), /field parties\.14\.principal: party provider:meadowview-care has not signed/],
    ['a provider receiving in the authority role', (a: any) => (a.parties[12].recipientRole = 'authority'), /field parties\.12\.recipientRole:/],
    ['an audit trail shorter than the data it records', (a: any) => (a.audit.retention.days = 30), /field audit\.retention\.days:/],
    ['validTo before validFrom', (a: any) => (a.validTo = '2024-01-01'), /field validTo: validTo is before validFrom/],
  ])('with %s stops loading, naming the file and the field', (_name, mutate, message) => {
    const a = original();
    mutate(a);
    const run = load({ [FILE]: a });
    expect(run).toThrow(InvalidAgreementError);
    expect(run).toThrow(new RegExp(`^sharing agreement ${FILE.replace(/\./g, '\\.')}: .*${message.source}`));
  });

  it('that is not JSON stops loading, naming the file', () => {
    expect(load({ [FILE]: '{"id": ' })).toThrow(/^sharing agreement commission-east-placements-isp\.v1\.0\.json: not valid JSON/);
  });

  it('named other than <id>.v<version>.json stops loading', () => {
    expect(load({ 'isp.json': original() })).toThrow(/^sharing agreement isp\.json: field id\/version: .* must be named commission-east-placements-isp\.v1\.0\.json/);
  });

  it('is named even when a valid one sorts first', () => {
    const bad = original();
    bad.version = '1.1';
    bad.status = 'draft';
    bad.parties[0].role = 'owner';
    expect(load({ [FILE]: original(), 'commission-east-placements-isp.v1.1.json': bad })).toThrow(
      /^sharing agreement commission-east-placements-isp\.v1\.1\.json: field parties\.0\.role:/,
    );
  });

  it('a valid copy in a temp dir loads (the failures above are the mutations)', () => {
    expect(load({ [FILE]: original() })()).toHaveLength(1);
  });
});

describe('the host-authority-notification purpose (reg 13(4) notices delivered to a host of the 11)', () => {
  it('discloses only the child\'s age, sex and needs, to authorities, on a legal-obligation basis with the special-category condition its needs require', () => {
    const a = readAgreementsFrom(DIR).find((x) => x.id === 'commission-east-placements-isp')!;
    const purpose = a.purposes.find((p) => p.id === 'host-authority-notification')!;
    expect(purpose.disclosures).toEqual([{ recipientRole: 'authority', fields: ['child.age', 'child.sex', 'child.needs'] }]);
    expect(purpose.lawfulBasis).toMatchObject({ article6: '6(1)(c)', article9: '9(2)(g)', schedule1Condition: 'part2-para18' });
    expect(purpose.legalPowers.some((l) => l.includes('reg 13(4)'))).toBe(true);
    expect(a.parties.filter((p) => p.recipientRole === 'authority')).toHaveLength(11);
  });
});
