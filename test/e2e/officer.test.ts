import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibility, actor, launch, newContext, signIn, type Mode } from './browser.ts';
import { person } from './local-hub.ts';
import { hubApi, londonToday, seedHome } from './seed.ts';

/**
 * The placement officer's journeys in a real Chromium against the real local hub (npm start, with
 * its embedded OpenID provider): sign in through the sign-in form; find a home; shortlist; make a
 * referral; a provider offers through the API; compare and accept the offer; the nominated
 * officer approves the placement (the officer cannot: 403); consent withdrawn and given; who has
 * seen the referral; notices received; sign out and be asked to sign in again. Every page visited
 * passes axe-core (WCAG 2.2 AA); the journey runs with a pointer, without JavaScript, and with the
 * keyboard alone. A form posted from another site, or without its token, is refused with 403.
 */

const baseUrl = inject('e2eBaseUrl');
const dataDir = inject('e2eDataDir');
const url = (path: string) => `${baseUrl}${path}`;
const officer = () => person(dataDir, 'authority:essex', 'placement-officer');
const nominated = () => person(dataDir, 'authority:essex', 'nominated-officer');
const PROVIDER = 'harbour-care';

const api = hubApi(baseUrl, dataDir);

/** A home of the demo provider in Cambridge (CB1: Cambridgeshire, which adjoins Essex: a nominated officer approves), rated outstanding, with one bed. */
const orchardHouse = (label: string) => seedHome(api, PROVIDER, `Orchard House ${label}`, 'outstanding');

let browser: Browser;
const axe = accessibility(() => browser);
const seen = async (page: Page, mode: Mode) => axe.check(page, mode);

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function officerJourney(mode: Mode) {
  const home = await orchardHouse(`${mode} ${Date.now().toString(36)}`);
  const childRef = `E2E-${mode}-${Date.now().toString(36)}`;
  const context = await newContext(browser, mode);
  const page = await context.newPage();
  const act = actor(page, mode);

  // signing in: the console sends the person to the provider's form, then back
  await page.goto(url('/console/search'));
  await seen(page, mode);
  await signIn(page, mode, officer());
  expect(page.url()).toContain('/console/search');
  await expect.poll(() => page.getByTestId('organisation').textContent()).toBe('Essex');
  await seen(page, mode);

  // a search that fails is explained beside the field (the API's own validation)
  await act.fill(page.getByLabel("Child's age"), 'fourteen');
  await act.press(page.getByRole('button', { name: 'Search' }));
  await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1);
  expect(await page.title()).toMatch(/^Error: /);
  await seen(page, mode);

  // find a home
  await act.fill(page.getByLabel("Child's age"), '14');
  await act.check(page.getByLabel('Female'));
  await act.check(page.getByLabel('Self-harm'));
  await act.fill(page.getByLabel("Near (child's home outcode)"), 'CM1');
  await act.fill(page.getByLabel('Within (miles)'), '60');
  await act.press(page.getByRole('button', { name: 'Search' }));
  await seen(page, mode);
  const row = page.locator('tr', { hasText: home.name });
  await expect.poll(() => row.count()).toBe(1);
  const rowText = (await row.textContent())!;
  expect(rowText).toMatch(/miles/);
  expect(rowText).toContain('Over 20 miles');
  expect(rowText).toContain('Out of area');
  expect(rowText).toMatch(/just now|minutes? ago/);

  // shortlist → a referral made needs-first
  await act.check(page.getByLabel(`Shortlist ${home.name}`));
  await act.press(page.getByRole('button', { name: 'Refer to the shortlisted providers' }));
  expect(page.url()).toContain('/console/referrals/new');
  await seen(page, mode);
  expect(await page.getByLabel('Self-harm').isChecked()).toBe(true); // carried from the search
  await act.fill(page.getByLabel('Your reference for the child'), childRef);
  await act.press(page.getByRole('button', { name: 'Send referral' }));
  expect(page.url()).toMatch(/\/console\/referrals\/[^/]+$/);
  const referralId = decodeURIComponent(page.url().split('/').pop()!);
  await seen(page, mode);

  // the provider offers through the API (its own system)
  const hold = new Date(Date.now() + 2 * 86_400_000).toISOString();
  await api(`provider:${PROVIDER}`, 'POST', `/v1/referrals/${encodeURIComponent(referralId)}/offers`, {
    homeUrn: home.urn, vacancyId: home.vacancyId, startDate: londonToday(), weeklyCost: { core: 5200, education: 350.5 }, holdUntil: hold,
  });

  // my referrals → the referral's offers side by side
  await page.goto(url('/console/referrals'));
  await seen(page, mode);
  await act.press(page.getByRole('link', { name: childRef }));
  const offers = page.getByRole('table', { name: 'Offers side by side' });
  await expect.poll(() => offers.count()).toBe(1);
  const compared = (await offers.textContent())!;
  for (const s of ['£5,550.50', '£350.50', 'Outstanding', 'miles', 'left']) expect(compared).toContain(s);
  await seen(page, mode);

  // who has seen it: the provider's read when it offered
  await act.press(page.getByRole('link', { name: 'Who has seen this referral' }));
  expect(await page.locator('main').textContent()).toContain(`provider:${PROVIDER}`);
  await seen(page, mode);
  await act.press(page.getByRole('link', { name: 'Back to the referral' }));

  // accept → the placement, awaiting a nominated officer's approval the officer cannot give
  await act.press(page.getByRole('button', { name: `Accept the offer of ${home.name}` }));
  expect(page.url()).toMatch(/\/console\/placements\/plc_/);
  const placementPath = new URL(page.url()).pathname;
  await seen(page, mode);
  const main = () => page.locator('main').textContent();
  expect(await main()).toContain('awaiting approval');
  expect(await main()).toContain('You do not hold that role');
  expect(await main()).toContain('Cambridgeshire'); // the reg 13(4) notice's host
  // the officer posting an approval anyway: 403, as the API
  const token = await page.locator('input[name=csrf]').first().inputValue();
  const refused = await page.request.post(url(`${placementPath}/approval`), {
    form: { csrf: token, role: 'nominated-officer', checklist: 'wishesAndFeelings' },
    headers: { origin: baseUrl },
    maxRedirects: 0,
  });
  expect(refused.status()).toBe(403);

  // consent withdrawn, then given again, on the referral
  await page.goto(url(`/console/referrals/${encodeURIComponent(referralId)}`));
  await act.press(page.getByRole('button', { name: 'Record consent withdrawn' }));
  expect(await main()).toContain('withdrawn');
  await act.press(page.getByRole('button', { name: 'Record consent given' }));
  expect(await page.locator('.govuk-summary-list').textContent()).toMatch(/Consent\s*given/);

  // the notices my authority received as a host, the placements list, the accessibility statement
  for (const [link, path] of [['Notices received', '/console/notices'], ['Placements', '/console/placements']] as const) {
    await act.press(page.getByRole('link', { name: link, exact: true }));
    expect(new URL(page.url()).pathname).toBe(path);
    await seen(page, mode);
  }
  await act.press(page.getByRole('link', { name: 'Accessibility statement' }));
  await seen(page, mode);

  // sign out: the next visit asks to sign in again
  await act.press(page.getByRole('button', { name: 'Sign out' }));
  if (await page.getByRole('button', { name: 'Sign out' }).count()) await act.press(page.getByRole('button', { name: 'Sign out' })); // the provider's own confirmation
  await seen(page, mode);
  await page.goto(url('/console/referrals'));
  await expect.poll(() => page.getByLabel('Email address').count()).toBe(1);
  await context.close();

  // the nominated officer approves with the reg 11(2) checklist
  const second = await newContext(browser, mode);
  const page2 = await second.newPage();
  const act2 = actor(page2, mode);
  await page2.goto(url(placementPath));
  await signIn(page2, mode, nominated());
  expect(new URL(page2.url()).pathname).toBe(placementPath);
  // an incomplete checklist is refused, naming what is missing
  await act2.check(page2.getByLabel(/wishes and feelings/));
  await act2.press(page2.getByRole('button', { name: 'Approve placement' }));
  await expect.poll(() => page2.locator('.govuk-error-summary').count()).toBe(1);
  await seen(page2, mode);
  for (const item of [/wishes and feelings/, /most appropriate/, /relatives/, /area authority/, /independent reviewing officer/]) await act2.check(page2.getByLabel(item));
  await act2.press(page2.getByRole('button', { name: 'Approve placement' }));
  const summary = (await page2.locator('.govuk-summary-list').textContent())!;
  expect(summary).toContain('confirmed');
  expect(summary).toMatch(/Approved by psn_\w+ \(nominated-officer\)/); // the person who signed in (their sub), whatever a form says
  await second.close();
}

