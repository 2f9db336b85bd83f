/** Settings (admin): users and roles, API tokens, notification channels, the SSH key. */
import { Tabs } from '../../components/Tabs';
import { useServices } from '../../context';
import type { MessageKey } from '../../i18n';
import { SshKeyPanel } from '../hosts/SshKeyPanel';
import { Channels } from './Channels';
import { Tokens } from './Tokens';
import { Users } from './Users';

const TABS = ['users', 'tokens', 'channels', 'ssh'] as const;

export function SettingsSection({ parts }: { parts: string[] }) {
  const { i18n, router } = useServices();
  const { t } = i18n;
  const tab = (TABS as readonly string[]).includes(parts[0] ?? '') ? parts[0] : 'users';
  return (
    <section aria-labelledby="settings-title" class="flex flex-col gap-3">
      <h1 id="settings-title" class="text-xl font-semibold">{t('nav.settings')}</h1>
      <Tabs label={t('nav.settings')} current={tab} onSelect={(id) => router.go('settings', id)}
        tabs={TABS.map((id) => ({ id, label: t(`settings.${id}` as MessageKey) }))} />
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'users' && <Users />}
        {tab === 'tokens' && <Tokens />}
        {tab === 'channels' && <Channels />}
        {tab === 'ssh' && <SshKeyPanel />}
      </div>
    </section>
  );
}
