import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $, $$, choose, click, mount, pushWs, resetBrowser, restore, startServer, teardown, type as typeIn, waitFor, type Mounted } from './test/harness';
import { FakeSocket } from './test/fake-socket';
import { alert, container, dockerHost } from './test/fixtures';
import type { ContractServer } from './test/contract-server';
import { detectLang } from './i18n';

async function submitLogin(root: ParentNode, username: string, password: string) {
  await typeIn($(root, '#login-username') as HTMLInputElement, username);
  await typeIn($(root, '#login-password') as HTMLInputElement, password);
  const form = $(root, '[data-testid=login-form]') as HTMLFormElement;
  await click($(form, '[data-testid=login-submit]')!);
}

describe('login', () => {
  let server: ContractServer;
  let m: Mounted;
  beforeEach(async () => {
    resetBrowser();
    server = await startServer((s) => {
      s.dockerHosts = [dockerHost(1, { name: 'nas' })];
      s.containers.set(1, [container(1, 'web', 'running')]);
    });
  });
  afterEach(async () => {
    await teardown(m, server);
  });

  it('shows the server message on a 401, then lets the right password in', async () => {
    m = mount(server);
    await restore(m);
    await submitLogin(m.root, 'admin', 'wrong');
    const err = await waitFor(() => $(m.root, '[data-testid=login-error]'));
    expect(err.textContent).toBe('Invalid username or password');
    expect(err.getAttribute('role')).toBe('alert');
    expect($(m.root, '[data-testid=nav-dashboard]')).toBeNull();
    await submitLogin(m.root, 'admin', 'admin-pass');
    await waitFor(() => $(m.root, '[data-testid=nav-dashboard]'));
    expect($(m.root, '[data-testid=current-user]')!.textContent).toContain('admin');
    // The token is kept for this browser session only (not "remember me").
    expect(window.sessionStorage.getItem('homelab.token')).toMatch(/^tok-/);
    expect(window.localStorage.getItem('homelab.token')).toBeNull();
    // And every API call carries it.
    const get = await waitFor(() => server.requests.find((r) => r.method === 'GET' && r.url === '/api/docker/hosts'));
    expect(get.auth).toMatch(/^Bearer tok-/);
  });

  it('an expired token brings the login back over the current screen, and re-login resumes there', async () => {
    window.location.hash = '#/docker/1/containers';
    m = mount(server, undefined, { loginAs: 'op' });
    await restore(m);
    await waitFor(() => $(m.root, '[data-testid=container-row][data-name=web]'));
    await typeIn($(m.root, '[data-testid=container-filter]') as HTMLInputElement, 'we');
    // The session expires on the server.
    server.revoked.add(window.sessionStorage.getItem('homelab.token')!);
    await click($(m.root, '[data-action=stop]')!);
    const dialog = await waitFor(() => $(m.root, '[data-testid=relogin-dialog]'));
    // The screen behind is still there, with what the user typed.
    expect(($(m.root, '[data-testid=container-filter]') as HTMLInputElement).value).toBe('we');
    expect(($(dialog, '#login-username') as HTMLInputElement).value).toBe('op');
    await submitLogin(dialog, 'op', 'op-pass');
    // The stop that hit the 401 is retried with the new token and done.
    await waitFor(() => $(m.root, '[data-testid=container-row][data-name=web]')!.dataset.state === 'exited');
    expect($(m.root, '[data-testid=relogin-dialog]')).toBeNull();
    expect(window.location.hash).toBe('#/docker/1/containers');
  });

  it('logs out, and the server ends that session (the old token no longer works)', async () => {
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    const token = window.sessionStorage.getItem('homelab.token') ?? window.localStorage.getItem('homelab.token');
    expect(token).toBeTruthy();
    await click(await waitFor(() => $(m.root, '[data-testid=logout]')));
    await waitFor(() => $(m.root, '[data-testid=login-form]'));
    expect(window.sessionStorage.getItem('homelab.token')).toBeNull();
    await waitFor(() => server.requests.some((r) => r.method === 'POST' && r.url === '/api/auth/logout' && r.auth === `Bearer ${token}`));
    expect(server.revoked.has(token!)).toBe(true);
  });
});

