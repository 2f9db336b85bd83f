/** A Portainer server's environments with the seed's figures; a collected one links to its host in Docker. */
import type { PortainerServer } from '../../api/api';
import { Badge } from '../../components/Badge';
import { bytes } from '../../components/format';
import { useAsync } from '../../components/hooks';
import { useServices } from '../../context';
import type { MessageKey } from '../../i18n';

const COLS = ['name', 'type', 'status', 'cpu', 'memory', 'runStop', 'health', 'volumes', 'images', 'stacks', 'publicUrl', 'host'] as const;

export function EndpointsPanel({ server }: { server: PortainerServer }) {
  const { api, i18n } = useServices();
  const { t } = i18n;
  const { data, loading } = useAsync(() => api.portainerEndpoints(server.id), [server.id]);
  if (loading && !data) return <p class="mt-2 text-sm text-muted">{t('common.loading')}</p>;
  const list = data?.endpoints ?? [];
  if (list.length === 0) return <p class="mt-2 text-sm text-muted" data-testid="endpoints-empty">{t('portainer.noEnvironments')}</p>;
  const n = (v: number | null) => (v === null ? '—' : String(v));
  return (
    <div class="mt-3 overflow-auto rounded-md border border-border">
      <table class="tbl" data-testid="endpoints-table" aria-label={t('portainer.environmentsOf', { name: server.name })}>
        <thead><tr>{COLS.map((c) => <th key={c} scope="col">{t(`portainer.col.${c}` as MessageKey)}</th>)}</tr></thead>
        <tbody>
          {list.map((e) => (
            <tr key={e.endpoint_id} data-testid="endpoint-row" data-endpoint-id={e.endpoint_id}>
              <td class="font-medium">{e.name}</td>
              <td class="text-xs">{e.type_name}</td>
              <td><Badge tone={e.status === 'up' ? 'ok' : 'err'}>{t(`portainer.env.${e.status}` as MessageKey)}</Badge></td>
              <td class="text-xs">{n(e.cpu_count)}</td>
              <td class="text-xs whitespace-nowrap">{e.memory_bytes === null ? '—' : bytes(e.memory_bytes)}</td>
              <td class="text-xs" data-testid="endpoint-runstop">{n(e.containers_running)} / {n(e.containers_stopped)}</td>
              <td class="text-xs" data-testid="endpoint-health">{n(e.containers_healthy)} / {n(e.containers_unhealthy)}</td>
              <td class="text-xs">{n(e.volumes)}</td>
              <td class="text-xs">{n(e.images)}</td>
              <td class="text-xs">{n(e.stacks)}</td>
              <td class="text-xs">{e.public_url ?? '—'}</td>
              <td class="text-xs">
                {e.host_id !== null
                  ? <a class="text-accent underline" data-testid="endpoint-host-link" href={`#/docker/${e.host_id}`}>{t('portainer.openHost')}</a>
                  : <span class="text-muted">{t('portainer.notCollected')}</span>}
                {e.reason && <div class="max-w-[16rem] text-muted" data-testid="endpoint-reason">{e.reason}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
