// The built UI in headless Chromium against the real server and the lab (real sshd + dockerd + containers):
// log in, enable a lab host, see its real containers, stop/start one, logs and inspect, an alert that appears
// live when a monitored container is killed from outside, acknowledge it; a viewer sees no action button;
// axe-core on every section; screenshots (light/dark, desktop/phone) in HOMELAB_SCREENSHOTS_DIR (docs/screenshots to refresh the README's).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_USER, sharedLab, type Lab, type LabHost } from '../lab/index.js';
import { ADMIN, startTestServer, type TestServer } from '../support/app.js';
import { axe, launch, login, screenshot, setTheme, toasts } from './browser.js';

let ts: TestServer;
let lab: Lab;
let h: LabHost;
let browser: Browser;
let hostId: number;

const SECTIONS = ['dashboard', 'hosts', 'docker', 'portainer', 'logs', 'health', 'alerts', 'activity', 'settings'] as const;

async function containerState(name: string): Promise<string> {
  const r = await h.docker(['inspect', '--format', '{{.State.Status}}', name]);
  return r.stdout.trim();
}

beforeAll(async () => {
  if (!existsSync(join(process.cwd(), 'web', 'dist', 'index.html'))) throw new Error('web/dist is missing: run `npm run build:web` first');
  lab = sharedLab();
  h = lab.hosts[0]!;
  // Scheduler on: the docker events stream and the alert engine run as in production; no grace, so the test is quick.
  [ts, browser] = await Promise.all([
    startTestServer({ sshKeyFile: lab.clientKeyPath, scheduler: true, env: { HOMELAB_ALERT_GRACE: '0', HOMELAB_WEB_DIR: join(process.cwd(), 'web', 'dist') } }),
    launch(),
  ]);
  const r = await ts.api('POST', '/api/hosts', { body: { name: h.name, host: h.address, port: h.port, username: LAB_USER } });
  expect(r.status).toBe(201);
  hostId = r.body.id;
  expect((await ts.api('POST', `/api/hosts/${hostId}/check`)).status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await ts?.destroy();
  // Leave the shared lab as the seed made it.
  if (h) for (const name of ['web', 'noisy']) if ((await containerState(name)) !== 'running') await h.docker(['start', name]);
});

async function adminPage(width = 1280, height = 860): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  await login(page, ts.url, ADMIN.username, ADMIN.password);
  return page;
}

const row = (page: Page, name: string) => page.locator(`[data-testid=container-row][data-name="${name}"]`);

