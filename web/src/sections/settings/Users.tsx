/** Users and their roles (admin). */
import { useState } from 'preact/hooks';
import { ROLES, type Role, type User } from '../../../../src/core/types';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { useAction, useAsync } from '../../components/hooks';
import { Icon } from '../../components/Icon';
import { useServices } from '../../context';
import type { MessageKey } from '../../i18n';

export function Users() {
  const { api, i18n, auth } = useServices();
  const { t } = i18n;
  const { data, loading, reload } = useAsync(() => api.users(), []);
  const { busy, run } = useAction();
  const [adding, setAdding] = useState(false);
  const [pw, setPw] = useState<User | null>(null);
  const [del, setDel] = useState<User | null>(null);
  const setRole = (u: User, role: Role) => run(`role:${u.id}`, () => api.updateUser(u.id, { role }), t('users.saved', { name: u.username })).then(() => reload());
  return (
    <div class="flex flex-col gap-3">
      <div><button type="button" class="btn btn-primary" data-testid="user-add" onClick={() => setAdding(true)}><Icon name="plus" size={16} /> {t('users.add')}</button></div>
      {loading && !data ? <p class="text-sm text-muted">{t('common.loading')}</p> : (
        <div class="overflow-auto rounded-md border border-border">
          <table class="tbl" data-testid="users-table">
            <thead><tr>{(['name', 'role', 'lastLogin', 'actions'] as const).map((c) => <th key={c} scope="col">{t(`col.${c}` as MessageKey)}</th>)}</tr></thead>
            <tbody>
              {(data?.users ?? []).map((u) => (
                <tr key={u.id} data-testid="user-row">
                  <td class="font-medium">{u.username}</td>
                  <td><label><span class="sr-only">{t('col.role')} {u.username}</span>
                    <select class="input !w-auto !py-1" value={u.role} disabled={busy !== null || u.id === auth.user.value?.id}
                      onChange={(e) => void setRole(u, (e.currentTarget as HTMLSelectElement).value as Role)}>
                      {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}` as MessageKey)}</option>)}
                    </select></label></td>
                  <td class="text-xs">{i18n.ago(u.last_login_at)}</td>
                  <td><div class="flex gap-0.5">
                    <button type="button" class="btn !py-1" onClick={() => setPw(u)}>{t('users.setPassword')}</button>
                    {u.id !== auth.user.value?.id && <button type="button" class="btn-icon text-err" aria-label={`${t('common.delete')} ${u.username}`} onClick={() => setDel(u)}><Icon name="trash" size={16} /></button>}
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {adding && <UserDialog onClose={() => setAdding(false)} onDone={() => { setAdding(false); void reload(); }} />}
      {pw && <UserDialog user={pw} onClose={() => setPw(null)} onDone={() => { setPw(null); void reload(); }} />}
      {del && <ConfirmDialog title={t('users.deleteTitle', { name: del.username })} message={t('users.deleteBody')} confirmLabel={t('common.delete')} danger
        onCancel={() => setDel(null)} onConfirm={() => { const u = del; setDel(null); void run('del', () => api.deleteUser(u.id), t('users.deleted', { name: u.username })).then(() => reload()); }} />}
    </div>
  );
}

function UserDialog({ user, onClose, onDone }: { user?: User; onClose: () => void; onDone: () => void }) {
  const { api, i18n } = useServices();
  const { t } = i18n;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const { busy, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await run('save', () => (user ? api.updateUser(user.id, { password }) : api.createUser({ username: username.trim(), password, role })),
      t('users.saved', { name: user?.username ?? username }));
    if (r) onDone();
  };
  return (
    <Dialog title={user ? t('users.setPasswordFor', { name: user.username }) : t('users.add')} onClose={onClose} testId="user-dialog">
      <form onSubmit={submit} class="flex flex-col gap-3">
        {!user && <div><label class="label" for="ud-name">{t('login.username')}</label>
          <input id="ud-name" class="input" required autoComplete="off" value={username} onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)} /></div>}
        <div><label class="label" for="ud-pw">{t('login.password')}</label>
          <input id="ud-pw" class="input" type="password" required minLength={8} autoComplete="new-password" value={password} onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} /></div>
        {!user && <div><label class="label" for="ud-role">{t('col.role')}</label>
          <select id="ud-role" class="input" value={role} onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value as Role)}>
            {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}` as MessageKey)}</option>)}
          </select></div>}
        <div class="flex justify-end gap-2">
          <button type="button" class="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" class="btn btn-primary" disabled={busy !== null}>{t('common.save')}</button>
        </div>
      </form>
    </Dialog>
  );
}
