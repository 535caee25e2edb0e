import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibility, actor, launch, newContext, signIn } from './browser.ts';
import { person } from './local-hub.ts';
import { hubApi, londonToday, seedHome, seedReferral } from './seed.ts';

/**
 * In a real Chromium against the real local hub: the region map on the officer's search results
 * (the child's home outcode and one numbered marker per result, matching the list); a provider's
 * reminder banner (a bed hold ending within 2 hours, sent by the hub's own reminders job); and a
 * provider's referrals shared with it, new since the person's last visit first and tagged New.
 * Every page visited passes axe-core (WCAG 2.2 AA).
 */

const baseUrl = inject('e2eBaseUrl');
const dataDir = inject('e2eDataDir');
const url = (path: string) => `${baseUrl}${path}`;
const api = hubApi(baseUrl, dataDir);
const PROVIDER = 'harbour-care';

let browser: Browser;
const axe = accessibility(() => browser);

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('console: the region map, the reminder banner, new since my last visit', () => {
  it('shows the officer a map of the region with the child\'s outcode and one numbered marker per result', async () => {
    await seedHome(api, PROVIDER, `Map House ${Date.now().toString(36)}`);
    const context = await newContext(browser, 'pointer');
    const page = await context.newPage();
    const search = '/console/search?child.age=14&child.sex=female&child.needs=self-harm&near.outcode=CM1&maxMiles=60';
    await page.goto(url(search));
    await signIn(page, 'pointer', person(dataDir, 'authority:essex', 'placement-officer'));
    expect(new URL(page.url()).pathname).toBe('/console/search');

    const map = page.getByRole('img', { name: 'Map of the homes found near CM1' });
    await expect.poll(() => map.isVisible()).toBe(true);
    const rows = page.locator('table tbody tr');
    const n = await rows.count();
    expect(n).toBeGreaterThan(0);
    // the child's home outcode, and one marker per result, numbered as the list is
    expect(await map.locator('[data-marker="home"]').count()).toBe(1);
    const markers = map.locator('[data-marker="result"]');
    expect(await markers.count()).toBe(n);
    expect(await markers.locator('text').allTextContents()).toEqual(Array.from({ length: n }, (_, i) => String(i + 1)));
    for (let i = 0; i < n; i++) expect(await rows.nth(i).locator(`[data-result-n="${i + 1}"]`).textContent()).toBe(`${i + 1}.`);
    expect(await map.locator('[data-area]').count()).toBe(11);
    const description = await page.locator('#region-map-desc').textContent();
    expect(description).toContain('CM1');
    expect(description).not.toMatch(/[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}/); // never a full postcode
    // the attribution is visible beside it
    await expect.poll(() => page.getByText(/Open Government Licence v3\.0/).first().isVisible()).toBe(true);
    // nothing styled inline (a strict CSP allows no style attribute)
    expect(await page.locator('[data-testid="region-map"] [style]').count()).toBe(0);
    await axe.check(page, 'pointer');
    await context.close();
  }, 180_000);

  it('shows a provider a banner for its bed hold ending within 2 hours, linked to the referral, once the reminders job has sent it', async () => {
    const tag = Date.now().toString(36);
    const home = await seedHome(api, PROVIDER, `Banner House ${tag}`);
    const referralId = await seedReferral(api, `E2E-BANNER-${tag}`, [PROVIDER]);
    const made = await api(`provider:${PROVIDER}`, 'POST', `/v1/referrals/${encodeURIComponent(referralId)}/offers`, {
      homeUrn: home.urn, vacancyId: home.vacancyId, startDate: londonToday(), weeklyCost: { core: 5100 }, holdUntil: new Date(Date.now() + 90 * 60_000).toISOString(),
    });
    // the hub's own job (every minute under npm start) sends hold.expiring: wait for it in the provider's feed
    await expect.poll(async () => {
      const feed = await api(`provider:${PROVIDER}`, 'GET', '/v1/events?limit=100');
      let items = feed.items as { type: string; subject: { id: string } }[];
      for (let cursor = feed.nextCursor; cursor && items.length < 5000;) {
        const next = await api(`provider:${PROVIDER}`, 'GET', `/v1/events?limit=100&cursor=${encodeURIComponent(cursor)}`);
        if (next.items.length === 0) break;
        items = items.concat(next.items);
        cursor = next.nextCursor;
      }
      return items.some((e) => e.type === 'hold.expiring' && e.subject.id === made.id);
    }, { timeout: 150_000, interval: 3_000 }).toBe(true);

    const context = await newContext(browser, 'pointer');
    const page = await context.newPage();
    const act = actor(page, 'pointer');
    await page.goto(url('/console/'));
    await signIn(page, 'pointer', person(dataDir, `provider:${PROVIDER}`, 'provider-staff'));
    const banner = page.getByRole('region', { name: 'Reminders' });
    await expect.poll(() => banner.count()).toBe(1);
    expect(await banner.textContent()).toContain(`Your offer of ${home.name} holds its bed until`);
    const link = banner.getByRole('link', { name: `see the referral you offered ${home.name} for` });
    await axe.check(page, 'pointer');
    await act.press(link);
    expect(new URL(page.url()).pathname).toBe(`/console/shared/${encodeURIComponent(referralId)}`);

    // once the offer is withdrawn, the reminder no longer applies
    await api(`provider:${PROVIDER}`, 'POST', `/v1/offers/${encodeURIComponent(made.id)}/withdraw`);
    await page.goto(url('/console/'));
    expect(await page.locator('main').textContent()).not.toContain(`Your offer of ${home.name}`);
    await context.close();
  }, 240_000);

  it('lists a provider\'s referrals shared since the person\'s last visit first, tagged New', async () => {
    const tag = Date.now().toString(36);
    const context = await newContext(browser, 'pointer');
    const page = await context.newPage();
    await page.goto(url('/console/shared'));
    await signIn(page, 'pointer', person(dataDir, `provider:${PROVIDER}`, 'provider-staff'));
    expect(new URL(page.url()).pathname).toBe('/console/shared');
    // a second look: nothing came since the first
    await page.goto(url('/console/shared'));
    expect(await page.locator('[data-testid="shared-referrals"] tbody tr[data-new]').count()).toBe(0);

    const fresh = await seedReferral(api, `E2E-NEW-${tag}`, [PROVIDER]);
    await page.goto(url('/console/shared'));
    const rows = page.locator('[data-testid="shared-referrals"] tbody tr');
    expect(await rows.first().locator('a').getAttribute('href')).toContain(encodeURIComponent(fresh));
    expect(await rows.first().locator('.govuk-tag', { hasText: /^New$/ }).count()).toBe(1);
    expect(await page.locator('[data-testid="shared-referrals"] tbody tr[data-new]').count()).toBe(1);
    await axe.check(page, 'pointer');
    // seen now: on the next visit it is no longer new
    await page.goto(url('/console/shared'));
    expect(await page.locator('[data-testid="shared-referrals"] tbody tr[data-new]').count()).toBe(0);
    await context.close();
  }, 180_000);
});
