/** A host's timeline (docker events and our actions, newest first) and its alerts. */
import { useEffect } from 'preact/hooks';
import { Badge } from '../../components/Badge';
import { useAsync } from '../../components/hooks';
import { useServices } from '../../context';
import { AlertList } from '../alerts/AlertList';
import { LoadState } from '../../components/LoadState';

export function TimelineTab({ hostId }: { hostId: number }) {
  const { api, i18n, tasks } = useServices();
  const { data, loading, error, reload } = useAsync(() => api.events(hostId), [hostId]);
  // Our own actions land in the timeline: refresh when a task on this host finishes.
  const lastTask = tasks.recent.value.find((t) => t.host_id === hostId);
  useEffect(() => {
    if (lastTask && (lastTask.status === 'success' || lastTask.status === 'failed')) void reload();
  }, [lastTask?.id, lastTask?.status]);
  if (!data) return <LoadState error={loading ? null : (error?.message ?? null)} />;
  const events = data?.events ?? [];
  if (events.length === 0) return <p class="text-sm text-muted">{i18n.t('timeline.empty')}</p>;
  return (
    <ol class="flex flex-col gap-1 text-sm" data-testid="timeline">
      {events.map((e) => (
        <li key={e.id} class="flex flex-wrap items-center gap-2 border-b border-border py-1.5" data-testid="timeline-event">
          <span class="w-40 shrink-0 text-xs text-muted" title={i18n.date(e.time)}>{i18n.date(e.time)}</span>
          <Badge tone={e.kind === 'action' ? 'info' : 'muted'}>{e.kind === 'action' ? i18n.t('timeline.action') : e.type}</Badge>
          <span class="mono text-xs">{e.action}</span>
          <span class="font-medium">{e.target_name ?? e.target_id?.slice(0, 12)}</span>
          {e.message && <span class="min-w-0 flex-1 truncate text-muted">{e.message}</span>}
        </li>
      ))}
    </ol>
  );
}

export function HostAlertsTab({ hostId }: { hostId: number }) {
  const { api, alerts } = useServices();
  const version = alerts.version.value;
  const { data, loading, error, reload } = useAsync(() => api.dockerAlerts({ host_id: hostId, state: 'all' }), [hostId]);
  useEffect(() => {
    if (version) void reload();
  }, [version]);
  return <AlertList alerts={data?.alerts ?? []} loading={loading} error={error?.message} onChanged={reload} />;
}
