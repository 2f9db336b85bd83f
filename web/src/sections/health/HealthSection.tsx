/**
 * The health page: per Portainer server its reachability, version, environments up/total, last sync and its
 * duration, last error, and the hosts of its environments; then the SSH and local Docker hosts. One call
 * (GET /api/health/details), made again when a host changes over the WebSocket, and every 30 s (a server's own
 * status has no WebSocket message of its own).
 */
import { useEffect, useRef } from 'preact/hooks';
import type { WsMessage } from '../../../../src/core/types';
import type { PortainerServerHealth } from '../../api/api';
import { Badge, stateTone } from '../../components/Badge';
import { useAsync } from '../../components/hooks';
import { Icon } from '../../components/Icon';
import { useServices } from '../../context';
import type { MessageKey } from '../../i18n';
import { HostHealthList } from './HostHealth';

/** WebSocket messages after which the page is read again (coalesced to one reload a second). */
export const LIVE_MESSAGES = ['host_updated', 'host_removed', 'docker_host_updated', 'portainer_server_updated', 'portainer_server_removed'] as const satisfies readonly WsMessage['type'][];
export const POLL_MS = 30_000;
const COALESCE_MS = 1_000;

export function HealthSection() {
  const { api, i18n } = useServices();
  const { t } = i18n;
  const { data, loading, reload } = useAsync(() => api.healthDetails(), []);
  useLive(reload);
  return (
    <section aria-labelledby="health-title" class="flex flex-col gap-4">
      <div class="flex flex-wrap items-center gap-2">
        <h1 id="health-title" class="mr-auto text-xl font-semibold">{t('health.title')}</h1>
        {data && <span class="text-xs text-muted" data-testid="health-updated" title={data.generated_at}>{t('health.updated', { ago: i18n.ago(data.generated_at) })}</span>}
        <button type="button" class="btn" data-testid="health-refresh" onClick={() => void reload()}><Icon name="refresh" size={16} /> {t('common.refresh')}</button>
      </div>
      {loading && !data ? <p class="text-sm text-muted">{t('common.loading')}</p> : data && (
        <>
          <section aria-labelledby="health-servers" class="flex flex-col gap-3">
            <h2 id="health-servers" class="text-lg font-semibold">{t('health.servers')}</h2>
            {data.portainer_servers.length === 0 ? <p class="text-sm text-muted" data-testid="health-no-servers">{t('health.noServers')}</p> : (
              <ul class="flex flex-col gap-3">{data.portainer_servers.map((s) => <ServerCard key={s.id} s={s} />)}</ul>
            )}
          </section>
          <section aria-labelledby="health-hosts" class="flex flex-col gap-2 rounded-md border border-border bg-panel p-3">
            <h2 id="health-hosts" class="text-lg font-semibold">{t('health.dockerHosts')}</h2>
            <HostHealthList hosts={data.docker_hosts} label={t('health.dockerHosts')} empty={t('health.noHosts')} />
          </section>
        </>
      )}
    </section>
  );
}

function ServerCard({ s }: { s: PortainerServerHealth }) {
  const { i18n } = useServices();
  const { t } = i18n;
  return (
    <li class="rounded-md border border-border bg-panel p-3" data-testid="health-server" data-server-id={s.id} data-status={s.status}>
      <div class="flex flex-wrap items-center gap-2">
        <h3 class="font-semibold">{s.name}</h3>
        <Badge tone={stateTone(s.status)} testId="health-server-status">{t(`health.status.${s.status}` as MessageKey)}</Badge>
        {!s.enabled && <Badge tone="muted">{t('health.disabled')}</Badge>}
        <span class="mono break-all text-xs text-muted">{s.url}</span>
      </div>
      <dl class="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
        <div><dt class="text-xs text-muted">{t('health.version')}</dt><dd data-testid="health-server-version">{s.version ?? '—'}</dd></div>
        <div><dt class="text-xs text-muted">{t('health.envs')}</dt><dd data-testid="health-server-envs">{s.endpoints_up ?? '—'} / {s.endpoints_total ?? '—'}</dd></div>
        <div><dt class="text-xs text-muted">{t('health.lastSync')}</dt>
          <dd data-testid="health-server-sync" title={s.last_sync_at ?? ''}>
            {s.last_sync_at ? i18n.ago(s.last_sync_at) : t('health.never')}{s.last_sync_ms !== null && ` (${t('health.took', { ms: s.last_sync_ms })})`}
          </dd></div>
        <div class="col-span-2 sm:col-span-1"><dt class="text-xs text-muted">{t('health.lastError')}</dt>
          <dd class={`break-words ${s.status_reason ? 'text-err' : ''}`} data-testid="health-server-error">{s.status_reason ?? t('health.noError')}</dd></div>
      </dl>
      <div class="mt-2 border-t border-border pt-1">
        <HostHealthList hosts={s.hosts} label={t('health.serverHosts', { name: s.name })} empty={t('health.noServerHosts')} />
      </div>
    </li>
  );
}

/** Reload on the live messages (at most once a second) and every POLL_MS. */
function useLive(reload: () => Promise<void>) {
  const { ws } = useServices();
  const latest = useRef(reload);
  latest.current = reload;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const soon = () => {
      timer ??= setTimeout(() => {
        timer = null;
        void latest.current();
      }, COALESCE_MS);
    };
    const offs = LIVE_MESSAGES.map((type) => ws.on(type, soon));
    const poll = setInterval(() => void latest.current(), POLL_MS);
    return () => {
      offs.forEach((off) => off());
      clearInterval(poll);
      if (timer) clearTimeout(timer);
    };
  }, []);
}
