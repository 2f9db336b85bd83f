/** Notification channels: form fields come from the server's kinds; secrets are write-only. */
import { useState } from 'preact/hooks';
import type { Channel, ChannelKind } from '../../api/api';
import { Badge } from '../../components/Badge';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { useAction, useAsync } from '../../components/hooks';
import { Icon } from '../../components/Icon';
import { useServices } from '../../context';

export function Channels() {
  const { api, i18n } = useServices();
  const { t } = i18n;
  const { data, loading, reload } = useAsync(() => Promise.all([api.channels(), api.channelKinds()]), []);
  const { busy, run } = useAction();
  const [editing, setEditing] = useState<Channel | 'new' | null>(null);
  const [del, setDel] = useState<Channel | null>(null);
  const channels = data?.[0].channels ?? [];
  const kinds = data?.[1].kinds ?? [];
  return (
    <div class="flex flex-col gap-3">
      <div><button type="button" class="btn btn-primary" data-testid="channel-add" disabled={kinds.length === 0} onClick={() => setEditing('new')}><Icon name="plus" size={16} /> {t('channels.add')}</button></div>
      {loading && !data ? <p class="text-sm text-muted">{t('common.loading')}</p> : channels.length === 0 ? <p class="text-sm text-muted">{t('channels.none')}</p> : (
        <ul class="grid grid-cols-1 gap-3 lg:grid-cols-2" data-testid="channel-list">
          {channels.map((c) => (
            <li key={c.id} class="card flex flex-col gap-2" data-testid="channel-item">
              <div class="flex items-center gap-2">
                <span class="font-semibold">{c.name}</span>
                <Badge tone="info">{kinds.find((k) => k.kind === c.kind)?.label ?? c.kind}</Badge>
                <Badge tone={c.enabled ? 'ok' : 'muted'}>{c.enabled ? t('channels.enabled') : t('channels.disabled')}</Badge>
              </div>
              <p class="text-xs text-muted">
                {t('channels.lastSuccess')}: {i18n.ago(c.last_success_at)}
                {c.last_error && <span class="block text-err">{t('channels.lastError')} ({i18n.ago(c.last_error_at)}): {c.last_error}</span>}
              </p>
              <div class="flex flex-wrap gap-2">
                <button type="button" class="btn" data-testid="channel-test" disabled={busy === `test:${c.id}`}
                  onClick={() => run(`test:${c.id}`, () => api.testChannel(c.id), t('channels.testSent', { name: c.name })).then(() => reload())}>{t('channels.test')}</button>
                <button type="button" class="btn" onClick={() => setEditing(c)}>{t('common.edit')}</button>
                <button type="button" class="btn btn-danger" onClick={() => setDel(c)}>{t('common.delete')}</button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {editing && <ChannelDialog channel={editing === 'new' ? null : editing} kinds={kinds} onClose={() => setEditing(null)} onDone={() => { setEditing(null); void reload(); }} />}
      {del && <ConfirmDialog title={t('channels.deleteTitle', { name: del.name })} message={t('channels.deleteBody')} confirmLabel={t('common.delete')} danger
        onCancel={() => setDel(null)} onConfirm={() => { const c = del; setDel(null); void run('del', () => api.deleteChannel(c.id)).then(() => reload()); }} />}
    </div>
  );
}

function ChannelDialog({ channel, kinds, onClose, onDone }: { channel: Channel | null; kinds: ChannelKind[]; onClose: () => void; onDone: () => void }) {
  const { api, i18n } = useServices();
  const { t } = i18n;
  const [kind, setKind] = useState(channel?.kind ?? kinds[0]?.kind ?? '');
  const [name, setName] = useState(channel?.name ?? '');
  const [enabled, setEnabled] = useState(channel?.enabled ?? true);
  const [resolved, setResolved] = useState(channel?.notify_resolved ?? true);
  const [config, setConfig] = useState<Record<string, unknown>>(() => ({ ...(channel?.config ?? {}) }));
  const { busy, run } = useAction();
  const def = kinds.find((k) => k.kind === kind);
  const secretsSet = new Set(channel?.secrets_set ?? []);
  const submit = async (e: Event) => {
    e.preventDefault();
    const cfg: Record<string, unknown> = {};
    for (const f of def?.fields ?? []) {
      const v = config[f.name];
      if (f.secret && (v === undefined || v === '')) continue; // unchanged secret: keep the stored one
      if (v !== undefined && v !== '') cfg[f.name] = f.type === 'number' ? Number(v) : v;
    }
    const body = { name: name.trim(), kind, enabled, notify_resolved: resolved, config: cfg };
    const r = await run('save', () => (channel ? api.updateChannel(channel.id, body) : api.createChannel(body)), t('channels.saved', { name: body.name }));
    if (r) onDone();
  };
  return (
    <Dialog title={channel ? channel.name : t('channels.add')} onClose={onClose} testId="channel-dialog">
      <form onSubmit={submit} class="flex flex-col gap-3">
        <div><label class="label" for="ch-kind">{t('channels.kind')}</label>
          <select id="ch-kind" class="input" value={kind} disabled={!!channel} onChange={(e) => { setKind((e.currentTarget as HTMLSelectElement).value); setConfig({}); }}>
            {kinds.map((k) => <option key={k.kind} value={k.kind}>{k.label}</option>)}
          </select></div>
        <div><label class="label" for="ch-name">{t('col.name')}</label>
          <input id="ch-name" class="input" required value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} /></div>
        {def?.fields.map((f) => (
          <div key={f.name}>
            <label class="label" for={`ch-f-${f.name}`}>{f.name}{f.required ? ' *' : ''}</label>
            {f.type === 'boolean' ? (
              <input id={`ch-f-${f.name}`} type="checkbox" checked={Boolean(config[f.name] ?? f.default)} onChange={(e) => setConfig({ ...config, [f.name]: (e.currentTarget as HTMLInputElement).checked })} />
            ) : (
              <input id={`ch-f-${f.name}`} class="input" type={f.secret ? 'password' : f.type === 'number' ? 'number' : 'text'} autoComplete="off"
                required={f.required && !(f.secret && secretsSet.has(f.name))}
                placeholder={f.secret && secretsSet.has(f.name) ? t('channels.secretSet') : f.default !== undefined ? String(f.default) : ''}
                value={f.secret ? String(config[f.name] ?? '') : String(config[f.name] ?? '')}
                onInput={(e) => setConfig({ ...config, [f.name]: (e.currentTarget as HTMLInputElement).value })} />
            )}
          </div>
        ))}
        <label class="flex items-center gap-2 text-sm"><input type="checkbox" checked={enabled} onChange={(e) => setEnabled((e.currentTarget as HTMLInputElement).checked)} />{t('channels.enabled')}</label>
        <label class="flex items-center gap-2 text-sm"><input type="checkbox" checked={resolved} onChange={(e) => setResolved((e.currentTarget as HTMLInputElement).checked)} />{t('channels.notifyResolved')}</label>
        <div class="flex justify-end gap-2">
          <button type="button" class="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" class="btn btn-primary" disabled={busy !== null}>{t('common.save')}</button>
        </div>
      </form>
    </Dialog>
  );
}
