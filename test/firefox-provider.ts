// A vitest browser provider that drives stock Firefox through puppeteer-core over WebDriver BiDi.
// Playwright's Firefox is a patched build (not Debian's firefox-esr) and webdriverio needs
// geckodriver, which no Debian package ships; puppeteer talks BiDi to the browser itself. Our
// test files use no userEvent/locators and no module mocking, so opening the tester page is all
// a provider has to do here.
import { defineBrowserProvider } from '@vitest/browser';
import type { Browser, Page } from 'puppeteer-core';
import type { BrowserProvider } from 'vitest/node';
import { launchFirefox, useLavapipeUnlessSet } from '../bench/harness/firefox.js';

class PuppeteerFirefoxProvider implements BrowserProvider {
  name = 'puppeteer-firefox';
  // one page: a second WebGPU device on a CPU driver only slows both down
  supportsParallelism = false;
  private browser: Promise<Browser> | null = null;
  private pages = new Map<string, Page>();

  private launch(): Promise<Browser> {
    useLavapipeUnlessSet();
    this.browser ??= launchFirefox();
    return this.browser;
  }

  getCommandsContext(sessionId: string): Record<string, unknown> {
    return { page: this.pages.get(sessionId) };
  }

  async openPage(sessionId: string, url: string): Promise<void> {
    await this.pages.get(sessionId)?.close();
    const page = await (await this.launch()).newPage();
    page.on('pageerror', (e) => console.error(`[firefox page error] ${e instanceof Error ? e.message : String(e)}`));
    this.pages.set(sessionId, page);
    await page.goto(url, { timeout: 0 });
  }

  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = null;
    this.pages.clear();
    await (await browser?.catch(() => null))?.close();
  }
}

export function puppeteerFirefox() {
  return defineBrowserProvider({
    name: 'puppeteer-firefox',
    supportedBrowser: ['firefox'],
    options: {},
    providerFactory: () => new PuppeteerFirefoxProvider(),
  });
}
