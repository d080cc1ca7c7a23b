// Debian's Chromium (/usr/bin/chromium, never a browser download) driven by playwright-core, with
// the flags a container needs and a fresh profile per launch (Playwright makes a new temporary
// user-data-dir for every launch), for tests and the page benchmark.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 900 };

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  // In Chinese, as the pages' users run it: date fields and the like read as they do for them.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS, '--lang=zh-CN'] });
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  /** Phone: touch and a device pixel ratio of 2, as the pages' users hold them. */
  mobile?: boolean;
}

/** A fresh context (own sessionStorage, cache, cookies) in Beijing time. */
export async function newContext(browser: Browser, options: PageOptions = {}): Promise<BrowserContext> {
  const mobile = options.mobile ?? false;
  return browser.newContext({
    viewport: options.viewport ?? (mobile ? PHONE : DESKTOP),
    deviceScaleFactor: mobile ? 2 : 1,
    isMobile: mobile,
    hasTouch: mobile,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
}

/** Console errors and failed page scripts, to assert a page ran clean. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}
