/** Overview: hosts up/down, containers running/total, open alerts, recent activity — all live from the stores. */
import { useServices } from '../../context';
import { Badge, stateTone } from '../../components/Badge';

function Stat(p: { label: string; value: string | number; sub?: string; tone?: 'ok' | 'err' | 'warn'; testId: string; href: string }) {
  const color = p.tone === 'err' ? 'text-err' : p.tone === 'warn' ? 'text-warn' : p.tone === 'ok' ? 'text-ok' : 'text-fg';
  return (
    <a href={p.href} class="card block hover:border-accent" data-testid={p.testId}>
      <div class="text-sm text-muted">{p.label}</div>
      <div class={`mt-1 text-2xl font-semibold ${color}`} data-testid={`${p.testId}-value`}>{p.value}</div>
      {p.sub && <div class="mt-1 text-xs text-muted">{p.sub}</div>}
    </a>
  );
}

export function Dashboard() {
  const { i18n, hosts, docker, alerts, tasks } = useServices();
  const { t } = i18n;
  const hs = hosts.hosts.value;
  const up = hs.filter((h) => h.status === 'online').length;
  const down = hs.filter((h) => h.status === 'offline').length;
  const dh = docker.hosts.value.filter((h) => h.docker_enabled);
  const running = dh.reduce((n, h) => n + h.containers_running, 0);
  const total = dh.reduce((n, h) => n + h.containers_total, 0);
  const active = alerts.active.value;
  const open = alerts.openCount.value;
  const recent = tasks.recent.value.slice(0, 8);
  return (
    <section aria-labelledby="dash-title" class="flex flex-col gap-4">
      <h1 id="dash-title" class="text-xl font-semibold">{t('nav.dashboard')}</h1>
      <div class="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Stat testId="stat-hosts" href="#/hosts" label={t('dash.hostsUp')} value={`${up}/${hs.length}`} tone={down ? 'err' : 'ok'}
          sub={down ? t('dash.hostsDown', { n: down }) : undefined} />
        <Stat testId="stat-containers" href="#/docker" label={t('dash.containers')} value={`${running}/${total}`}
          sub={t('dash.dockerHosts', { n: dh.length })} />
        <Stat testId="stat-alerts" href="#/alerts" label={t('dash.openAlerts')} value={open} tone={open ? 'err' : 'ok'}
          sub={active.length - open ? t('dash.acknowledged', { n: active.length - open }) : undefined} />
        <Stat testId="stat-docker-errors" href="#/docker" label={t('dash.dockerErrors')}
          value={dh.filter((h) => h.docker_status !== 'online').length} tone={dh.some((h) => h.docker_status !== 'online') ? 'warn' : 'ok'} />
      </div>
      <div class="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <div class="card">
          <h2 class="mb-2 font-semibold">{t('dash.latestAlerts')}</h2>
          {active.length === 0 ? <p class="text-sm text-muted">{t('alerts.none')}</p> : (
            <ul class="flex flex-col gap-2 text-sm" data-testid="dash-alerts">
              {active.slice(0, 6).map((a) => (
                <li key={a.id} class="flex flex-wrap items-center gap-2">
                  <Badge tone={stateTone(a.severity)}>{t(`severity.${a.severity}`)}</Badge>
                  <span class="font-medium">{a.host_name}</span>
                  <span class="min-w-0 flex-1 truncate">{a.message}</span>
                  <span class="text-xs text-muted">{i18n.ago(a.opened_at)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div class="card">
          <h2 class="mb-2 font-semibold">{t('dash.recentActivity')}</h2>
          {recent.length === 0 ? <p class="text-sm text-muted">{t('activity.none')}</p> : (
            <ul class="flex flex-col gap-2 text-sm" data-testid="dash-activity">
              {recent.map((task) => (
                <li key={task.id} class="flex flex-wrap items-center gap-2">
                  <Badge tone={stateTone(task.status)}>{t(`task.${task.status}`)}</Badge>
                  <span class="mono text-xs">{task.action}</span>
                  <span class="min-w-0 flex-1 truncate">{task.target}</span>
                  <span class="text-xs text-muted">{task.requested_by} · {i18n.ago(task.created_at)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
