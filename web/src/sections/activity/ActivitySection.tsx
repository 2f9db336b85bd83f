/** Activity: every task (who did what, when, the result and its output), filterable, live. */
import { useMemo, useState } from 'preact/hooks';
import type { Task } from '../../../../src/core/types';
import { Badge, stateTone } from '../../components/Badge';
import { useAsync } from '../../components/hooks';
import { Icon } from '../../components/Icon';
import { useServices } from '../../context';
import type { MessageKey } from '../../i18n';
import { LoadState } from '../../components/LoadState';

const STATUSES = ['', 'pending', 'running', 'success', 'failed'] as const;

export function matches(task: Task, f: { status: string; host: number | ''; action: string }): boolean {
  return (!f.status || task.status === f.status) && (f.host === '' || task.host_id === f.host) && (!f.action || task.action.includes(f.action));
}

export function ActivitySection() {
  const { api, tasks, hosts, i18n } = useServices();
  const { t } = i18n;
  const [status, setStatus] = useState('');
  const [host, setHost] = useState<number | ''>('');
  const [action, setAction] = useState('');
  const [open, setOpen] = useState<number | null>(null);
  const fetched = useAsync(() => api.tasks({ status, host_id: host, action: action.trim(), limit: 200 }), [status, host, action]);
  // Live: tasks pushed since the fetch replace or join the fetched ones when they fit the filters.
  const list = useMemo(() => {
    const byId = new Map<number, Task>();
    for (const x of fetched.data?.tasks ?? []) byId.set(x.id, x);
    for (const x of tasks.recent.value) if (byId.has(x.id) || matches(x, { status, host, action: action.trim() })) byId.set(x.id, x);
    return [...byId.values()].sort((a, b) => b.id - a.id);
  }, [fetched.data, tasks.recent.value, status, host, action]);
  const hostName = (id: number | null) => (id === null ? '—' : hosts.hosts.value.find((h) => h.id === id)?.name ?? `#${id}`);

  return (
    <section aria-labelledby="activity-title" class="flex flex-col gap-3">
      <h1 id="activity-title" class="text-xl font-semibold">{t('nav.activity')}</h1>
      <div class="flex flex-wrap gap-2">
        <label><span class="sr-only">{t('col.status')}</span>
          <select class="input !w-auto" value={status} data-testid="activity-status" onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value)}>
            {STATUSES.map((s) => <option key={s} value={s}>{s ? t(`task.${s}` as MessageKey) : t('activity.allStatuses')}</option>)}
          </select></label>
        <label><span class="sr-only">{t('col.host')}</span>
          <select class="input !w-auto" value={host} data-testid="activity-host" onChange={(e) => setHost(Number((e.currentTarget as HTMLSelectElement).value) || '')}>
            <option value="">{t('activity.allHosts')}</option>
            {hosts.hosts.value.map((h) => <option key={h.id} value={h.id}>{h.name}</option>)}
          </select></label>
        <label class="min-w-[12rem] flex-1"><span class="sr-only">{t('activity.actionFilter')}</span>
          <input class="input" type="search" placeholder={t('activity.actionFilter')} value={action} data-testid="activity-action"
            onInput={(e) => setAction((e.currentTarget as HTMLInputElement).value)} /></label>
      </div>
      {!fetched.data ? <LoadState error={fetched.loading ? null : fetched.error?.message} /> : list.length === 0 ? <p class="text-sm text-muted">{t('activity.none')}</p> : (
        <div class="overflow-auto rounded-md border border-border">
          <table class="tbl" data-testid="tasks-table">
            <thead><tr>
              <th scope="col"><span class="sr-only">{t('activity.output')}</span></th>
              {(['when', 'action', 'target', 'host', 'by', 'status', 'duration'] as const).map((c) => <th key={c} scope="col">{t(`col.${c}` as MessageKey)}</th>)}
            </tr></thead>
            <tbody>
              {list.map((task) => [
                <tr key={task.id} data-testid="task-row" data-task-id={task.id} data-status={task.status}>
                  <td>
                    <button type="button" class="btn-icon" aria-expanded={open === task.id} aria-label={t('activity.output')} onClick={() => setOpen(open === task.id ? null : task.id)}>
                      <Icon name={open === task.id ? 'chevronDown' : 'chevronRight'} size={16} />
                    </button>
                  </td>
                  <td class="whitespace-nowrap text-xs" title={i18n.date(task.created_at)}>{i18n.ago(task.created_at)}</td>
                  <td class="mono text-xs">{task.action}</td>
                  <td class="max-w-[14rem] truncate">{task.target ?? '—'}</td>
                  <td>{hostName(task.host_id)}</td>
                  <td>{task.requested_by}</td>
                  <td><Badge tone={stateTone(task.status)}>{t(`task.${task.status}` as MessageKey)}</Badge></td>
                  <td class="text-xs whitespace-nowrap">{task.duration_ms !== null ? `${task.duration_ms} ms` : '—'}</td>
                </tr>,
                open === task.id && (
                  <tr key={`o${task.id}`}>
                    <td colSpan={8}>
                      {task.error && <pre class="mono mb-1 whitespace-pre-wrap text-xs text-err">{task.error}</pre>}
                      <pre class="mono max-h-64 overflow-auto whitespace-pre-wrap text-xs">{task.output || t('activity.noOutput')}</pre>
                    </td>
                  </tr>
                ),
              ])}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
