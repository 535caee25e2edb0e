import { describe, expect, it } from 'vitest';
import { signIn, type Mode } from './browser.ts';
import { person } from './local-hub.ts';
import { londonToday, seedHome, seedReferral } from './seed.ts';
import { e2eSuite } from './suite.ts';

/**
 * A provider's journey in a real Chromium against the real local hub: sign in through the sign-in
 * form; a referral shared with it (newest first); its disclosed fields (an audited read, naming the
 * person); an offer of a home holding a bed; its offers and their outcomes; its homes and a vacancy
 * reconfirmed in one click; placements in its homes; the journey to an offer again with JavaScript
 * turned off; an offer withdrawn, one vacancy filled and another withdrawn. Its pages never show
 * the referral's childRef, nor another provider's offer. Every page visited passes axe-core
 * (WCAG 2.2 AA) and carries the console's security headers with no CSP violation reported.
 */

const { dataDir, url, api, axe, open } = e2eSuite();
const PROVIDER = 'harbour-care';
const RIVAL = 'fenland-childrens-homes';
const staff = () => person(dataDir, `provider:${PROVIDER}`, 'provider-staff');

async function referralToOffer(mode: Mode) {
  const tag = `${mode}-${Date.now().toString(36)}`;
  const home = await seedHome(api, PROVIDER, `Harbour View ${tag}`);
  const rivalHome = await seedHome(api, RIVAL, `Fen Rival ${tag}`);
  const childRef = `E2E-PROV-${tag}`;
  const referralId = await seedReferral(api, childRef, [PROVIDER, RIVAL]);
  // the other provider offers first, through the API
  await api(`provider:${RIVAL}`, 'POST', `/v1/referrals/${encodeURIComponent(referralId)}/offers`, {
    homeUrn: rivalHome.urn, vacancyId: rivalHome.vacancyId, startDate: londonToday(), weeklyCost: { core: 6100 }, holdUntil: new Date(Date.now() + 86_400_000).toISOString(),
  });

  const { context, page, act, security } = await open(mode);
  const html = () => page.content();
  const neverLeaks = async () => {
    const h = await html();
    expect(h).not.toContain(childRef);
    expect(h).not.toContain(rivalHome.name);
    expect(h).not.toContain('6,100');
  };

  await page.goto(url('/console/shared'));
  await signIn(page, mode, staff());
  expect(new URL(page.url()).pathname).toBe('/console/shared');
  await expect.poll(() => page.getByTestId('organisation').textContent()).toContain('Harbour Care');
  await axe.check(page, mode);
  await neverLeaks();

  // newest first: the referral just made is the first row
  const first = page.locator('tbody tr').first();
  expect(await first.locator('a').getAttribute('href')).toContain(encodeURIComponent(referralId));
  await act.press(first.locator('a'));
  expect(new URL(page.url()).pathname).toBe(`/console/shared/${encodeURIComponent(referralId)}`);
  await axe.check(page, mode);
  await neverLeaks();
  expect(await page.locator('.govuk-summary-list').textContent()).toContain('Self-harm');

  // an offer the API refuses is explained beside the field
  await act.fill(page.getByLabel('Core weekly cost (£)'), '0');
  await act.press(page.getByRole('button', { name: 'Make the offer' }));
  await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1);
  expect(await page.title()).toMatch(/^Error: /);
  expect(await page.locator('.govuk-form-group--error').getByLabel('Core weekly cost (£)').count()).toBe(1);
  await neverLeaks();

  // the offer, holding the vacancy's bed
  await page.getByLabel('Home and bed').selectOption(`${home.urn}|${home.vacancyId}`);
  await act.fill(page.getByLabel('Core weekly cost (£)'), '5400');
  await act.fill(page.getByLabel('Education a week (£, optional)'), '250');
  await page.getByLabel('Hold the offer (and bed) for').selectOption('3');
  await act.press(page.getByRole('button', { name: 'Make the offer' }));
  const mine = page.getByRole('table', { name: 'Your offers on this referral' });
  await expect.poll(() => mine.count()).toBe(1);
  const row = (await mine.textContent())!;
  for (const s of [home.name, '£5,650.00', 'open', 'left']) expect(row).toContain(s);
  await neverLeaks();

  // the read was audited with the person (the owner's trail, through the API)
  const trail = await api('authority:essex', 'GET', `/v1/audit?referralId=${encodeURIComponent(referralId)}`);
  const ours = trail.items.filter((e: any) => e.principal === `provider:${PROVIDER}`);
  expect(ours.map((e: any) => e.action)).toEqual(expect.arrayContaining(['read', 'offer']));
  expect(ours.every((e: any) => typeof e.person === 'string' && e.person !== '')).toBe(true);

  // the offer's hold took the vacancy's one bed: the owner sees one open offer per provider, ours holding
  const offers = await api('authority:essex', 'GET', `/v1/referrals/${encodeURIComponent(referralId)}/offers`);
  expect(offers.items.map((o: any) => o.provider.id).sort()).toEqual([RIVAL, PROVIDER].sort());
  security.expectClean(4);
  return { context, page, act, security, home, referralId, childRef, neverLeaks };
}

