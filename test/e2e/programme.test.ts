import { describe, expect, it } from 'vitest';
import { signIn, type Mode } from './browser.ts';
import { person } from './local-hub.ts';
import { londonToday, seedHome } from './seed.ts';
import { e2eSuite } from './suite.ts';

/**
 * The programme office's journeys in a real Chromium against the real local hub: sign in through the
 * sign-in form; the allocation board shows a pending pool request with its ranked candidate bed;
 * allocate it (with a pointer, and again with JavaScript turned off); the allocation is the
 * requesting authority's (through the API); beds, the ledger with its occupancy chart, and the
 * provider directory; an allocation ended, and another stepped down into a move-on bed; the board's
 * pages, followed without JavaScript, reach every pending request in order. Every page
 * visited passes axe-core (WCAG 2.2 AA) and carries the console's security headers with no CSP
 * violation reported.
 */

const { dataDir, url, api, axe, open } = e2eSuite();
const office = () => person(dataDir, 'programme-office', 'programme-officer');

/** A pooled bed in a new home of the demo provider (CB1), and its id. */
async function seedBed(tag: string, kind: 'emergency' | 'move-on' = 'emergency'): Promise<string> {
  const home = await seedHome(api, 'harbour-care', `Pool House ${kind} ${tag}`);
  const bed = await api('programme-office', 'POST', '/v1/pool/beds', { homeUrn: home.urn, kind, weeklyCost: kind === 'emergency' ? 7000 : 2450, contractRef: `PLC-${tag}`, from: '2026-01-01' });
  return bed.id;
}

async function seedRequest(childRef: string) {
  return api('authority:essex', 'POST', '/v1/pool/requests', {
    kind: 'emergency', urgency: 'today', neededFrom: londonToday(), child: { childRef, age: 14, sex: 'female', needs: ['self-harm'] }, homeOutcode: 'CM1',
  });
}

async function signedIn(mode: Mode, path = '/console/') {
  const session = await open(mode);
  await session.page.goto(url(path));
  await signIn(session.page, mode, office());
  await expect.poll(() => session.page.getByTestId('organisation').textContent()).toBe('Programme office');
  const nav = (name: string) => session.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name, exact: true });
  return { ...session, nav };
}

async function requestToAllocation(mode: Mode) {
  const tag = `${mode}-${Date.now().toString(36)}`;
  const bedId = await seedBed(tag);
  const childRef = `E2E-POOL-${tag}`;
  const request = await seedRequest(childRef);

  const { context, page, act, nav, security } = await signedIn(mode);
  await axe.check(page, mode);

  await act.press(nav('Allocation board'));
  await axe.check(page, mode);
  const card = page.locator('.govuk-summary-card', { hasText: childRef });
  await expect.poll(() => card.count()).toBe(1);
  expect(await card.textContent()).toContain('Today');
  const allocate = card.getByRole('button', { name: `Allocate bed ${bedId} to ${childRef}` });
  expect(await allocate.count()).toBe(1);
  await act.press(allocate);
  expect(new URL(page.url()).pathname).toBe('/console/allocations');
  await axe.check(page, mode);
  const row = page.locator('tr', { hasText: bedId });
  await expect.poll(() => row.count()).toBeGreaterThan(0);
  expect(await row.first().textContent()).toContain('active');

  // the request is allocated (the API, as the requesting authority sees it) and leaves the board
  expect((await api('authority:essex', 'GET', `/v1/pool/requests/${request.id}`)).status).toBe('allocated');
  await act.press(nav('Allocation board'));
  expect(await page.locator('.govuk-summary-card', { hasText: childRef }).count()).toBe(0);

  // beds, the ledger with its chart beside the table, the provider directory
  await act.press(nav('Beds'));
  await axe.check(page, mode);
  expect(await page.locator('tr', { hasText: bedId }).textContent()).toContain('essex');
  await act.press(nav('Ledger'));
  await axe.check(page, mode);
  expect(await page.locator('svg[role=img] title').textContent()).toContain('Occupancy');
  expect(await page.getByRole('table').first().textContent()).toContain(bedId);
  await act.press(nav('Spend'));
  await act.fill(page.getByLabel('Period'), '2019-13');
  await act.press(page.getByRole('button', { name: 'Show spend' }));
  await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1); // the API's own period rule
  await axe.check(page, mode);
  await act.press(nav('Providers'));
  await axe.check(page, mode);
  expect(await page.locator('main').textContent()).toContain('Harbour Care');
  security.expectClean(8);
  await context.close();
}