describe('the UI on a real host', () => {
  let page: Page;

  it('enables Docker on a lab host from the Hosts section and shows its real containers', async () => {
    page = await adminPage();
    await page.click('[data-testid=nav-hosts]');
    const hostRow = page.locator(`[data-testid=host-row][data-host-id="${hostId}"]`);
    await hostRow.locator('[data-testid=enable-docker]').click();
    await page.click('[data-testid=nav-docker]');
    const card = page.locator(`.docker-host-card[data-host-id="${hostId}"]`);
    await expect.poll(() => card.locator('[data-testid=docker-status]').textContent(), { timeout: 20_000 }).toBe('online');
    await card.locator('[data-testid=open-host]').click();
    await row(page, 'noisy').waitFor({ timeout: 15_000 });
    const real = (await h.docker(['ps', '-a', '--format', '{{.Names}}'])).stdout.trim().split('\n').sort();
    const shown = (await page.locator('[data-testid=container-row]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.name!))).sort();
    expect(shown).toEqual(real);
    expect(await row(page, 'paused').getAttribute('data-state')).toBe('paused');
    expect(await page.locator('[data-testid=compose-group][data-project=shop]').count()).toBe(1);
  });

  it('stops and starts a container, and the row follows the real state', async () => {
    await row(page, 'noisy').locator('[data-action=stop]').click();
    await expect.poll(async () => `${await row(page, 'noisy').getAttribute('data-state')} ${await toasts(page)}`, { timeout: 20_000 }).toMatch(/^exited/);
    expect(await containerState('noisy')).toBe('exited');
    await row(page, 'noisy').locator('[data-action=start]').click();
    await expect.poll(async () => `${await row(page, 'noisy').getAttribute('data-state')} ${await toasts(page)}`, { timeout: 20_000 }).toMatch(/^running/);
    expect(await containerState('noisy')).toBe('running');
  });

  it('shows the logs (stdout and stderr) following live, and the inspect JSON', async () => {
    await row(page, 'noisy').locator('[data-testid=view-logs]').click();
    const drawer = page.locator('[data-testid=logs-drawer]');
    await drawer.locator('[data-testid=log-line][data-stream=stderr]').first().waitFor({ timeout: 10_000 });
    const before = await drawer.locator('[data-testid=log-line]').count();
    // noisy writes every second: live lines arrive over the WebSocket.
    await expect.poll(() => drawer.locator('[data-testid=log-line]').count(), { timeout: 15_000 }).toBeGreaterThan(before);
    expect(await drawer.locator('[data-testid=log-line][data-stream=stdout]').first().textContent()).toMatch(/tick \d+/);
    await page.keyboard.press('Escape');
    await row(page, 'web').locator('[data-testid=view-inspect]').click();
    const dialog = page.locator('[data-testid=inspect-dialog]');
    await dialog.locator('[data-testid=json-search]').fill('homelab.monitor');
    await expect.poll(() => dialog.textContent()).toContain('homelab.monitor');
    await page.keyboard.press('Escape');
  });

  it('shows an alert live when a monitored container is killed from outside, and acknowledges it', async () => {
    await page.click('[data-testid=nav-alerts]');
    await h.docker(['kill', 'web']);
    const item = page.locator('[data-testid=alert-item]').filter({ hasText: 'web' }).first();
    await item.waitFor({ timeout: 20_000 });
    expect(Number(await page.locator('[data-testid=alerts-badge]').textContent())).toBeGreaterThanOrEqual(1);
    await item.locator('[data-testid=alert-ack]').click();
    await page.fill('[data-testid=ack-comment]', 'on it');
    await page.click('[data-testid=ack-submit]');
    await page.click('[data-testid=tab-acknowledged]');
    await expect.poll(() => page.locator('[data-testid=alert-item]').filter({ hasText: 'on it' }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await h.docker(['start', 'web']);
  });

  it('a viewer sees no action button', async () => {
    const viewer = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await login(viewer, ts.url, 'viewer', 'viewer-password-1');
    await viewer.goto(`${ts.url}/#/docker/${hostId}/containers`);
    await row(viewer, 'noisy').waitFor({ timeout: 15_000 });
    expect(await viewer.locator('[data-testid=container-row] [data-action]').count()).toBe(0);
    expect(await viewer.locator('[data-testid=compose-stop], [data-testid=prune-open], [data-testid=collect-now]').count()).toBe(0);
    expect(await viewer.locator('[data-testid=nav-settings]').count()).toBe(0);
    await viewer.close();
  });

  it('has no serious accessibility violation on any section, and saves screenshots', async () => {
    const found: Record<string, unknown> = {};
    for (const [label, width, height] of [['desktop', 1280, 860], ['phone', 390, 844]] as const) {
      const p = width === 1280 ? page : await adminPage(width, height);
      for (const theme of ['light', 'dark'] as const) {
        await setTheme(p, theme);
        for (const s of SECTIONS) {
          await p.goto(`${ts.url}/#/${s}`);
          await p.waitForLoadState('networkidle');
          await p.waitForTimeout(300);
          await screenshot(p, `${s}-${theme}-${label}`);
          const v = await axe(p);
          if (v.length) found[`${s}/${theme}/${label}`] = v;
        }
        await p.goto(`${ts.url}/#/docker/${hostId}/containers`);
        await row(p, 'noisy').waitFor();
        await screenshot(p, `docker-host-${theme}-${label}`);
        const v = await axe(p);
        if (v.length) found[`docker-host/${theme}/${label}`] = v;
      }
    }
    expect(found).toEqual({});
  });
});
