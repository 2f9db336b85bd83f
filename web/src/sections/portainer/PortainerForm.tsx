/** Add or edit a Portainer server (admin). Secrets are never prefilled: left empty on edit, the stored ones stay. */
import { useState } from 'preact/hooks';
import type { PortainerServer, PortainerServerInput, PortainerServerPatch } from '../../api/api';
import { Dialog } from '../../components/Dialog';
import { useAction } from '../../components/hooks';
import { useServices } from '../../context';

type AuthKind = 'password' | 'api_key';
const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

interface Fields {
  name: string; url: string; auth: AuthKind; username: string; password: string; api_key: string; tls_fingerprint: string;
  default_group: string; sync_mode: 'create_and_update' | 'update_only'; sync_interval_s: string; enabled: boolean;
}

function initial(s?: PortainerServer): Fields {
  return {
    name: s?.name ?? '', url: s?.url ?? '', auth: s?.auth ?? 'password', username: s?.username ?? '', password: '', api_key: '',
    tls_fingerprint: s?.tls_fingerprint ?? '', default_group: s?.default_group ?? '', sync_mode: s?.sync_mode ?? 'create_and_update',
    sync_interval_s: String(s?.sync_interval_s ?? 60), enabled: s?.enabled ?? true,
  };
}

/** The body to send: on edit, credentials only when the user typed new ones (a whole kind at a time). */
function toBody(f: Fields, editing: boolean): PortainerServerInput | PortainerServerPatch {
  const body: PortainerServerPatch = {
    name: f.name.trim(), url: f.url.trim(), tls_fingerprint: f.tls_fingerprint.trim() || null, default_group: f.default_group.trim() || null,
    sync_mode: f.sync_mode, sync_interval_s: Number(f.sync_interval_s), enabled: f.enabled,
  };
  if (f.auth === 'api_key' && (!editing || f.api_key)) body.api_key = f.api_key;
  if (f.auth === 'password' && (!editing || f.password)) Object.assign(body, { username: f.username.trim(), password: f.password });
  return body;
}

export function PortainerForm({ server, onClose, onDone }: { server?: PortainerServer; onClose: () => void; onDone: () => void }) {
  const { api, i18n } = useServices();
  const { t } = i18n;
  const [f, setF] = useState<Fields>(() => initial(server));
  const set = <K extends keyof Fields>(k: K, v: Fields[K]) => setF((o) => ({ ...o, [k]: v }));
  const { busy, run } = useAction();
  const editing = !!server;
  // Switching the kind of credentials on edit needs the new secret; keeping the kind may leave it empty.
  // A new user name needs its password too: the server replaces a whole kind of credentials at once.
  const secretRequired = !editing || f.auth !== server.auth || (f.auth === 'password' && f.username.trim() !== (server.username ?? ''));
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = toBody(f, editing && !secretRequired);
    const r = await run('save', () => (server ? api.updatePortainerServer(server.id, body) : api.createPortainerServer(body as PortainerServerInput)),
      t('portainer.saved', { name: f.name.trim() }));
    if (r) onDone();
  };
  const keep = editing && !secretRequired ? t('portainer.secretKeep') : undefined;
  return (
    <Dialog title={server ? t('portainer.editTitle', { name: server.name }) : t('portainer.add')} onClose={onClose} testId="portainer-dialog">
      <form onSubmit={submit} class="flex flex-col gap-3">
        <div><label class="label" for="pf-name">{t('portainer.field.name')}</label>
          <input id="pf-name" class="input" required maxLength={100} value={f.name} onInput={(e) => set('name', val(e))} /></div>
        <div><label class="label" for="pf-url">{t('portainer.field.url')}</label>
          <input id="pf-url" class="input mono" required placeholder="https://portainer.lan:9443" value={f.url} onInput={(e) => set('url', val(e))} /></div>
        <fieldset class="flex gap-4">
          <legend class="label">{t('portainer.field.auth')}</legend>
          {(['password', 'api_key'] as const).map((k) => (
            <label key={k} class="flex items-center gap-1 text-sm">
              <input type="radio" name="pf-auth" value={k} checked={f.auth === k} onChange={() => set('auth', k)} /> {t(`portainer.auth.${k}`)}
            </label>
          ))}
        </fieldset>
        {f.auth === 'password' ? (
          <div class="grid gap-3 sm:grid-cols-2">
            <div><label class="label" for="pf-user">{t('login.username')}</label>
              <input id="pf-user" class="input" autoComplete="off" required={secretRequired} value={f.username} onInput={(e) => set('username', val(e))} /></div>
            <div><label class="label" for="pf-pass">{t('login.password')}</label>
              <input id="pf-pass" class="input" type="password" autoComplete="new-password" required={secretRequired} placeholder={keep}
                value={f.password} onInput={(e) => set('password', val(e))} /></div>
          </div>
        ) : (
          <div><label class="label" for="pf-key">{t('portainer.field.apiKey')}</label>
            <input id="pf-key" class="input mono" type="password" autoComplete="off" required={secretRequired} placeholder={keep}
              value={f.api_key} onInput={(e) => set('api_key', val(e))} /></div>
        )}
        <div><label class="label" for="pf-fp">{t('portainer.field.fingerprint')}</label>
          <input id="pf-fp" class="input mono" placeholder="AA:BB:…" value={f.tls_fingerprint} onInput={(e) => set('tls_fingerprint', val(e))} /></div>
        <div class="grid gap-3 sm:grid-cols-3">
          <div><label class="label" for="pf-group">{t('portainer.field.group')}</label>
            <input id="pf-group" class="input" maxLength={63} value={f.default_group} onInput={(e) => set('default_group', val(e))} /></div>
          <div><label class="label" for="pf-mode">{t('portainer.syncMode')}</label>
            <select id="pf-mode" class="input" value={f.sync_mode} onChange={(e) => set('sync_mode', val(e) as Fields['sync_mode'])}>
              <option value="create_and_update">{t('portainer.mode.create_and_update')}</option>
              <option value="update_only">{t('portainer.mode.update_only')}</option>
            </select></div>
          <div><label class="label" for="pf-interval">{t('portainer.field.interval')}</label>
            <input id="pf-interval" class="input" type="number" min={10} max={86400} required value={f.sync_interval_s} onInput={(e) => set('sync_interval_s', val(e))} /></div>
        </div>
        <label class="flex items-center gap-2 text-sm">
          <input id="pf-enabled" type="checkbox" checked={f.enabled} onChange={(e) => set('enabled', (e.currentTarget as HTMLInputElement).checked)} /> {t('portainer.field.enabled')}
        </label>
        <div class="flex justify-end gap-2">
          <button type="button" class="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" class="btn btn-primary" data-testid="portainer-save" disabled={busy !== null}>{t('common.save')}</button>
        </div>
      </form>
    </Dialog>
  );
}