describe('console: the programme office', () => {
  it('goes from a pending pool request to an allocation, with a pointer', () => requestToAllocation('pointer'), 240_000);
  it('does the same with JavaScript turned off', () => requestToAllocation('no-js'), 240_000);

  it('ends one allocation and steps another down into a move-on bed', async () => {
    const tag = `end-${Date.now().toString(36)}`;
    const [ending, stepping, moveOn] = [await seedBed(`${tag}-a`), await seedBed(`${tag}-b`), await seedBed(`${tag}-c`, 'move-on')];
    const allocate = async (bedId: string, childRef: string) =>
      api('programme-office', 'POST', '/v1/pool/allocations', { requestId: (await seedRequest(childRef)).id, bedId, startDate: londonToday() });
    const first = await allocate(ending, `E2E-END-${tag}`);
    const second = await allocate(stepping, `E2E-STEP-${tag}`);

    const { context, page, act, security } = await signedIn('pointer', '/console/allocations');
    expect(new URL(page.url()).pathname).toBe('/console/allocations');
    await axe.check(page, 'pointer');

    // allocations come 20 a page: follow "Next page" to the page that lists ours
    const onItsPage = async (id: string) => {
      for (let i = 0; i < 20 && (await page.locator(`tr[id="${id}"]`).count()) === 0; i++) await act.press(page.getByRole('link', { name: 'Next page' }));
      return page.locator(`tr[id="${id}"]`);
    };

    // end the first: its end date (today) and reason as given, no move-on bed
    const endRow = await onItsPage(first.id);
    await endRow.getByLabel('Reason (SSDA903)').selectOption('CARPL');
    await act.press(endRow.getByRole('button', { name: `End or step down ${first.id}` }));
    expect(new URL(page.url()).pathname).toBe('/console/allocations');
    expect(await api('programme-office', 'GET', `/v1/pool/allocations/${first.id}`)).toMatchObject({ status: 'ended', endDate: londonToday(), reason: 'CARPL' });
    const ended = await onItsPage(first.id);
    expect(await ended.textContent()).toContain('ended');
    expect(await ended.getByRole('button').count()).toBe(0);

    // step the second down into the move-on bed
    await page.goto(url('/console/allocations'));
    const stepRow = await onItsPage(second.id);
    await stepRow.getByLabel('Reason (SSDA903)').selectOption('PLACE');
    await act.fill(stepRow.getByLabel('Move-on bed to step down into (optional)'), moveOn);
    await act.press(stepRow.getByRole('button', { name: `End or step down ${second.id}` }));
    expect(new URL(page.url()).pathname).toBe('/console/allocations');
    expect(await api('programme-office', 'GET', `/v1/pool/allocations/${second.id}`)).toMatchObject({ status: 'ended', reason: 'PLACE' });
    const beds = await api('programme-office', 'GET', `/v1/pool/beds/${moveOn}`);
    expect(beds.status).toBe('occupied');
    const next = (await api('programme-office', 'GET', '/v1/pool/allocations?limit=100')).items.find((a: any) => a.bedId === moveOn && a.status === 'active');
    expect(next).toBeDefined();
    expect(await (await onItsPage(next.id)).textContent()).toContain('active');
    await axe.check(page, 'pointer');

    security.expectClean(3);
    await context.close();
  }, 240_000);

  it('pages the board 25 requests at a time, most urgent and then oldest first, and its pages reach every pending request (without JavaScript)', async () => {
    // 30 more pending requests, the less urgent asked first: the board must still put the urgent first
    const tag = `page-${Date.now().toString(36)}`;
    const ranks = { Today: 0, 'Within 5 days': 1, Planned: 2 } as const;
    const urgencies = ['planned', 'within-5-days', 'today'] as const;
    const seeded: string[] = [];
    for (let i = 0; i < 30; i++) {
      const childRef = `E2E-BOARD-${tag}-${String(i).padStart(2, '0')}`;
      await api('authority:essex', 'POST', '/v1/pool/requests', {
        kind: 'emergency', urgency: urgencies[Math.floor(i / 10)], neededFrom: londonToday(), child: { childRef, age: 12, sex: 'male', needs: [] }, homeOutcode: 'CM1',
      });
      seeded.push(childRef);
    }
    // every pending request, as the API lists them to the programme office
    const pending: string[] = [];
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page: { items: { status: string; child: { childRef: string } }[]; nextCursor?: string } = await api('programme-office', 'GET', `/v1/pool/requests?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      pending.push(...page.items.filter((r) => r.status === 'pending').map((r) => r.child.childRef));
      cursor = page.nextCursor;
    }
    expect(pending.length).toBeGreaterThan(25);

    const { context, page, act, nav, security } = await signedIn('no-js');
    await act.press(nav('Allocation board'));
    const shown: { childRef: string; rank: number }[] = [];
    let pages = 0;
    for (;;) {
      pages++;
      const cards = await page.locator('.govuk-summary-card').all();
      expect(cards.length).toBeGreaterThan(0);
      expect(cards.length).toBeLessThanOrEqual(25);
      for (const card of cards) {
        const title = (await card.locator('.govuk-summary-card__title').textContent())!;
        const urgency = (await card.locator('.govuk-tag').first().textContent())!.trim() as keyof typeof ranks;
        shown.push({ childRef: title.split(' from ')[0]!, rank: ranks[urgency] });
      }
      const next = page.getByRole('link', { name: 'Next page' });
      if ((await next.count()) === 0) break;
      if (pages === 2) await axe.check(page, 'no-js');
      expect(pages).toBeLessThan(50);
      await act.press(next);
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    const refs = shown.map((x) => x.childRef);
    expect(new Set(refs).size).toBe(refs.length); // no request on two pages
    expect(refs).toEqual(expect.arrayContaining(pending)); // and none missed
    // most urgent first across the pages; oldest first within an urgency (ours were asked in order)
    expect(shown.map((x) => x.rank)).toEqual(shown.map((x) => x.rank).sort((a, b) => a - b));
    const ours = refs.filter((r) => seeded.includes(r));
    expect(ours).toEqual([...seeded.slice(20), ...seeded.slice(10, 20), ...seeded.slice(0, 10)]);
    security.expectClean(pages + 1);
    await context.close();
  }, 240_000);

  it('checked every page it visited with axe-core', () => {
    expect(axe.checked.length).toBeGreaterThanOrEqual(14);
  });
});
