/** One Docker host: header with its figures and host-level actions, and the tabs. */
import { useEffect, useState } from 'preact/hooks';
import { Badge, stateTone } from '../../components/Badge';
import { ViaPortainer } from './ViaPortainer';
import { useAction } from '../../components/hooks';
import { Icon } from '../../components/Icon';
import { Tabs } from '../../components/Tabs';
import { useServices } from '../../context';
import type { MessageKey } from '../../i18n';
import { collectNow } from './collect';
import { ContainersTab } from './ContainersTab';
import { PruneDialog } from './PruneDialog';
import { ImagesTab, NetworksTab, VolumesTab } from './ResourceTabs';
import { HostAlertsTab, TimelineTab } from './TimelineTab';

const TABS = ['containers', 'images', 'volumes', 'networks', 'alerts', 'timeline'] as const;
type Tab = (typeof TABS)[number];

export function HostDetail({ hostId, tab }: { hostId: number; tab: string }) {
  const { docker, i18n, router, auth, api, alerts } = useServices();
  const { t } = i18n;
  const { busy, run } = useAction();
  const [prune, setPrune] = useState(false);
  const host = docker.hosts.value.find((h) => h.id === hostId);
  const current: Tab = (TABS as readonly string[]).includes(tab) ? (tab as Tab) : 'containers';
  useEffect(() => {
    if (!docker.loaded.value) void docker.load().catch(() => undefined);
  }, []);
  const hostAlerts = alerts.active.value.filter((a) => a.host_id === hostId && a.state === 'open').length;

  return (
    <section aria-labelledby="host-detail-title" class="flex flex-col gap-3" data-testid="docker-host-detail" data-host-id={hostId}>
      <div class="flex flex-wrap items-center gap-2">
        <a href="#/docker" class="btn" data-testid="back-to-hosts"><Icon name="chevronRight" class="rotate-180" size={16} /> {t('docker.allHosts')}</a>
        <h1 id="host-detail-title" class="text-xl font-semibold">{host?.name ?? `#${hostId}`}</h1>
        {host && <Badge tone={stateTone(host.docker_status)}>{t(`dockerStatus.${host.docker_status}` as MessageKey)}</Badge>}
        {host && <ViaPortainer host={host} />}
        {host && <span class="text-sm text-muted">{host.containers_running}/{host.containers_total} {t('docker.runningShort')}</span>}
        <span class="ml-auto" />
        {auth.can('operator') && (
          <button type="button" class="btn" data-testid="collect-now" disabled={busy === 'collect'}
            onClick={() => run('collect', async () => {
              // The containers are reloaded even after a partial collection: what was read is stored.
              try {
                await collectNow(api, hostId);
              } finally {
                await docker.loadContainers(hostId);
              }
            }, t('docker.collected', { name: host?.name ?? '' }))}>
            <Icon name="refresh" size={16} /> {t('docker.collect')}
          </button>
        )}
        {auth.can('admin') && (host?.capabilities.prune.length ?? 0) > 0 && (
          <button type="button" class="btn btn-danger" data-testid="prune-open" onClick={() => setPrune(true)}>
            <Icon name="trash" size={16} /> {t('prune.title')}
          </button>
        )}
      </div>
      {host?.docker_status_reason && host.docker_status !== 'online' && (
        <p role="status" class="rounded-md border border-err/50 bg-err/10 px-3 py-2 text-sm text-err">{host.docker_status_reason}</p>
      )}
      <Tabs
        label={t('docker.hostTabs')}
        current={current}
        onSelect={(id) => router.go('docker', hostId, id)}
        tabs={TABS.map((id) => ({ id, label: t(`tab.${id}` as MessageKey), badge: id === 'alerts' ? hostAlerts : undefined }))}
      />
      <div role="tabpanel" id={`panel-${current}`} aria-labelledby={`tab-${current}`}>
        {current === 'containers' && <ContainersTab hostId={hostId} />}
        {current === 'images' && <ImagesTab hostId={hostId} />}
        {current === 'volumes' && <VolumesTab hostId={hostId} />}
        {current === 'networks' && <NetworksTab hostId={hostId} />}
        {current === 'alerts' && <HostAlertsTab hostId={hostId} />}
        {current === 'timeline' && <TimelineTab hostId={hostId} />}
      </div>
      {prune && host && <PruneDialog hostId={hostId} kinds={host.capabilities.prune} onClose={() => setPrune(false)} />}
    </section>
  );
}
