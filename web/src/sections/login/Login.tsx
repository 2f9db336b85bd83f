/**
 * Login form. Full page at start; shown as a dialog over the current screen when the session expired,
 * so whatever the user was doing is still there after logging in again.
 */
import { useState } from 'preact/hooks';
import { useServices } from '../../context';

export function LoginForm({ overlay }: { overlay?: boolean }) {
  const { auth, i18n } = useServices();
  const { t } = i18n;
  const [username, setUsername] = useState(auth.user.value?.username ?? '');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await auth.login(username.trim(), password, remember);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} class="flex flex-col gap-3" data-testid="login-form" aria-describedby={error ? 'login-error' : undefined}>
      {overlay && <p class="text-sm text-muted">{t('login.expired')}</p>}
      <div>
        <label class="label" for="login-username">{t('login.username')}</label>
        <input id="login-username" class="input" autoComplete="username" required value={username}
          onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)} data-autofocus={!username || undefined} />
      </div>
      <div>
        <label class="label" for="login-password">{t('login.password')}</label>
        <input id="login-password" class="input" type="password" autoComplete="current-password" required value={password}
          onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} data-autofocus={username ? true : undefined} />
      </div>
      <label class="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={remember} onChange={(e) => setRemember((e.currentTarget as HTMLInputElement).checked)} />
        {t('login.remember')}
      </label>
      {error && (
        <p id="login-error" role="alert" class="rounded-md border border-err/50 bg-err/10 px-3 py-2 text-sm text-err" data-testid="login-error">
          {error}
        </p>
      )}
      <button type="submit" class="btn btn-primary" disabled={busy} data-testid="login-submit">
        {busy ? t('login.signingIn') : t('login.submit')}
      </button>
      {overlay && (
        <button type="button" class="btn" onClick={() => auth.logout()}>
          {t('nav.logout')}
        </button>
      )}
    </form>
  );
}

export function LoginPage() {
  const { i18n } = useServices();
  return (
    <main class="flex min-h-screen items-center justify-center p-4">
      <div class="card w-full max-w-sm">
        <h1 class="mb-1 text-xl font-semibold">{i18n.t('app.title')}</h1>
        <p class="mb-4 text-sm text-muted">{i18n.t('login.intro')}</p>
        <LoginForm />
      </div>
    </main>
  );
}
