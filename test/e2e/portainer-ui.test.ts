// The Portainer source of Docker hosts, the log search and the health page in Chromium, on the built UI, against the
// real server and the Portainer simulator (test/support/portainer) whose Docker paths reach a real lab dockerd:
// an admin adds a server through the dialog, tests and syncs it, reads its environments' figures (equal to what the
// dockerd says) and follows the link to the host; the host shows "via Portainer" in the Docker section; a real
// container is stopped and started through it; capture is turned on for a container, its lines are searched and
// found; the health page shows the server, its host and an SSH host. axe-core and screenshots on those sections.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_IMAGE, LAB_USER, sharedLab, type LabHost } from '../lab/index.js';
import { ADMIN, startTestServer, type TestServer } from '../support/app.js';
import { startPortainerSim, type PortainerSim } from '../support/portainer/sim.js';
import { axe, launch, login, screenshot, setTheme, toasts } from './browser.js';

const lab = sharedLab();
// The host behind Portainer, and another one reached over SSH (ui.test.ts uses hosts[0] the same way, one file at a time).
const behind: LabHost = lab.hosts[1]!;
const ssh: LabHost = lab.hosts[2] ?? lab.hosts[0]!;
const NOISE = 'pui-noise';
const PASSWORD = 's3cret-password';

let ts: TestServer;
let sim: PortainerSim;
let simStopped = false;
let browser: Browser;
let page: Page;
let sshId: number;
let hostId: number;

const state = async (name: string) => (await behind.docker(['inspect', '--format', '{{.State.Status}}', name])).stdout.trim();
const row = (p: Page, name: string) => p.locator(`[data-testid=container-row][data-name="${name}"]`);

