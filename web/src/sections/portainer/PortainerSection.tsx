/** Portainer servers: status, version, last sync, environments; admins add/edit/delete and test; operators sync. */
import { useState } from 'preact/hooks';
import type { PortainerServer } from '../../api/api';
import { Badge, stateTone } from '../../components/Badge';
import { ConfirmDialog } from '../../components/Dialog';
import { useAction, useAsync } from '../../components/hooks';
import { Icon } from '../../components/Icon';
import { useServices } from '../../context';
import type { MessageKey } from '../../i18n';
import { EndpointsPanel } from './EndpointsPanel';
import { PortainerForm } from './PortainerForm';

export function PortainerSection() {
  const { api, i18n, auth, toasts, hosts, portainer } = useServices();
  const { t } = i18n;
  // The shared list (names on the Docker hosts' badges) follows what this page loads.
  const { data, loading, reload } = useAsync(() => api.portainerServers().then((r) => { portainer.servers.value = r.servers; return r; }), []);
  const { busy, run } = useAction();
  const [editing, setEditing] = useState<PortainerServer | 'new' | null>(null);
  const [deleting, setDeleting] = useState<PortainerServer | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const isAdmin = auth.can('admin');

  const test = async (s: PortainerServer) => {
    const r = await run(`test:${s.id}`, () => api.testPortainerServer(s.id));
    if (r) toasts.push('success', t('portainer.testOk', { name: s.name, version: r.version, n: r.endpoints }));
    void reload();
  };
  const sync = async (s: PortainerServer) => {
    const r = await run(`sync:${s.id}`, () => api.syncPortainerServer(s.id));
    if (!r) return;
    const summary = t('portainer.syncDone', { name: s.name, created: r.created, updated: r.updated, removed: r.removed, ms: r.duration_ms });
    toasts.push(r.errors.length ? 'error' : 'success', r.errors.length ? `${summary} — ${r.errors.join('; ')}` : summary);
    void reload();
    void hosts.load().catch(() => undefined);
  };
  const remove = async (s: PortainerServer) => {
    setDeleting(null);
    const ok = await run(`del:${s.id}`, () => api.deletePortainerServer(s.id).then(() => true), t('portainer.deleted', { name: s.name }));
    if (ok) { void reload(); void hosts.load().catch(() => undefined); }
  };

  const servers = data?.servers ?? [];
  return (
    <section aria-labelledby="portainer-title" class="flex flex-col gap-4">
      <div class="flex flex-wrap items-center gap-2">
        <h1 id="portainer-title" class="mr-auto text-xl font-semibold">{t('nav.portainer')}</h1>
        <button type="button" class="btn" onClick={() => void reload()}><Icon name="refresh" size={16} /> {t('common.refresh')}</button>
        {isAdmin && <button type="button" class="btn btn-primary" data-testid="portainer-add" onClick={() => setEditing('new')}><Icon name="plus" size={16} /> {t('portainer.add')}</button>}
      </div>
      {loading && !data ? <p class="text-sm text-muted">{t('common.loading')}</p> : servers.length === 0 ? <p class="text-sm text-muted" data-testid="portainer-empty">{t('portainer.none')}</p> : (
        <ul class="flex flex-col gap-3">
          {servers.map((s) => (
            <li key={s.id} class="rounded-md border border-border bg-panel p-3" data-testid="portainer-server" data-server-id={s.id}>
              <div class="flex flex-wrap items-center gap-2">
                <h2 class="font-semibold">{s.name}</h2>
                <Badge tone={stateTone(s.status)} testId="portainer-status">{t(`portainer.status.${s.status}` as MessageKey)}</Badge>
                {!s.enabled && <Badge tone="muted">{t('portainer.disabled')}</Badge>}
                <span class="mono text-xs text-muted">{s.url}</span>
                <span class="ml-auto" />
                <button type="button" class="btn !py-1" aria-expanded={open === s.id} data-testid="portainer-envs-toggle" onClick={() => setOpen(open === s.id ? null : s.id)}>
                  <Icon name={open === s.id ? 'chevronDown' : 'chevronRight'} size={16} /> {t('portainer.environments')}
                </button>
                {isAdmin && <button type="button" class="btn !py-1" data-testid="portainer-test" disabled={busy !== null} onClick={() => void test(s)}>{t('portainer.test')}</button>}
                {auth.can('operator') && <button type="button" class="btn !py-1" data-testid="portainer-sync" disabled={busy !== null} onClick={() => void sync(s)}><Icon name="refresh" size={16} /> {t('portainer.sync')}</button>}
                {isAdmin && <button type="button" class="btn-icon" data-testid="portainer-edit" aria-label={`${t('common.edit')} ${s.name}`} onClick={() => setEditing(s)}><Icon name="edit" size={16} /></button>}
                {isAdmin && <button type="button" class="btn-icon text-err" data-testid="portainer-delete" aria-label={`${t('common.delete')} ${s.name}`} onClick={() => setDeleting(s)}><Icon name="trash" size={16} /></button>}
              </div>
              {s.status_reason && s.status !== 'online' && <p class="text-xs text-err" data-testid="portainer-reason">{s.status_reason}</p>}
              <dl class="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-5">
                <div><dt class="text-xs text-muted">{t('portainer.version')}</dt><dd data-testid="portainer-version">{s.version ?? '—'}</dd></div>
                <div><dt class="text-xs text-muted">{t('portainer.lastSync')}</dt>
                  <dd data-testid="portainer-last-sync" title={s.last_sync_at ?? ''}>{s.last_sync_at ? `${i18n.ago(s.last_sync_at)} (${s.last_sync_ms ?? '?'} ms)` : t('common.never')}</dd></div>
                <div><dt class="text-xs text-muted">{t('portainer.syncMode')}</dt><dd data-testid="portainer-mode">{t(`portainer.mode.${s.sync_mode}` as MessageKey)} · {s.sync_interval_s} s</dd></div>
                <div><dt class="text-xs text-muted">{t('portainer.endpointsUp')}</dt><dd data-testid="portainer-endpoints">{s.endpoints_up ?? '—'} / {s.endpoints_total ?? '—'}</dd></div>
                <div><dt class="text-xs text-muted">{t('portainer.auth')}</dt><dd>{t(`portainer.auth.${s.auth}` as MessageKey)}{s.default_group ? ` · ${s.default_group}` : ''}</dd></div>
              </dl>
              {open === s.id && <EndpointsPanel server={s} />}
            </li>
          ))}
        </ul>
      )}
      {editing && <PortainerForm server={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} onDone={() => { setEditing(null); void reload(); }} />}
      {deleting && <ConfirmDialog title={t('portainer.deleteTitle', { name: deleting.name })} message={t('portainer.deleteBody')} confirmLabel={t('common.delete')} danger
        onCancel={() => setDeleting(null)} onConfirm={() => void remove(deleting)} />}
    </section>
  );
}
