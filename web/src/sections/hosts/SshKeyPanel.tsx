/** The dashboard's SSH public key, with copy buttons and the command that authorizes it on a host. */
import { copyText } from '../../components/format';
import { useAsync } from '../../components/hooks';
import { Icon } from '../../components/Icon';
import { useServices } from '../../context';
import { authorizeCommand } from './sshCommand';
import { LoadState } from '../../components/LoadState';

function CopyBlock({ label, text, testId }: { label: string; text: string; testId: string }) {
  const { i18n, toasts } = useServices();
  return (
    <div>
      <div class="mb-1 flex items-center gap-2">
        <span class="text-sm font-medium">{label}</span>
        <button type="button" class="btn ml-auto !py-1" data-testid={`${testId}-copy`} aria-label={`${i18n.t('common.copy')}: ${label}`}
          onClick={async () => { const ok = await copyText(text); toasts.push(ok ? 'success' : 'error', i18n.t(ok ? 'common.copied' : 'common.copyFailed')); }}>
          <Icon name="copy" size={14} /> {i18n.t('common.copy')}
        </button>
      </div>
      <pre class="mono overflow-auto rounded-md border border-border bg-panel-2 p-2 text-xs whitespace-pre-wrap break-all" data-testid={testId}>{text}</pre>
    </div>
  );
}

export function SshKeyPanel() {
  const { api, i18n } = useServices();
  const { t } = i18n;
  const { data, error } = useAsync(() => api.sshSettings(), []);
  return (
    <div class="card flex flex-col gap-3" data-testid="ssh-key-panel">
      <h2 class="flex items-center gap-2 font-semibold"><Icon name="key" /> {t('ssh.title')}</h2>
      {!data ? <LoadState error={error?.message} /> : (
        <>
          <p class="text-sm text-muted">{t('ssh.help', { user: data.user })}</p>
          <CopyBlock label={t('ssh.publicKey')} text={data.public_key} testId="ssh-public-key" />
          <CopyBlock label={t('ssh.command')} text={authorizeCommand(data.user, data.public_key)} testId="ssh-command" />
          <p class="text-xs text-muted">{t('ssh.after')}</p>
        </>
      )}
    </div>
  );
}
