/** Shell: navigation by sections, status bar (live connection, theme, language, user), login overlay. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { useFocusTrap } from './components/focus';
import { useServices } from './context';
import { Dialog } from './components/Dialog';
import { Icon, type IconName } from './components/Icon';
import { lazy, Spinner } from './components/Lazy';
import { Toasts } from './components/Toasts';
import { LANGS, type MessageKey } from './i18n';
import { Dashboard } from './sections/dashboard/Dashboard';
import { DockerSection } from './sections/docker/DockerSection';
import { LoginForm, LoginPage } from './sections/login/Login';
import type { Section } from './state/ui';

const HostsSection = lazy(() => import('./sections/hosts/HostsSection').then((m) => m.HostsSection));
const AlertsSection = lazy(() => import('./sections/alerts/AlertsSection').then((m) => m.AlertsSection));
const ActivitySection = lazy(() => import('./sections/activity/ActivitySection').then((m) => m.ActivitySection));
const PortainerSection = lazy(() => import('./sections/portainer/PortainerSection').then((m) => m.PortainerSection));
const LogSearchSection = lazy(() => import('./sections/logs/LogSearchSection').then((m) => m.LogSearchSection));
const HealthSection = lazy(() => import('./sections/health/HealthSection').then((m) => m.HealthSection));
const SettingsSection = lazy(() => import('./sections/settings/SettingsSection').then((m) => m.SettingsSection));

const NAV: { id: Section; icon: IconName; label: MessageKey; admin?: boolean }[] = [
  { id: 'dashboard', icon: 'home', label: 'nav.dashboard' },
  { id: 'hosts', icon: 'server', label: 'nav.hosts' },
  { id: 'docker', icon: 'box', label: 'nav.docker' },
  { id: 'portainer', icon: 'layers', label: 'nav.portainer' },
  { id: 'logs', icon: 'search', label: 'nav.logs' },
  { id: 'health', icon: 'heart', label: 'nav.health' },
  { id: 'alerts', icon: 'bell', label: 'nav.alerts' },
  { id: 'activity', icon: 'activity', label: 'nav.activity' },
  { id: 'settings', icon: 'settings', label: 'nav.settings', admin: true },
];

function Nav({ onNavigate }: { onNavigate?: () => void }) {
  const { router, i18n, alerts, auth } = useServices();
  const current = router.route.value.section;
  const open = alerts.openCount.value;
  return (
    <nav aria-label={i18n.t('nav.main')} class="flex flex-col gap-1 p-2">
      {NAV.filter((n) => !n.admin || auth.can('admin')).map((n) => (
        <a
          key={n.id}
          href={`#/${n.id}`}
          data-testid={`nav-${n.id}`}
          aria-current={current === n.id ? 'page' : undefined}
          onClick={() => onNavigate?.()}
          class={`flex items-center gap-2 rounded-md px-3 py-2 text-sm ${current === n.id ? 'bg-accent text-accent-fg' : 'text-fg hover:bg-panel-2'}`}
        >
          <Icon name={n.icon} />
          <span class="flex-1">{i18n.t(n.label)}</span>
          {n.id === 'alerts' && open > 0 && (
            <span data-testid="alerts-badge" class="rounded-full bg-danger px-2 text-xs font-semibold text-white" aria-label={i18n.t('alerts.openCount', { n: open })}>
              {open}
            </span>
          )}
        </a>
      ))}
    </nav>
  );
}

/** The navigation on a phone: a panel over the page, focus kept inside, Escape or a tap outside closes it. */
function MobileMenu({ onClose }: { onClose: () => void }) {
  const { i18n } = useServices();
  const ref = useRef<HTMLElement>(null);
  useFocusTrap(ref, onClose);
  return (
    <div class="fixed inset-0 z-40 bg-black/40 md:hidden" onClick={onClose}>
      <aside ref={ref} role="dialog" aria-modal="true" aria-label={i18n.t('nav.main')} class="h-full w-64 bg-panel" onClick={(e) => e.stopPropagation()}>
        <Nav onNavigate={onClose} />
      </aside>
    </div>
  );
}

