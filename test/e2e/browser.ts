import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { DemoPerson } from './local-hub.ts';

/**
 * The page-test harness: one headless Debian Chromium per test file (contexts are cheap: one per
 * person and mode), axe-core with the WCAG 2.2 AA tags on every page visited, the real sign-in
 * form, and actions that are done either with the pointer or with the keyboard alone.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export const launch = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });

export type Mode = 'pointer' | 'no-js' | 'keyboard';

export const newContext = (browser: Browser, mode: Mode): Promise<BrowserContext> => browser.newContext({ javaScriptEnabled: mode !== 'no-js', baseURL: undefined });

/**
 * Checks a page with axe-core against WCAG 2.2 AA; each distinct page (path shape and mode) once per
 * run. axe runs in the page, so a page rendered without JavaScript is checked as that rendering:
 * its HTML, scripts removed, served at its own URL to a page that may run axe.
 */
export function accessibility(browser: () => Browser) {
  const seen = new Set<string>();
  const checked: string[] = [];
  let helper: Promise<Page> | undefined;
  return {
    checked,
    async check(page: Page, mode: Mode): Promise<void> {
      const shape = new URL(page.url()).pathname.replace(/\/(ref|off|plc|[0-9a-f]{8}-)[^/]*/g, '/:id');
      const key = `${mode === 'no-js' ? 'no-js' : 'js'} ${shape}`;
      if (seen.has(key)) return;
      seen.add(key);
      let target = page;
      if (mode === 'no-js') {
        // without its #fragment: a route never matches one, and the page would be fetched without the person's session
        const address = page.url().split('#')[0]!;
        const html = (await (await page.request.get(address)).text()).replace(/<script\b[\s\S]*?<\/script>/gi, '');
        target = await (helper ??= browser().newContext().then((c) => c.newPage()));
        await target.route(address, (r) => r.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
        await target.goto(address, { waitUntil: 'load' });
        await target.unrouteAll();
        if (await target.evaluate(() => (globalThis as unknown as { document: { body: { className: string } } }).document.body.className.includes('js-enabled'))) {
          throw new Error(`the no-JavaScript rendering ran a script: ${page.url()} shown as ${target.url()} "${await target.title()}"`);
        }
      }
      const result = await new AxeBuilder({ page: target }).withTags(WCAG_TAGS).analyze();
      const violations = result.violations.map((v: { id: string; impact?: string | null; help: string; nodes: { target: unknown[]; html?: string }[] }) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html ?? ''}`).slice(0, 3).join('; ')}`);
      expect(violations, `axe on ${page.url()}`).toEqual([]);
      checked.push(key);
    },
  };
}

/** Pointer or keyboard: the same steps, done as a mouse user or as a keyboard-only user would. */
export function actor(page: Page, mode: Mode) {
  /** Tab (forward) until `target` has focus: proves it can be reached by keyboard. */
  async function tabTo(target: Locator, max = 400): Promise<void> {
    const handle = await target.elementHandle();
    for (let i = 0; i < max; i++) {
      if (await page.evaluate((el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement, handle)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`could not reach ${target.toString()} by keyboard in ${max} presses of Tab`);
  }
  const keyboard = mode === 'keyboard';
  return {
    async fill(target: Locator, text: string) {
      if (!keyboard) return target.fill(text);
      await tabTo(target);
      await page.keyboard.press('Control+A');
      await page.keyboard.type(text);
    },
    async check(target: Locator) {
      if (!keyboard) return target.check();
      await tabTo(target);
      if (!(await target.isChecked())) await page.keyboard.press('Space');
      expect(await target.isChecked()).toBe(true);
    },
    /** Presses a button or follows a link, and waits for the page it leads to. */
    async press(target: Locator) {
      if (!keyboard) {
        await Promise.all([page.waitForLoadState('load'), target.click()]);
        return;
      }
      await tabTo(target);
      const loaded = page.waitForEvent('load');
      await page.keyboard.press('Enter');
      await loaded;
    },
    async select(target: Locator, value: string) {
      if (!keyboard) return void (await target.selectOption(value));
      await tabTo(target);
      // a closed <select> takes arrow keys: move until the value is chosen
      for (let i = 0; i < 50 && (await target.inputValue()) !== value; i++) await page.keyboard.press('ArrowDown');
      expect(await target.inputValue()).toBe(value);
    },
  };
}

/** Signs in through the hub's real OpenID provider form (from any console page that asks). */
export async function signIn(page: Page, mode: Mode, who: DemoPerson): Promise<void> {
  const act = actor(page, mode);
  await expect.poll(() => page.getByLabel('Email address').count()).toBe(1);
  await act.fill(page.getByLabel('Email address'), who.email);
  await act.fill(page.getByLabel('Password'), who.password);
  await act.press(page.getByRole('button', { name: 'Sign in' }));
  await page.waitForURL(/\/console\//);
}

/**
 * Watches a page for what the console's security headers promise (issue 14): every document it
 * is shown (console pages and the sign-in pages) carries the Content-Security-Policy, nosniff, a
 * same-origin Referrer-Policy and no-store, and the browser reports no CSP violation on any of
 * them — seen both as the browser's own console messages and, where scripts run, as
 * `securitypolicyviolation` events.
 */
export async function watchSecurity(page: Page) {
  const violations: string[] = [];
  const documents: string[] = [];
  page.on('console', (m) => {
    if (/Content[ -]Security[ -]Policy|securitypolicyviolation|Refused to/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
  });
  page.on('response', (r) => {
    const req = r.request();
    if (!req.isNavigationRequest() || req.frame() !== page.mainFrame() || (r.status() >= 300 && r.status() < 400)) return;
    const h = r.headers();
    const csp = h['content-security-policy'] ?? '';
    const path = new URL(r.url()).pathname;
    documents.push(path);
    const problems = [
      ...["default-src 'self'", "style-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"].filter((d) => !csp.includes(d)).map((d) => `no ${d}`),
      ...(/'unsafe-inline'|'unsafe-eval'/.test(csp) ? ['unsafe-inline or unsafe-eval'] : []),
      ...(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')*(;|$)/.test(csp) ? [] : ['script-src not self plus hashes']),
      ...(h['x-content-type-options'] === 'nosniff' ? [] : ['no nosniff']),
      ...(h['referrer-policy'] === 'same-origin' ? [] : ['no same-origin referrer policy']),
      ...(h['cache-control'] === 'no-store' ? [] : ['not no-store']),
    ];
    if (problems.length) violations.push(`${path}: ${problems.join(', ')}`);
  });
  await page.addInitScript(() => {
    const g = globalThis as unknown as { document: { addEventListener(t: string, f: (e: { violatedDirective: string; blockedURI: string }) => void): void }; console: { error(s: string): void } };
    g.document.addEventListener('securitypolicyviolation', (e) => g.console.error(`securitypolicyviolation ${e.violatedDirective} ${e.blockedURI}`));
  });
  return {
    violations,
    documents,
    /** No violation so far, and at least `min` documents seen. */
    expectClean(min = 1) {
      expect(violations).toEqual([]);
      expect(documents.length).toBeGreaterThanOrEqual(min);
    },
  };
}
