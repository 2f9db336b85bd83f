/**
 * Headless Chromium (Debian's package) driven by playwright-core, for the end-to-end tests of the built UI.
 * Helpers: log in through the form, run axe-core on the page, save screenshots.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
// Screenshots go to a temp folder, so `npm test` leaves the clone's tree clean; the README's images are refreshed on
// purpose with HOMELAB_SCREENSHOTS_DIR=docs/screenshots npm test -- --project e2e.
export const SCREENSHOTS = resolve(process.env.HOMELAB_SCREENSHOTS_DIR ?? join(tmpdir(), 'homelab-screenshots'));

export function chromiumPath(): string {
  for (const p of [process.env.HOMELAB_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (p && existsSync(p)) return p;
  throw new Error('Chromium not found: apt-get install -y chromium (or set HOMELAB_CHROMIUM)');
}

export async function launch(): Promise<Browser> {
  // --no-sandbox: tests run as root in a container, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export async function login(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(baseUrl + '/');
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('[data-testid=login-submit]');
  // The navigation is hidden behind the menu button on a phone: wait for the main area instead.
  await page.waitForSelector('main#main');
}

export interface AxeViolation { id: string; impact: string | null; help: string; targets: string[] }

/** Serious and critical axe-core violations on the page as it is now. */
export async function axe(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE });
  const all = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } };
    const r = await w.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  return all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Texts of the toasts on screen (to explain a failure). */
export async function toasts(page: Page): Promise<string[]> {
  return page.locator('[data-testid^=toast-]').allTextContents();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  const file = join(SCREENSHOTS, `${name}.png`);
  mkdirSync(dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: false });
}

export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate((t) => {
    localStorage.setItem('homelab.theme', t);
    document.documentElement.classList.toggle('dark', t === 'dark');
  }, theme);
}
