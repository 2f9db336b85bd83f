/** One Docker host: status, running/total, open alerts, last collect; enable/disable and collect now. */
import { useEffect, useRef } from 'preact/hooks';
import type { DockerHostSummary } from '../../../../src/core/types';
import { Badge, stateTone } from '../../components/Badge';
import { useAction } from '../../components/hooks';
import { Icon } from '../../components/Icon';
import { pulse } from '../../components/motion';
import { useServices } from '../../context';
import type { MessageKey } from '../../i18n';
import { collectNow } from './collect';
import { ViaPortainer } from './ViaPortainer';

export function HostCard({ host }: { host: DockerHostSummary }) {
  const { i18n, auth, api, docker, router } = useServices();
  const { t } = i18n;
  const ref = useRef<HTMLElement>(null);
  const { busy, run } = useAction();
  const figures = `${host.containers_running}/${host.containers_total}`;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else pulse(ref.current); // a live update changed the figures
  }, [figures, host.open_alerts, host.docker_status]);

  const status = host.docker_enabled ? host.docker_status : 'disabled';
  const collect = () =>
    run('collect', () => collectNow(api, host.id), t('docker.collected', { name: host.name }));
  const toggle = () =>
    run('toggle', async () => {
      await (host.docker_enabled ? api.disableDocker(host.id) : api.enableDocker(host.id));
      await docker.load();
    });

  return (
    <article
      ref={ref}
      class="docker-host-card card flex flex-col gap-3"
      data-host-id={host.id}
      data-testid="docker-host-card"
      aria-labelledby={`dh-${host.id}`}
    >
      <div class="flex items-start gap-2">
        <div class="min-w-0 flex-1">
          <h2 id={`dh-${host.id}`} class="truncate font-semibold">{host.name}</h2>
          <p class="truncate text-xs text-muted">{host.host}{host.docker_version ? ` · Docker ${host.docker_version}` : ''}</p>
          <ViaPortainer host={host} />
        </div>
        <Badge tone={host.docker_enabled ? stateTone(host.docker_status) : 'muted'} testId="docker-status">
          {t(`dockerStatus.${status}` as MessageKey)}
        </Badge>
      </div>
      {host.docker_status_reason && host.docker_enabled && host.docker_status !== 'online' && (
        <p class="text-xs text-err" data-testid="docker-status-reason">{host.docker_status_reason}</p>
      )}
      <dl class="grid grid-cols-3 gap-2 text-center text-sm">
        <div>
          <dt class="text-xs text-muted">{t('docker.running')}</dt>
          <dd class="text-lg font-semibold" data-testid="containers-count">{figures}</dd>
        </div>
        <div>
          <dt class="text-xs text-muted">{t('docker.alerts')}</dt>
          <dd class={`text-lg font-semibold ${host.open_alerts ? 'text-err' : ''}`} data-testid="open-alerts">{host.open_alerts}</dd>
        </div>
        <div>
          <dt class="text-xs text-muted">{t('docker.lastCollect')}</dt>
          <dd class="text-xs" data-testid="last-collect">{i18n.ago(host.docker_last_collect_at)}</dd>
        </div>
      </dl>
      <div class="mt-auto flex flex-wrap gap-2">
        {host.docker_enabled && (
          <button type="button" class="btn btn-primary" data-testid="open-host" onClick={() => router.go('docker', host.id, 'containers')}>
            {t('docker.details')}
          </button>
        )}
        {host.docker_enabled && auth.can('operator') && (
          <button type="button" class="btn" data-testid="collect-now" disabled={busy === 'collect'} onClick={collect}>
            <Icon name="refresh" size={16} /> {busy === 'collect' ? t('docker.collecting') : t('docker.collect')}
          </button>
        )}
        {auth.can('admin') && (
          <button type="button" class="btn" data-testid={host.docker_enabled ? 'disable-docker' : 'enable-docker'} disabled={busy === 'toggle'} onClick={toggle}>
            {host.docker_enabled ? t('docker.disable') : t('docker.enable')}
          </button>
        )}
      </div>
    </article>
  );
}

export function HostGrid({ hosts }: { hosts: DockerHostSummary[] }) {
  const { i18n } = useServices();
  if (hosts.length === 0) return <p class="text-sm text-muted" data-testid="no-docker-hosts">{i18n.t('docker.noHosts')}</p>;
  return (
    <div id="docker-hosts-grid" class="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-3" data-testid="docker-hosts-grid">
      {hosts.map((h) => <HostCard key={h.id} host={h} />)}
    </div>
  );
}
