/** Silences: alerts still open and show, notifications wait until the silence ends (maintenance). */
import { useState } from 'preact/hooks';
import { useAction, useAsync } from '../../components/hooks';
import { Icon } from '../../components/Icon';
import { useServices } from '../../context';

export function Silences() {
  const { api, i18n, docker } = useServices();
  const { t } = i18n;
  const { data, reload } = useAsync(() => api.silences(), []);
  const { busy, run } = useAction();
  const hosts = docker.hosts.value;
  const [hostId, setHostId] = useState<number | ''>('');
  const [container, setContainer] = useState('');
  const [minutes, setMinutes] = useState(60);
  const [reason, setReason] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    if (hostId === '') return;
    const ok = await run('add', () => api.createSilence({ host_id: hostId, container_name: container.trim() || undefined, duration_minutes: minutes, reason: reason.trim() || undefined }), t('silence.added'));
    if (ok) { setContainer(''); setReason(''); void reload(); }
  };
  const hostName = (id: number) => hosts.find((h) => h.id === id)?.name ?? `#${id}`;
  return (
    <div class="card flex flex-col gap-3">
      <h2 class="font-semibold">{t('silence.title')}</h2>
      <p class="text-sm text-muted">{t('silence.help')}</p>
      <form onSubmit={submit} class="grid grid-cols-1 gap-2 sm:grid-cols-5 sm:items-end">
        <div><label class="label" for="sil-host">{t('col.host')}</label>
          <select id="sil-host" class="input" required value={hostId} onChange={(e) => setHostId(Number((e.currentTarget as HTMLSelectElement).value) || '')}>
            <option value="">—</option>
            {hosts.map((h) => <option key={h.id} value={h.id}>{h.name}</option>)}
          </select></div>
        <div><label class="label" for="sil-container">{t('silence.container')}</label>
          <input id="sil-container" class="input" value={container} placeholder={t('silence.allContainers')} onInput={(e) => setContainer((e.currentTarget as HTMLInputElement).value)} /></div>
        <div><label class="label" for="sil-minutes">{t('silence.minutes')}</label>
          <input id="sil-minutes" class="input" type="number" min={1} max={10080} value={minutes} onInput={(e) => setMinutes(Number((e.currentTarget as HTMLInputElement).value))} /></div>
        <div><label class="label" for="sil-reason">{t('silence.reason')}</label>
          <input id="sil-reason" class="input" value={reason} onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} /></div>
        <button type="submit" class="btn btn-primary" disabled={busy !== null}>{t('silence.add')}</button>
      </form>
      <ul class="flex flex-col gap-1 text-sm">
        {(data?.silences ?? []).map((s) => (
          <li key={s.id} class="flex flex-wrap items-center gap-2 border-b border-border py-1">
            <span class="font-medium">{s.host_id !== null ? hostName(s.host_id) : s.scope}</span>
            <span class="mono">{s.container_name ?? t('silence.allContainers')}</span>
            <span class="text-muted">{t('silence.until', { when: i18n.date(s.until) })}</span>
            {s.reason && <span class="text-muted">— {s.reason}</span>}
            <span class="text-xs text-muted">({s.created_by})</span>
            <button type="button" class="btn-icon ml-auto" aria-label={t('silence.remove')} onClick={() => run('del', () => api.deleteSilence(s.id)).then(() => reload())}>
              <Icon name="trash" size={16} />
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