describe('console: the placement officer', () => {
  it('goes from a search to an accepted offer and an approved placement, with a pointer', () => officerJourney('pointer'), 240_000);
  it('does the same with JavaScript turned off', () => officerJourney('no-js'), 240_000);
  it('does the same with the keyboard alone', () => officerJourney('keyboard'), 240_000);

  it('refuses a form posted from another site, or without its token (403)', async () => {
    const context = await newContext(browser, 'pointer');
    const page = await context.newPage();
    await page.goto(url('/console/referrals'));
    await signIn(page, 'pointer', officer());
    const token = await page.locator('input[name=csrf]').first().inputValue();
    const post = (headers: Record<string, string>, form: Record<string, string>) =>
      page.request.post(url('/console/sign-out'), { form, headers, maxRedirects: 0 });
    expect((await post({ origin: 'https://attacker.example' }, { csrf: token })).status()).toBe(403);
    expect((await post({ origin: baseUrl }, {})).status()).toBe(403);
    expect((await post({ origin: baseUrl }, { csrf: 'x'.repeat(token.length) })).status()).toBe(403);
    // a real cross-site form: a page on another origin posting to the console
    const evil = await context.newPage();
    await evil.route('http://attacker.test/**', (r) => r.fulfill({ contentType: 'text/html', body: `<form method="post" action="${url('/console/sign-out')}"><input name="csrf" value="${token}"><button>Go</button></form>` }));
    await evil.goto('http://attacker.test/');
    const [answer] = await Promise.all([evil.waitForResponse((r) => r.url().startsWith(url('/console/sign-out'))), evil.click('button')]);
    expect(answer.status()).toBe(403);
    // still signed in: the refused posts changed nothing
    await page.goto(url('/console/referrals'));
    expect(new URL(page.url()).pathname).toBe('/console/referrals');
    await context.close();
  }, 120_000);

  it('checked every page it visited with axe-core', () => {
    expect(axe.checked.length).toBeGreaterThan(10);
  });
});
