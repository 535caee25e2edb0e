import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { accessibility, actor, launch, newContext, watchSecurity, type Mode } from './browser.ts';
import { hubApi } from './seed.ts';

/**
 * What every page-test file sets up: the local hub the run started (global-setup.ts), the API with
 * the demo keys, one Chromium for the file, axe-core on every page, and pages opened as a person
 * would use them (pointer, keyboard or no JavaScript) under the security watch (browser.ts).
 */
export function e2eSuite() {
  const baseUrl = inject('e2eBaseUrl');
  const dataDir = inject('e2eDataDir');
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    baseUrl,
    dataDir,
    url: (path: string) => `${baseUrl}${path}`,
    api: hubApi(baseUrl, dataDir),
    axe: accessibility(() => browser),
    browser: () => browser,
    /** A fresh browser context and page in `mode`, its actor, and its security watch. */
    async open(mode: Mode) {
      const context = await newContext(browser, mode);
      const page = await context.newPage();
      const security = await watchSecurity(page);
      return { context, page, act: actor(page, mode), security };
    },
  };
}
