/** API tokens: created with a role and an expiry, the secret shown once. */
import { useState } from 'preact/hooks';
import { ROLES, type Role } from '../../../../src/core/types';
import { Dialog } from '../../components/Dialog';
import { copyText } from '../../components/format';
import { useAction, useAsync } from '../../components/hooks';
import { Icon } from '../../components/Icon';
import { useServices } from '../../context';
import type { MessageKey } from '../../i18n';

export function Tokens() {
  const { api, i18n, toasts } = useServices();
  const { t } = i18n;
  const { data, loading, reload } = useAsync(() => api.tokens(), []);
  const { busy, run } = useAction();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [days, setDays] = useState<number | ''>(90);
  const [secret, setSecret] = useState<string | null>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    const r = await run('create', () => api.createToken({ name: name.trim(), role, expires_in_days: days === '' ? undefined : days }));
    if (r) { setSecret(r.secret); setName(''); void reload(); }
  };
  return (
    <div class="flex flex-col gap-3">
      <form onSubmit={create} class="card grid grid-cols-1 gap-2 sm:grid-cols-4 sm:items-end">
        <div><label class="label" for="tk-name">{t('col.name')}</label>
          <input id="tk-name" class="input" required value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} /></div>
        <div><label class="label" for="tk-role">{t('col.role')}</label>
          <select id="tk-role" class="input" value={role} onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value as Role)}>
            {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}` as MessageKey)}</option>)}
          </select></div>
        <div><label class="label" for="tk-days">{t('tokens.expiresDays')}</label>
          <input id="tk-days" class="input" type="number" min={1} value={days} onInput={(e) => setDays(Number((e.currentTarget as HTMLInputElement).value) || '')} /></div>
        <button type="submit" class="btn btn-primary" disabled={busy !== null} data-testid="token-create">{t('tokens.create')}</button>
      </form>
      {loading && !data ? <p class="text-sm text-muted">{t('common.loading')}</p> : (
        <div class="overflow-auto rounded-md border border-border">
          <table class="tbl" data-testid="tokens-table">
            <thead><tr>{(['name', 'prefix', 'role', 'lastUsed', 'expires', 'actions'] as const).map((c) => <th key={c} scope="col">{t(`col.${c}` as MessageKey)}</th>)}</tr></thead>
            <tbody>
              {(data?.tokens ?? []).map((tk) => (
                <tr key={tk.id}>
                  <td class="font-medium">{tk.name}</td>
                  <td class="mono text-xs">{tk.prefix}…</td>
                  <td>{t(`role.${tk.role}` as MessageKey)}</td>
                  <td class="text-xs">{i18n.ago(tk.last_used_at)}</td>
                  <td class="text-xs">{tk.expires_at ? i18n.date(tk.expires_at) : t('tokens.noExpiry')}</td>
                  <td><button type="button" class="btn-icon text-err" aria-label={`${t('tokens.revoke')} ${tk.name}`}
                    onClick={() => run('del', () => api.deleteToken(tk.id), t('tokens.revoked')).then(() => reload())}><Icon name="trash" size={16} /></button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {secret && (
        <Dialog title={t('tokens.createdTitle')} onClose={() => setSecret(null)} testId="token-secret">
          <p class="mb-2 text-sm">{t('tokens.showOnce')}</p>
          <pre class="mono mb-2 rounded-md border border-border bg-panel-2 p-2 text-xs break-all whitespace-pre-wrap" data-testid="token-secret-value">{secret}</pre>
          <button type="button" class="btn" onClick={async () => { const ok = await copyText(secret); toasts.push(ok ? 'success' : 'error', t(ok ? 'common.copied' : 'common.copyFailed')); }}>
            <Icon name="copy" size={16} /> {t('common.copy')}
          </button>
        </Dialog>
      )}
    </div>
  );
}
