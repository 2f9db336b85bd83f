/** A `docker stats --no-stream` snapshot for one container. */
import type { DockerContainer } from '../../../../src/core/types';
import { Dialog } from '../../components/Dialog';
import { bytes, percent } from '../../components/format';
import { useAsync } from '../../components/hooks';
import { useServices } from '../../context';

export function StatsDialog({ hostId, container, onClose }: { hostId: number; container: DockerContainer; onClose: () => void }) {
  const { api, i18n } = useServices();
  const { t } = i18n;
  const { data, loading, reload } = useAsync(() => api.containerStats(hostId, container.container_id), [hostId, container.container_id]);
  const s = data?.stats.find((x) => container.container_id.startsWith(x.container_id) || x.container_id.startsWith(container.container_id.slice(0, 12)) || x.name === container.name);
  const rows: [string, string][] = s ? [
    [t('stats.cpu'), percent(s.cpu_percent)],
    [t('stats.memory'), `${bytes(s.mem_used_bytes)} / ${bytes(s.mem_limit_bytes)} (${percent(s.mem_percent)})`],
    [t('stats.net'), `↓ ${bytes(s.net_rx_bytes)} · ↑ ${bytes(s.net_tx_bytes)}`],
    [t('stats.block'), `${t('stats.read')} ${bytes(s.block_read_bytes)} · ${t('stats.write')} ${bytes(s.block_write_bytes)}`],
    [t('stats.pids'), String(s.pids)],
  ] : [];
  return (
    <Dialog title={t('stats.title', { name: container.name })} onClose={onClose} testId="stats-dialog"
      footer={<button type="button" class="btn" onClick={() => void reload()}>{t('common.refresh')}</button>}>
      {loading ? <p class="text-sm text-muted">{t('common.loading')}</p> : !s ? <p class="text-sm text-muted">{t('stats.none')}</p> : (
        <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm" data-testid="stats-values">
          {rows.map(([k, v]) => [<dt key={`k${k}`} class="text-muted">{k}</dt>, <dd key={`v${k}`} class="mono">{v}</dd>])}
        </dl>
      )}
    </Dialog>
  );
}
