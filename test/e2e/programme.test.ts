import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibility, actor, launch, newContext, signIn } from './browser.ts';
import { person } from './local-hub.ts';
import { hubApi, londonToday, seedHome } from './seed.ts';

/**
 * The programme office's journey in a real Chromium against the real local hub: sign in through the
 * sign-in form; the allocation board shows a pending pool request with its ranked candidate bed;
 * allocate it; the allocation is the requesting authority's (through the API); beds, the ledger
 * with its occupancy chart, and the provider directory. Every page visited passes axe-core (WCAG 2.2 AA).
 */

const baseUrl = inject('e2eBaseUrl');
const dataDir = inject('e2eDataDir');
const url = (path: string) => `${baseUrl}${path}`;
const api = hubApi(baseUrl, dataDir);

let browser: Browser;
const axe = accessibility(() => browser);

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('console: the programme office', () => {
  it('goes from a pending pool request to an allocation', async () => {
    const tag = Date.now().toString(36);
    const home = await seedHome(api, 'harbour-care', `Pool House ${tag}`);
    const bed = await api('programme-office', 'POST', '/v1/pool/beds', { homeUrn: home.urn, kind: 'emergency', weeklyCost: 7000, contractRef: `PLC-${tag}`, from: '2026-01-01' });
    const childRef = `E2E-POOL-${tag}`;
    const request = await api('authority:essex', 'POST', '/v1/pool/requests', {
      kind: 'emergency', urgency: 'today', neededFrom: londonToday(), child: { childRef, age: 14, sex: 'female', needs: ['self-harm'] }, homeOutcode: 'CM1',
    });

    const context = await newContext(browser, 'pointer');
    const page = await context.newPage();
    const act = actor(page, 'pointer');
    const nav = (name: string) => page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name, exact: true });
    await page.goto(url('/console/'));
    await signIn(page, 'pointer', person(dataDir, 'programme-office', 'programme-officer'));
    await expect.poll(() => page.getByTestId('organisation').textContent()).toBe('Programme office');
    await axe.check(page, 'pointer');

    await act.press(nav('Allocation board'));
    await axe.check(page, 'pointer');
    const card = page.locator('.govuk-summary-card', { hasText: childRef });
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.textContent()).toContain('Today');
    const allocate = card.getByRole('button', { name: `Allocate bed ${bed.id} to ${childRef}` });
    expect(await allocate.count()).toBe(1);
    await act.press(allocate);
    expect(new URL(page.url()).pathname).toBe('/console/allocations');
    await axe.check(page, 'pointer');
    const row = page.locator('tr', { hasText: bed.id });
    await expect.poll(() => row.count()).toBeGreaterThan(0);
    expect(await row.first().textContent()).toContain('active');

    // the request is allocated (the API, as the requesting authority sees it) and leaves the board
    expect((await api('authority:essex', 'GET', `/v1/pool/requests/${request.id}`)).status).toBe('allocated');
    await act.press(nav('Allocation board'));
    expect(await page.locator('.govuk-summary-card', { hasText: childRef }).count()).toBe(0);

    // beds, the ledger with its chart beside the table, the provider directory
    await act.press(nav('Beds'));
    await axe.check(page, 'pointer');
    expect(await page.locator('tr', { hasText: bed.id }).textContent()).toContain('essex');
    await act.press(nav('Ledger'));
    await axe.check(page, 'pointer');
    expect(await page.locator('svg[role=img] title').textContent()).toContain('Occupancy');
    expect(await page.getByRole('table').first().textContent()).toContain(bed.id);
    await act.press(nav('Spend'));
    await act.fill(page.getByLabel('Period'), '2019-13');
    await act.press(page.getByRole('button', { name: 'Show spend' }));
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1); // the API's own period rule
    await axe.check(page, 'pointer');
    await act.press(nav('Providers'));
    await axe.check(page, 'pointer');
    expect(await page.locator('main').textContent()).toContain('Harbour Care');
    await context.close();
  }, 240_000);

  it('checked every page it visited with axe-core', () => {
    expect(axe.checked.length).toBeGreaterThanOrEqual(6);
  });
});