describe('console: a provider', () => {
  it('goes from a referral shared with it to an offer, never seeing the childRef or another provider\'s offer', async () => {
    const { context, page, act, security, home, referralId, childRef, neverLeaks } = await referralToOffer('pointer');

    // its offers, its homes (a vacancy reconfirmed in one click), placements in its homes
    await act.press(page.getByRole('link', { name: 'Your offers', exact: true }));
    await axe.check(page, 'pointer');
    expect(await page.locator('main').textContent()).toContain(home.name);
    await neverLeaks();
    await act.press(page.getByRole('link', { name: 'Your homes', exact: true }));
    await axe.check(page, 'pointer');
    await neverLeaks();
    await act.press(page.getByRole('link', { name: `Post a vacancy at ${home.name}` }));
    await axe.check(page, 'pointer');
    await act.fill(page.getByLabel('Beds free'), '2');
    await act.press(page.getByRole('button', { name: 'Post the vacancy' }));
    expect(new URL(page.url()).pathname).toBe('/console/homes');
    const card = page.locator('.govuk-summary-card', { hasText: home.name });
    await act.press(card.getByRole('button', { name: /^Still available/ }).first());
    expect(new URL(page.url()).pathname).toBe('/console/homes');
    await expect.poll(async () => (await page.locator('.govuk-summary-card', { hasText: home.name }).textContent())!.includes('just now')).toBe(true);
    await act.press(page.getByRole('link', { name: `Edit ${home.name}` }));
    await axe.check(page, 'pointer');
    await act.fill(page.getByLabel('Registered places'), '4');
    await act.press(page.getByRole('button', { name: 'Save the home' }));
    expect((await api(`provider:${PROVIDER}`, 'GET', `/v1/homes/${home.urn}`)).registeredPlaces).toBe(4);
    await act.press(page.getByRole('link', { name: 'Placements in your homes', exact: true }));
    await axe.check(page, 'pointer');
    await neverLeaks();

    // another referral declined with a coded reason (the owner sees the response, through the API)
    const declinedId = await seedReferral(api, `${childRef}-D`, [PROVIDER]);
    await page.goto(url(`/console/shared/${encodeURIComponent(declinedId)}`));
    await page.getByLabel('Why you cannot offer a home').selectOption('staffing');
    await act.press(page.getByRole('button', { name: 'Decline the referral' }));
    expect(new URL(page.url()).pathname).toBe('/console/shared');
    const owned = await api('authority:essex', 'GET', `/v1/referrals/${encodeURIComponent(declinedId)}`);
    expect(owned.responses).toEqual([expect.objectContaining({ response: 'declined', reason: 'staffing' })]);

    // an officer's page is not a provider's
    const res = await page.goto(url(`/console/referrals/${encodeURIComponent(referralId)}`));
    expect(res!.status()).toBe(403);
    await neverLeaks();
    security.expectClean(10);
    await context.close();
  }, 240_000);

  it('does the same with JavaScript turned off', async () => {
    const { context } = await referralToOffer('no-js');
    await context.close();
  }, 240_000);

  it('withdraws an offer, and marks one vacancy filled and another withdrawn', async () => {
    const tag = `withdraw-${Date.now().toString(36)}`;
    const home = await seedHome(api, PROVIDER, `Quay House ${tag}`);
    const later = new Date(Date.parse(`${londonToday()}T12:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
    const second = await api(`provider:${PROVIDER}`, 'POST', `/v1/homes/${home.urn}/vacancies`, { beds: 2, availableFrom: later });
    const referralId = await seedReferral(api, `E2E-WD-${tag}`, [PROVIDER]);
    const offer = await api(`provider:${PROVIDER}`, 'POST', `/v1/referrals/${encodeURIComponent(referralId)}/offers`, {
      homeUrn: home.urn, vacancyId: home.vacancyId, startDate: londonToday(), weeklyCost: { core: 5300 }, holdUntil: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect((await api(`provider:${PROVIDER}`, 'GET', `/v1/vacancies/${home.vacancyId}`)).heldBeds).toBe(1);

    const { context, page, act, security } = await open('pointer');
    await page.goto(url(`/console/shared/${encodeURIComponent(referralId)}`));
    await signIn(page, 'pointer', staff());
    expect(new URL(page.url()).pathname).toBe(`/console/shared/${encodeURIComponent(referralId)}`);

    // withdraw the open offer: its hold is released, the owner sees it withdrawn
    await act.press(page.getByRole('button', { name: `Withdraw the offer of ${home.name}` }));
    expect(new URL(page.url()).pathname).toBe(`/console/shared/${encodeURIComponent(referralId)}`);
    const mine = page.getByRole('table', { name: 'Your offers on this referral' });
    expect(await mine.textContent()).toContain('withdrawn');
    expect(await mine.getByRole('button').count()).toBe(0);
    await axe.check(page, 'pointer');
    const owned = await api('authority:essex', 'GET', `/v1/referrals/${encodeURIComponent(referralId)}/offers`);
    expect(owned.items.find((o: any) => o.id === offer.id)?.status).toBe('withdrawn');
    expect((await api(`provider:${PROVIDER}`, 'GET', `/v1/vacancies/${home.vacancyId}`)).heldBeds ?? 0).toBe(0);

    // one vacancy filled, the other withdrawn, each in one click from the list
    await act.press(page.getByRole('link', { name: 'Your homes', exact: true }));
    const card = () => page.locator('.govuk-summary-card', { hasText: home.name });
    await act.press(card().getByRole('button', { name: /^Filled/ }).first());
    expect(new URL(page.url()).pathname).toBe('/console/homes');
    const statuses = async () => ({
      first: (await api(`provider:${PROVIDER}`, 'GET', `/v1/vacancies/${home.vacancyId}`)).status,
      second: (await api(`provider:${PROVIDER}`, 'GET', `/v1/vacancies/${second.id}`)).status,
    });
    const afterFilled = await statuses();
    expect(Object.values(afterFilled).sort()).toEqual(['filled', 'open']);
    await act.press(card().getByRole('button', { name: /^Withdraw/ }).first());
    expect(new URL(page.url()).pathname).toBe('/console/homes');
    expect(Object.values(await statuses()).sort()).toEqual(['filled', 'withdrawn']);
    expect(await card().getByRole('button').count()).toBe(0);
    expect(await card().textContent()).toContain('filled');
    expect(await card().textContent()).toContain('withdrawn');
    await axe.check(page, 'pointer');
    security.expectClean(3);
    await context.close();
  }, 240_000);

  it('checked every page it visited with axe-core', () => {
    expect(axe.checked.length).toBeGreaterThanOrEqual(9);
  });
});
