/** One Docker host's health: reachability, Docker status and version, last collection and its duration, events. */
import type { DockerHostHealth } from '../../api/api';
import { Badge, stateTone, type Tone } from '../../components/Badge';
import { useServices } from '../../context';
import type { MessageKey } from '../../i18n';

const EVENTS_TONE: Record<DockerHostHealth['events'], Tone> = { connected: 'ok', connecting: 'warn', off: 'muted' };

export function HostHealthList({ hosts, label, empty }: { hosts: DockerHostHealth[]; label: string; empty: string }) {
  if (hosts.length === 0) return <p class="text-sm text-muted">{empty}</p>;
  return (
    <ul class="flex flex-col divide-y divide-border" aria-label={label}>
      {hosts.map((h) => <HostHealthRow key={h.id} h={h} />)}
    </ul>
  );
}

function HostHealthRow({ h }: { h: DockerHostHealth }) {
  const { i18n } = useServices();
  const { t } = i18n;
  const status = (s: string) => t(`health.status.${s}` as MessageKey);
  const reason = h.docker_enabled ? h.docker_status_reason : null;
  return (
    <li class="flex flex-col gap-1 py-2" data-testid="health-host" data-host-id={h.id} data-docker-status={h.docker_enabled ? h.docker_status : 'off'}>
      <div class="flex flex-wrap items-center gap-2">
        {h.docker_enabled ? <a class="font-medium text-accent underline-offset-2 hover:underline" href={`#/docker/${h.id}`} data-testid="health-host-link">{h.name}</a>
          : <span class="font-medium">{h.name}</span>}
        <Badge tone="muted">{t(`health.transport.${h.transport}` as MessageKey)}</Badge>
        {h.transport !== 'portainer' && <Badge tone={stateTone(h.status)} testId="health-host-status">{t('health.hostStatus')}: {status(h.status)}</Badge>}
        {h.docker_enabled
          ? <Badge tone={stateTone(h.docker_status)} testId="health-docker-status">{t('health.docker')}: {status(h.docker_status)}</Badge>
          : <Badge tone="muted" testId="health-docker-status">{t('health.dockerOff')}</Badge>}
      </div>
      {h.docker_enabled && (
        <dl class="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-3">
          <div><dt class="text-xs text-muted">{t('health.version')}</dt><dd class="mono" data-testid="health-docker-version">{h.docker_version ?? '—'}</dd></div>
          <div><dt class="text-xs text-muted">{t('health.lastCollect')}</dt>
            <dd data-testid="health-last-collect" title={h.last_collect_at ?? ''}>
              {h.last_collect_at ? i18n.ago(h.last_collect_at) : t('health.never')}
              {h.last_collect_ms !== null && ` (${t('health.took', { ms: h.last_collect_ms })})`}
            </dd></div>
          <div><dt class="text-xs text-muted">{t('health.events')}</dt>
            <dd><Badge tone={EVENTS_TONE[h.events]} testId="health-events">{t(`health.events.${h.events}` as MessageKey)}</Badge></dd></div>
        </dl>
      )}
      {(reason || (h.status !== 'online' && h.status_reason)) && (
        <p class="break-words text-xs text-err" data-testid="health-host-reason">{reason ?? h.status_reason}</p>
      )}
    </li>
  );
}
