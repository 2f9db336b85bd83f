/** Images, volumes and networks of one host (read-only lists). */
import type { ComponentChildren } from 'preact';
import { bytes } from '../../components/format';
import { useAsync } from '../../components/hooks';
import { useServices } from '../../context';
import type { MessageKey } from '../../i18n';
import { LoadState } from '../../components/LoadState';

function Table(p: { cols: MessageKey[]; rows: ComponentChildren[][]; testId: string; loading: boolean; error?: Error | null; empty: MessageKey }) {
  const { i18n } = useServices();
  if (p.loading || p.error) return <LoadState error={p.loading ? null : p.error?.message} />;
  if (p.rows.length === 0) return <p class="text-sm text-muted">{i18n.t(p.empty)}</p>;
  return (
    <div class="overflow-auto rounded-md border border-border" style={{ maxHeight: '70vh' }}>
      <table class="tbl" data-testid={p.testId}>
        <thead><tr>{p.cols.map((c) => <th key={c} scope="col">{i18n.t(c)}</th>)}</tr></thead>
        <tbody>{p.rows.map((r, i) => <tr key={i}>{r.map((cell, j) => <td key={j} class="max-w-[24rem] break-all">{cell}</td>)}</tr>)}</tbody>
      </table>
    </div>
  );
}

export function ImagesTab({ hostId }: { hostId: number }) {
  const { api, i18n } = useServices();
  const { data, loading, error } = useAsync(() => api.images(hostId), [hostId]);
  const rows = (data?.images ?? []).map((im) => [
    <span class="mono text-xs">{im.repo_tags.length ? im.repo_tags.join(', ') : '<none>'}</span>,
    <span class="mono text-xs">{im.image_id.replace('sha256:', '').slice(0, 12)}</span>,
    bytes(im.size),
    String(im.containers),
    i18n.ago(im.created),
  ]);
  return <Table testId="images-table" loading={loading} error={error} empty="docker.noImages" cols={['col.tags', 'col.id', 'col.size', 'col.containers', 'col.created']} rows={rows} />;
}

export function VolumesTab({ hostId }: { hostId: number }) {
  const { api } = useServices();
  const { data, loading, error } = useAsync(() => api.volumes(hostId), [hostId]);
  const rows = (data?.volumes ?? []).map((v) => [<span class="mono text-xs">{v.name}</span>, v.driver, v.scope ?? '—', <span class="mono text-xs">{v.mountpoint ?? '—'}</span>]);
  return <Table testId="volumes-table" loading={loading} error={error} empty="docker.noVolumes" cols={['col.name', 'col.driver', 'col.scope', 'col.mountpoint']} rows={rows} />;
}

export function NetworksTab({ hostId }: { hostId: number }) {
  const { api } = useServices();
  const { data, loading, error } = useAsync(() => api.networks(hostId), [hostId]);
  const rows = (data?.networks ?? []).map((n) => [
    n.name, n.driver, n.scope, <span class="mono text-xs">{n.subnet ?? '—'}</span>, n.containers.join(', ') || '—',
  ]);
  return <Table testId="networks-table" loading={loading} error={error} empty="docker.noNetworks" cols={['col.name', 'col.driver', 'col.scope', 'col.subnet', 'col.attached']} rows={rows} />;
}