beforeAll(async () => {
  if (!existsSync(join(process.cwd(), 'web', 'dist', 'index.html'))) throw new Error('web/dist is missing: run `npm run build:web` first');
  await behind.docker(['rm', '-f', NOISE]);
  // A container of this test's own: it writes a numbered line every second (what the search finds).
  const run = await behind.docker(['run', '-d', '--init', '--name', NOISE, LAB_IMAGE, 'sh', '-c', 'i=0; while true; do i=$((i+1)); echo "pui-needle $i"; sleep 1; done']);
  expect(run.code, run.stderr).toBe(0);
  [ts, sim, browser] = await Promise.all([
    startTestServer({ sshKeyFile: lab.clientKeyPath, scheduler: true, env: { HOMELAB_DOCKER_COLLECT_INTERVAL: '5', HOMELAB_WEB_DIR: join(process.cwd(), 'web', 'dist') } }),
    startPortainerSim({
      users: [{ username: 'admin', password: PASSWORD, role: 'admin' }],
      endpoints: [{ name: 'pui-env', type: 1, socketPath: behind.dockerHost.replace(/^unix:\/\//, '') }, { name: 'pui-edge', type: 4 }],
    }),
    launch(),
  ]);
  const h = await ts.api('POST', '/api/hosts', { body: { name: 'pui-ssh', host: ssh.address, port: ssh.port, username: LAB_USER } });
  sshId = h.body.id;
  expect((await ts.api('POST', `/api/hosts/${sshId}/check`)).status).toBe(200);
  expect((await ts.api('POST', `/api/docker/hosts/${sshId}/enable`)).status).toBe(200);
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  await login(page, ts.url, ADMIN.username, ADMIN.password);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await ts?.destroy();
  if (!simStopped) await sim?.stop();
  await behind?.docker(['rm', '-f', NOISE]);
});

const card = () => page.locator('[data-testid=portainer-server]').filter({ hasText: 'pui-sim' });

describe('a Portainer server in the UI', () => {
  it('an admin adds it through the dialog, tests it and syncs it', async () => {
    await page.click('[data-testid=nav-portainer]');
    await page.click('[data-testid=portainer-add]');
    const dlg = page.locator('[data-testid=portainer-dialog]');
    await dlg.locator('#pf-name').fill('pui-sim');
    await dlg.locator('#pf-url').fill(sim.url);
    await dlg.locator('input[value=password]').check();
    await dlg.locator('#pf-user').fill('admin');
    await dlg.locator('#pf-pass').fill(PASSWORD);
    // Update only: the automatic sync (the loops run here) creates nothing, so the Sync button is what creates the host.
    // In the default mode the loop's first run races the click and the button would report "0 created".
    await dlg.locator('#pf-mode').selectOption('update_only');
    await dlg.locator('[data-testid=portainer-save]').click();
    await card().waitFor({ timeout: 10_000 });
    await card().locator('[data-testid=portainer-test]').click();
    await expect.poll(async () => (await toasts(page)).join(' | '), { timeout: 15_000 }).toContain(`pui-sim: Portainer ${sim.version}, 2 environments`);
    await expect.poll(() => card().locator('[data-testid=portainer-status]').textContent(), { timeout: 10_000 }).toBe('online');
    expect(await card().locator('[data-testid=portainer-version]').textContent()).toBe(sim.version);
    await card().locator('[data-testid=portainer-sync]').click();
    await expect.poll(async () => (await toasts(page)).join(' | '), { timeout: 15_000 }).toMatch(/pui-sim synced: 1 created/);
  });

  it('shows its environments with figures equal to the dockerd behind, and links to the host', async () => {
    await card().locator('[data-testid=portainer-envs-toggle]').click();
    const env = card().locator('[data-testid=endpoint-row]').filter({ hasText: 'pui-env' });
    await env.waitFor({ timeout: 10_000 });
    const ps = (await behind.docker(['ps', '-a', '--format', '{{.State}}'])).stdout.trim().split('\n');
    expect(await env.locator('[data-testid=endpoint-runstop]').textContent()).toBe(`${ps.filter((s) => s === 'running').length} / ${ps.filter((s) => s === 'exited').length}`);
    const edge = card().locator('[data-testid=endpoint-row]').filter({ hasText: 'pui-edge' });
    expect(await edge.locator('[data-testid=endpoint-host-link]').count()).toBe(0);
    expect((await edge.locator('[data-testid=endpoint-reason]').textContent())!.length).toBeGreaterThan(0);
    const href = (await env.locator('[data-testid=endpoint-host-link]').getAttribute('href'))!;
    expect(href).toMatch(/^#\/docker\/\d+$/);
    hostId = Number(href.split('/').pop());
    await env.locator('[data-testid=endpoint-host-link]').click();
    await row(page, NOISE).waitFor({ timeout: 20_000 });
    const real = (await behind.docker(['ps', '-a', '--format', '{{.Names}}'])).stdout.trim().split('\n').sort();
    const shown = (await page.locator('[data-testid=container-row]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.name!))).sort();
    expect(shown).toEqual(real);
  });

  it('shows the host in the Docker section with the "via Portainer" badge', async () => {
    await page.click('[data-testid=nav-docker]');
    const hostCard = page.locator(`.docker-host-card[data-host-id="${hostId}"]`);
    await expect.poll(() => hostCard.locator('[data-testid=via-portainer]').textContent(), { timeout: 10_000 }).toBe('via Portainer pui-sim');
    await expect.poll(() => hostCard.locator('[data-testid=docker-status]').textContent(), { timeout: 20_000 }).toBe('online');
    expect(await page.locator(`.docker-host-card[data-host-id="${sshId}"] [data-testid=via-portainer]`).count()).toBe(0);
  });

  it('stops and starts a real container through Portainer', async () => {
    await page.goto(`${ts.url}/#/docker/${hostId}/containers`);
    await row(page, NOISE).locator('[data-action=stop]').click();
    await expect.poll(async () => `${await row(page, NOISE).getAttribute('data-state')} ${await toasts(page)}`, { timeout: 20_000 }).toMatch(/^exited/);
    expect(await state(NOISE)).toBe('exited');
    await row(page, NOISE).locator('[data-action=start]').click();
    await expect.poll(async () => `${await row(page, NOISE).getAttribute('data-state')} ${await toasts(page)}`, { timeout: 20_000 }).toMatch(/^running/);
    expect(await state(NOISE)).toBe('running');
  });
});

describe('the log search', () => {
  it('turns capture on for a container, then finds the lines it wrote since', async () => {
    await row(page, NOISE).locator('[data-testid=view-logs]').click();
    const drawer = page.locator('[data-testid=logs-drawer]');
    await drawer.locator('[data-testid=logs-capture]').selectOption('stdout');
    await expect.poll(async () => (await toasts(page)).join(' | '), { timeout: 10_000 }).toContain(`Capture of ${NOISE}: stdout`);
    const on = Date.now();
    await page.keyboard.press('Escape');
    await page.click('[data-testid=nav-logs]');
    await page.fill('#ls-q', 'pui-needle');
    // Lines are stored at each collection (every 5 s here): search until the first arrive.
    const hits = page.locator('[data-testid=logsearch-row]').filter({ hasText: NOISE });
    await expect.poll(async () => {
      await page.click('[data-testid=logsearch-submit]');
      await page.waitForTimeout(500);
      return hits.count();
    }, { timeout: 30_000, interval: 1_000 }).toBeGreaterThan(0);
    const first = hits.first();
    expect(await first.textContent()).toMatch(/pui-needle \d+/);
    expect(await first.getAttribute('data-stream')).toBe('stdout');
    expect(await first.locator('td').nth(1).textContent()).toBe('pui-env');
    // No backfill: every line found was written after capture was turned on (the cell's title is the full timestamp).
    const stamps = await hits.locator('td:first-child').evaluateAll((els) => els.map((e) => (e as HTMLElement).title));
    for (const ts of stamps) expect(Date.parse(ts)).toBeGreaterThanOrEqual(on - 2_000);
  });
});

describe('the health page', () => {
  it('shows the server with its figures and its host, then the SSH host with its Docker and events stream', async () => {
    await page.click('[data-testid=nav-health]');
    const server = (await ts.api('GET', '/api/portainer/servers')).body.servers.find((s: { name: string }) => s.name === 'pui-sim');
    const srv = page.locator(`[data-testid=health-server][data-server-id="${server.id}"]`);
    await srv.waitFor({ timeout: 10_000 });
    expect(await srv.locator('[data-testid=health-server-status]').textContent()).toBe('online');
    expect(await srv.locator('[data-testid=health-server-version]').textContent()).toBe(sim.version);
    expect(await srv.locator('[data-testid=health-server-envs]').textContent()).toBe(`${server.endpoints_up} / 2`);
    expect(await srv.locator('[data-testid=health-server-sync]').textContent()).toMatch(/\(\d+ ms\)/);
    expect(await srv.locator('[data-testid=health-server-error]').textContent()).toBe('none');
    const envHost = srv.locator(`[data-testid=health-host][data-host-id="${hostId}"]`);
    await expect.poll(() => envHost.locator('[data-testid=health-docker-status]').textContent(), { timeout: 15_000 }).toBe('Docker: online');
    expect(await envHost.locator('[data-testid=health-last-collect]').textContent()).toMatch(/\(\d+ ms\)/);
    const real = (await ssh.docker(['version', '--format', '{{.Server.Version}}'])).stdout.trim();
    const sshRow = page.locator(`[data-testid=health-host][data-host-id="${sshId}"]`);
    await expect.poll(() => sshRow.locator('[data-testid=health-events]').textContent(), { timeout: 15_000 }).toBe('connected');
    expect(await sshRow.locator('[data-testid=health-docker-status]').textContent()).toBe('Docker: online');
    expect(await sshRow.locator('[data-testid=health-docker-version]').textContent()).toBe(real);
    expect(await sshRow.locator('[data-testid=health-last-collect]').textContent()).toMatch(/\(\d+ ms\)/);
  });

  it('follows a server that becomes unreachable, live', async () => {
    const server = (await ts.api('GET', '/api/portainer/servers')).body.servers.find((s: { name: string }) => s.name === 'pui-sim');
    const srv = page.locator(`[data-testid=health-server][data-server-id="${server.id}"]`);
    await sim.stop();
    simStopped = true;
    // The sync of this server fails; its hosts' collection follows, and their messages make the page read again.
    expect((await ts.api('POST', `/api/portainer/servers/${server.id}/sync`)).status).toBe(502);
    await expect.poll(() => srv.locator('[data-testid=health-server-status]').textContent(), { timeout: 40_000 }).toBe('unreachable');
    expect((await srv.locator('[data-testid=health-server-error]').textContent())!.length).toBeGreaterThan(4);
  });
});

describe('accessibility and screenshots', () => {
  it('has no serious axe violation on the Portainer, log search and health sections', async () => {
    const found: Record<string, unknown> = {};
    for (const [label, width, height] of [['desktop', 1280, 860], ['phone', 390, 844]] as const) {
      const p = width === 1280 ? page : await browser.newPage({ viewport: { width, height } });
      if (p !== page) await login(p, ts.url, ADMIN.username, ADMIN.password);
      for (const theme of ['light', 'dark'] as const) {
        await setTheme(p, theme);
        for (const s of ['portainer', 'logs', 'health'] as const) {
          await p.goto(`${ts.url}/#/${s}`);
          await p.waitForLoadState('networkidle');
          await p.waitForTimeout(300);
          await screenshot(p, `${s}-${theme}-${label}`);
          const v = await axe(p);
          if (v.length) found[`${s}/${theme}/${label}`] = v;
        }
      }
    }
    expect(found).toEqual({});
  });
});
