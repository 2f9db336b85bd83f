/** Add or edit a host (admin). */
import { useState } from 'preact/hooks';
import type { Host, HostInput } from '../../../../src/core/types';
import { Dialog } from '../../components/Dialog';
import { useAction } from '../../components/hooks';
import { useServices } from '../../context';

/** "a, b ,c" -> ["a", "b", "c"]: the server checks each name and answers 422 with the reason. */
export function parseGroups(text: string): string[] {
  return [...new Set(text.split(',').map((g) => g.trim()).filter((g) => g.length > 0))];
}

export function HostForm({ host, onClose }: { host: Host | null; onClose: () => void }) {
  const { api, hosts, i18n } = useServices();
  const { t } = i18n;
  const [f, setF] = useState({
    name: host?.name ?? '', host: host?.host ?? '', port: host?.port ?? 22, username: host?.username ?? 'automation', os_type: host?.os_type ?? '',
    groups: host?.groups.join(', ') ?? '',
  });
  const { busy, run } = useAction();
  // A host discovered on Portainer has its name and address there: only what is ours (groups, OS label) is edited.
  const discovered = host !== null && host.portainer_server_id !== null;
  const field = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: k === 'port' ? Number((e.currentTarget as HTMLInputElement).value) : (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    const groups = parseGroups(f.groups);
    const body = discovered
      ? { os_type: f.os_type.trim() || null, groups }
      : { name: f.name.trim(), host: f.host.trim(), port: f.port, username: f.username.trim(), os_type: f.os_type.trim() || undefined, groups };
    const name = discovered ? host.name : f.name.trim();
    const saved = await run('save', () => (host ? api.updateHost(host.id, body) : api.createHost(body as HostInput)), t(host ? 'hosts.saved' : 'hosts.added', { name }));
    if (saved) {
      hosts.put(saved);
      onClose();
    }
  };
  return (
    <Dialog title={host ? t('hosts.edit', { name: host.name }) : t('hosts.add')} onClose={onClose} testId="host-form">
      <form onSubmit={submit} class="grid grid-cols-1 gap-3 sm:grid-cols-2">
        {discovered ? <p class="text-sm text-muted sm:col-span-2">{t('hosts.fromPortainer')}</p> : <>
          <div class="sm:col-span-2"><label class="label" for="hf-name">{t('col.name')}</label>
            <input id="hf-name" class="input" required value={f.name} onInput={field('name')} /></div>
          <div><label class="label" for="hf-host">{t('hosts.address')}</label>
            <input id="hf-host" class="input" required value={f.host} onInput={field('host')} placeholder="192.168.1.10" /></div>
          <div><label class="label" for="hf-port">{t('hosts.port')}</label>
            <input id="hf-port" class="input" type="number" min={1} max={65535} value={f.port} onInput={field('port')} /></div>
          <div><label class="label" for="hf-user">{t('hosts.user')}</label>
            <input id="hf-user" class="input" value={f.username} onInput={field('username')} /></div>
        </>}
        <div><label class="label" for="hf-os">{t('hosts.os')}</label>
          <input id="hf-os" class="input" value={f.os_type} onInput={field('os_type')} placeholder="debian" /></div>
        <div class="sm:col-span-2"><label class="label" for="hf-groups">{t('hosts.groups')}</label>
          <input id="hf-groups" class="input" data-testid="host-groups-input" value={f.groups} onInput={field('groups')} placeholder="nas, media" /></div>
        <div class="flex justify-end gap-2 sm:col-span-2">
          <button type="button" class="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" class="btn btn-primary" disabled={busy !== null} data-testid="host-save">{t('common.save')}</button>
        </div>
      </form>
    </Dialog>
  );
}

export function ImportDialog({ onClose }: { onClose: () => void }) {
  const { api, hosts, i18n } = useServices();
  const { t } = i18n;
  const [content, setContent] = useState('');
  const { busy, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await run('import', () => api.importHosts(content));
    if (!r) return;
    await run('reload', () => hosts.load(), t('hosts.imported', { created: r.created, updated: r.updated, skipped: r.skipped }));
    onClose();
  };
  const onFile = async (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (file) setContent(await file.text());
  };
  return (
    <Dialog title={t('hosts.import')} onClose={onClose} wide testId="import-dialog">
      <form onSubmit={submit} class="flex flex-col gap-3">
        <p class="text-sm text-muted">{t('hosts.importHelp')}</p>
        <div><label class="label" for="imp-file">{t('hosts.importFile')}</label>
          <input id="imp-file" type="file" accept=".yml,.yaml,text/yaml" class="text-sm" onChange={onFile} /></div>
        <div><label class="label" for="imp-text">hosts.yml</label>
          <textarea id="imp-text" class="input mono !text-xs" rows={12} required value={content} data-testid="import-content"
            onInput={(e) => setContent((e.currentTarget as HTMLTextAreaElement).value)} placeholder={'all:\n  children:\n    docker:\n      hosts:\n        nas:\n          ansible_host: 192.168.1.10'} /></div>
        <div class="flex justify-end gap-2">
          <button type="button" class="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" class="btn btn-primary" disabled={busy !== null} data-testid="import-submit">{t('hosts.import')}</button>
        </div>
      </form>
    </Dialog>
  );
}