describe('shell', () => {
  let server: ContractServer;
  let m: Mounted;
  beforeEach(async () => {
    resetBrowser();
    server = await startServer((s) => {
      s.dockerHosts = [dockerHost(1, { name: 'nas' })];
      s.alerts = [alert(1)];
    });
  });
  afterEach(async () => {
    await teardown(m, server);
  });

  it('hides admin-only navigation from operators and viewers', async () => {
    m = mount(server, undefined, { loginAs: 'op' });
    await restore(m);
    await waitFor(() => $(m.root, '[data-testid=nav-dashboard]'));
    expect($$(m.root, 'nav [data-testid^=nav-]').map((a) => a.dataset.testid)).toEqual(['nav-dashboard', 'nav-hosts', 'nav-docker', 'nav-portainer', 'nav-logs', 'nav-health', 'nav-alerts', 'nav-activity']);
    await teardown(m, undefined);
    resetBrowser();
    m = mount(server, undefined, { loginAs: 'admin' });
    await restore(m);
    await waitFor(() => $(m.root, '[data-testid=nav-settings]'));
  });

  it('switches language, and remembers it', async () => {
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    const nav = await waitFor(() => $(m.root, '[data-testid=nav-hosts]'));
    expect(nav.textContent).toBe('Hosts');
    await choose($(m.root, '[data-testid=lang-select]') as HTMLSelectElement, 'fr');
    expect($(m.root, '[data-testid=nav-hosts]')!.textContent).toBe('Hôtes');
    expect($(m.root, '[data-testid=nav-dashboard]')!.textContent).toBe('Tableau de bord');
    expect(document.documentElement.lang).toBe('fr');
    expect(window.localStorage.getItem('homelab.lang')).toBe('fr');
    expect(detectLang(null, ['fr-FR', 'en-US'])).toBe('fr');
    expect(detectLang(null, ['de-DE'])).toBe('en');
    expect(detectLang('en', ['fr-FR'])).toBe('en');
  });

  it('switches theme and remembers it', async () => {
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    const before = document.documentElement.classList.contains('dark');
    await click(await waitFor(() => $(m.root, '[data-testid=theme-toggle]')));
    expect(document.documentElement.classList.contains('dark')).toBe(!before);
    expect(window.localStorage.getItem('homelab.theme')).toBe(before ? 'light' : 'dark');
  });

  it('says when live updates are offline, and reconnects by itself', async () => {
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    await waitFor(() => FakeSocket.all.length === 1);
    FakeSocket.latest().open();
    const status = () => $(m.root, '[data-testid=ws-status]')!;
    await waitFor(() => status().dataset.status === 'online');
    // the token travels in the first message, never in the URL (proxies log URLs)
    expect(FakeSocket.latest().url).toMatch(/\/ws$/);
    expect(FakeSocket.latest().sent[0]).toEqual({ type: 'auth', token: expect.stringMatching(/^tok-/) });
    FakeSocket.latest().drop();
    await waitFor(() => status().dataset.status === 'offline');
    expect(status().textContent).toContain('Offline');
    await waitFor(() => FakeSocket.all.length === 2, 4000);
    FakeSocket.latest().open();
    await waitFor(() => status().dataset.status === 'online');
    expect(FakeSocket.latest().sent[0]).toMatchObject({ type: 'auth' });
  });

  it('shows API errors in plain words, in a toast and in place of the list', async () => {
    server.failures.set('/api/docker/hosts', { status: 502, error: 'docker_unavailable', message: 'The database is locked, try again' });
    window.location.hash = '#/docker';
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    const toast = await waitFor(() => $(m.root, '[data-testid=toast-error]'));
    expect(toast.textContent).toContain('The database is locked, try again');
    expect(toast.getAttribute('role')).toBe('alert');
    expect((await waitFor(() => $(m.root, '[data-testid=load-error]'))).textContent).toBe('The database is locked, try again');
  });

  it('keeps the alerts badge live', async () => {
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    const badge = await waitFor(() => $(m.root, '[data-testid=alerts-badge]'));
    expect(badge.textContent).toBe('1');
    FakeSocket.latest().open();
    await pushWs({ type: 'alert_opened', alert: alert(2, { container_name: 'db' }) });
    await waitFor(() => $(m.root, '[data-testid=alerts-badge]')!.textContent === '2');
    await pushWs({ type: 'alert_closed', alert: alert(1, { state: 'closed' }) });
    await pushWs({ type: 'alert_updated', alert: alert(2, { state: 'acknowledged' }) });
    await waitFor(() => $(m.root, '[data-testid=alerts-badge]') === null);
  });

  it('shows host alerts live too (they come as alert_* only, never as docker_alert_*)', async () => {
    m = mount(server, undefined, { loginAs: 'viewer' });
    await restore(m);
    await waitFor(() => $(m.root, '[data-testid=alerts-badge]')?.textContent === '1');
    FakeSocket.latest().open();
    const hostAlert = alert(7, { source: 'host', target: 'host:1:offline', container_name: null, rule: 'host_offline', severity: 'critical', subject: { source: 'host', kind: 'host', key: 'host:1', name: 'host1', scope: 'host:1' } });
    await pushWs({ type: 'alert_opened', alert: hostAlert });
    await waitFor(() => $(m.root, '[data-testid=alerts-badge]')!.textContent === '2');
    await pushWs({ type: 'alert_closed', alert: { ...hostAlert, state: 'closed' } });
    await waitFor(() => $(m.root, '[data-testid=alerts-badge]')!.textContent === '1');
  });
});
