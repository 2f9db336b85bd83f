/** Hosts: status and metrics, check (host key pinning), enable Docker, add/edit/delete/import, SSH key. */
import { useState } from 'preact/hooks';
import type { Host } from '../../../../src/core/types';
import type { CheckResult } from '../../api/api';
import { Badge, stateTone } from '../../components/Badge';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { bytes, duration } from '../../components/format';
import { useAction } from '../../components/hooks';
import { Icon } from '../../components/Icon';
import { useServices } from '../../context';
import type { MessageKey } from '../../i18n';
import { HostForm, ImportDialog } from './HostForm';
import { SshKeyPanel } from './SshKeyPanel';
import { LoadState } from '../../components/LoadState';
import { GroupFilter, groupsOf, inGroup } from '../../components/GroupFilter';

function usage(used: number | null | undefined, total: number | null | undefined): string {
  if (!used || !total) return '—';
  return `${Math.round((used / total) * 100)} % (${bytes(used)} / ${bytes(total)})`;
}

export function HostsSection() {
  const { hosts, i18n, auth, api, docker } = useServices();
  const { t } = i18n;
  const [editing, setEditing] = useState<Host | null | 'new'>(null);
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState<Host | null>(null);
  const [group, setGroup] = useState('');
  const [checked, setChecked] = useState<{ host: Host; result: CheckResult } | null>(null);
  const { busy, run } = useAction();
  const isAdmin = auth.can('admin');

  const check = async (h: Host) => {
    const result = await run(`check:${h.id}`, () => api.checkHost(h.id));
    if (result) {
      setChecked({ host: h, result });
      void hosts.load().catch(() => undefined);
    }
  };
  const enableDocker = (h: Host) => run(`docker:${h.id}`, async () => {
    await api.enableDocker(h.id);
    await Promise.all([hosts.load(), docker.load()]);
  }, t('hosts.dockerEnabled', { name: h.name }));
  const forget = (h: Host) => run(`forget:${h.id}`, async () => {
    await api.forgetHostKey(h.id);
    await hosts.load();
  }, t('hosts.keyForgotten', { name: h.name }));
  const remove = async (h: Host) => {
    setDeleting(null);
    const ok = await run(`del:${h.id}`, () => api.deleteHost(h.id).then(() => true), t('hosts.deleted', { name: h.name }));
    if (ok) hosts.drop(h.id);
  };

  const list = hosts.hosts.value.filter((h) => inGroup(group, h));
  return (
    <section aria-labelledby="hosts-title" class="flex flex-col gap-4">
      <div class="flex flex-wrap items-center gap-2">
        <h1 id="hosts-title" class="mr-auto text-xl font-semibold">{t('nav.hosts')}</h1>
        <GroupFilter id="hosts-group" groups={groupsOf(hosts.hosts.value)} value={group} onChange={setGroup} />
        {isAdmin && <button type="button" class="btn" data-testid="hosts-import" onClick={() => setImporting(true)}>{t('hosts.import')}</button>}
        {isAdmin && <button type="button" class="btn btn-primary" data-testid="hosts-add" onClick={() => setEditing('new')}><Icon name="plus" size={16} /> {t('hosts.add')}</button>}
      </div>
      {!hosts.loaded.value ? <LoadState error={hosts.error.value} /> : list.length === 0 ? <p class="text-sm text-muted">{t('hosts.none')}</p> : (
        <div class="overflow-auto rounded-md border border-border">
          <table class="tbl" data-testid="hosts-table">
            <thead><tr>
              {(['name', 'address', 'status', 'load', 'memory', 'disk', 'uptime', 'docker', 'hostKey', 'actions'] as const).map((c) => <th key={c} scope="col">{t(`col.${c}` as MessageKey)}</th>)}
            </tr></thead>
            <tbody>
              {list.map((h) => (
                <tr key={h.id} data-testid="host-row" data-host-id={h.id}>
                  <td class="font-medium">{h.name}{h.groups.length > 0 && <div class="text-xs text-muted" data-testid="host-groups">{h.groups.join(', ')}</div>}</td>
                  <td class="mono text-xs whitespace-nowrap">{h.host !== null ? `${h.username}@${h.host}:${h.port}` : h.transport}</td>
                  <td><Badge tone={stateTone(h.status)}>{t(`hostStatus.${h.status}` as MessageKey)}</Badge>
                    {h.status_reason && h.status !== 'online' && <div class="max-w-[14rem] truncate text-xs text-err" title={h.status_reason}>{h.status_reason}</div>}</td>
                  <td class="text-xs whitespace-nowrap">{h.metrics?.load1 != null ? `${h.metrics.load1.toFixed(2)} / ${h.metrics.cpu_count ?? '?'} CPU` : '—'}</td>
                  <td class="text-xs whitespace-nowrap">{usage(h.metrics?.mem_used_bytes, h.metrics?.mem_total_bytes)}</td>
                  <td class="text-xs whitespace-nowrap">{usage(h.metrics?.disk_used_bytes, h.metrics?.disk_total_bytes)}</td>
                  <td class="text-xs whitespace-nowrap">{duration(h.metrics?.uptime_s)}</td>
                  <td>{h.docker_enabled ? <Badge tone={stateTone(h.docker_status)}>{t(`dockerStatus.${h.docker_status}` as MessageKey)}</Badge>
                    : isAdmin ? <button type="button" class="btn !py-1" data-testid="enable-docker" disabled={busy === `docker:${h.id}`} onClick={() => enableDocker(h)}>{t('docker.enable')}</button>
                    : <span class="text-xs text-muted">{t('dockerStatus.disabled')}</span>}</td>
                  <td class="mono max-w-[12rem] truncate text-xs" title={h.ssh_host_key ?? ''}>{h.ssh_host_key ?? t('hosts.notPinned')}</td>
                  <td>
                    <div class="flex gap-0.5">
                      {auth.can('operator') && <button type="button" class="btn !py-1" data-testid="host-check" disabled={busy === `check:${h.id}`} onClick={() => check(h)}>{t('hosts.check')}</button>}
                      {isAdmin && h.ssh_host_key && <button type="button" class="btn-icon" aria-label={`${t('hosts.forgetKey')} ${h.name}`} title={t('hosts.forgetKey')} onClick={() => forget(h)}><Icon name="key" size={16} /></button>}
                      {isAdmin && <button type="button" class="btn-icon" aria-label={`${t('common.edit')} ${h.name}`} data-testid="host-edit" onClick={() => setEditing(h)}><Icon name="edit" size={16} /></button>}
                      {isAdmin && <button type="button" class="btn-icon text-err" aria-label={`${t('common.delete')} ${h.name}`} data-testid="host-delete" onClick={() => setDeleting(h)}><Icon name="trash" size={16} /></button>}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <SshKeyPanel />
      {editing && <HostForm host={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      {importing && <ImportDialog onClose={() => setImporting(false)} />}
      {deleting && <ConfirmDialog title={t('hosts.deleteTitle', { name: deleting.name })} message={t('hosts.deleteBody')} confirmLabel={t('common.delete')} danger
        onCancel={() => setDeleting(null)} onConfirm={() => void remove(deleting)} />}
      {checked && (
        <Dialog title={t('hosts.checkResult', { name: checked.host.name })} onClose={() => setChecked(null)} testId="check-result">
          <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
            <dt class="text-muted">{t('col.status')}</dt><dd><Badge tone={stateTone(checked.result.status)}>{checked.result.status}</Badge></dd>
            <dt class="text-muted">{t('col.hostKey')}</dt><dd class="mono break-all text-xs" data-testid="check-fingerprint">{checked.result.host_key_fingerprint ?? '—'}</dd>
            <dt class="text-muted">uname</dt><dd class="mono break-all text-xs">{checked.result.uname}</dd>
          </dl>
        </Dialog>
      )}
    </section>
  );
}