function ConnectionStatus() {
  const { ws, i18n } = useServices();
  const s = ws.status.value;
  if (s === 'online' || s === 'idle') return <span class="sr-only" data-testid="ws-status" data-status={s}>{i18n.t('ws.online')}</span>;
  return (
    <span role="status" data-testid="ws-status" data-status={s} class="inline-flex items-center gap-1 rounded-full border border-warn/50 bg-warn/15 px-2 py-0.5 text-xs text-warn">
      <Icon name="offline" size={14} /> {s === 'connecting' ? i18n.t('ws.connecting') : i18n.t('ws.offline')}
    </span>
  );
}

function TopBar({ onMenu }: { onMenu: () => void }) {
  const { theme, i18n, auth } = useServices();
  const dark = theme.theme.value === 'dark';
  return (
    <header class="sticky top-0 z-30 flex items-center gap-2 border-b border-border bg-panel px-3 py-2">
      <button type="button" class="btn-icon md:hidden" aria-label={i18n.t('nav.menu')} onClick={onMenu}>
        <Icon name="menu" />
      </button>
      <span class="font-semibold">{i18n.t('app.title')}</span>
      <span class="ml-auto" />
      <ConnectionStatus />
      <label class="sr-only" for="lang-select">{i18n.t('nav.language')}</label>
      <select id="lang-select" class="input !w-auto !py-1" data-testid="lang-select" value={i18n.lang.value}
        onChange={(e) => i18n.set((e.currentTarget as HTMLSelectElement).value as 'en' | 'fr')}>
        {LANGS.map((l) => <option key={l} value={l}>{l.toUpperCase()}</option>)}
      </select>
      <button type="button" class="btn-icon" data-testid="theme-toggle" aria-label={dark ? i18n.t('nav.lightTheme') : i18n.t('nav.darkTheme')} onClick={() => theme.toggle()}>
        <Icon name={dark ? 'sun' : 'moon'} />
      </button>
      <span class="hidden text-sm text-muted sm:inline" data-testid="current-user">
        {auth.user.value?.username} · {auth.user.value ? i18n.t(`role.${auth.user.value.role}`) : ''}
      </span>
      <button type="button" class="btn-icon" aria-label={i18n.t('nav.logout')} data-testid="logout" onClick={() => auth.logout()}>
        <Icon name="logout" />
      </button>
    </header>
  );
}

function CurrentSection() {
  const { router, auth, i18n } = useServices();
  const r = router.route.value;
  switch (r.section) {
    case 'hosts': return <HostsSection />;
    case 'docker': return <DockerSection parts={r.parts} />;
    case 'portainer': return <PortainerSection />;
    case 'logs': return <LogSearchSection />;
    case 'health': return <HealthSection />;
    case 'alerts': return <AlertsSection />;
    case 'activity': return <ActivitySection />;
    case 'settings': return auth.can('admin') ? <SettingsSection parts={r.parts} /> : <p class="p-4">{i18n.t('common.forbidden')}</p>;
    default: return <Dashboard />;
  }
}

/** Loads what the shell and the first screen need, all at once (no waterfall). */
function useInitialData() {
  const { auth, docker, alerts, hosts, tasks, toasts } = useServices();
  const userId = auth.user.value?.id;
  useEffect(() => {
    if (userId === undefined) return;
    void Promise.all([docker.load(), alerts.load(), hosts.load(), tasks.load()].map((p) => p.catch((e) => toasts.error(e))));
  }, [userId]);
}

export function App() {
  const { auth, i18n } = useServices();
  const [menu, setMenu] = useState(false);
  useInitialData();
  if (!auth.user.value) {
    return (
      <>
        {auth.needLogin.value ? <LoginPage /> : <Spinner label={i18n.t('common.loading')} />}
        <Toasts />
      </>
    );
  }
  return (
    <div class="flex min-h-screen flex-col">
      <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:z-50 focus:bg-panel focus:p-2">{i18n.t('nav.skip')}</a>
      <TopBar onMenu={() => setMenu(true)} />
      <div class="flex flex-1">
        <aside class="hidden w-56 shrink-0 border-r border-border bg-panel md:block">
          <Nav />
        </aside>
        {menu && <MobileMenu onClose={() => setMenu(false)} />}
        <main id="main" class="min-w-0 flex-1 p-3 sm:p-5" tabIndex={-1}>
          <CurrentSection />
        </main>
      </div>
      {auth.needLogin.value && (
        <Dialog title={i18n.t('login.again')} onClose={() => undefined} testId="relogin-dialog">
          <LoginForm overlay />
        </Dialog>
      )}
      <Toasts />
    </div>
  );
}
