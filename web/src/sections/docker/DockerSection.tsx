/** Docker section: the host grid, or one host's detail view (#/docker/<id>/<tab>). */
import { useEffect, useState } from 'preact/hooks';
import { lazy } from '../../components/Lazy';
import { useServices } from '../../context';
import { HostGrid } from './HostCard';
import { LoadState } from '../../components/LoadState';
import { GroupFilter, groupsOf, inGroup } from '../../components/GroupFilter';

const HostDetail = lazy(() => import('./HostDetail').then((m) => m.HostDetail));

export function DockerSection({ parts }: { parts: string[] }) {
  const { docker, i18n } = useServices();
  const [filter, setFilter] = useState<'all' | 'enabled'>('all');
  const [group, setGroup] = useState('');
  const id = Number(parts[0]);
  const detail = !!parts[0] && Number.isInteger(id);
  // Opening a host by its address: fetch its containers while the detail view's code loads, not after.
  useEffect(() => {
    if (detail && (parts[1] ?? 'containers') === 'containers') void docker.loadContainers(id).catch(() => undefined);
  }, [detail, id]);
  if (detail) return <HostDetail hostId={id} tab={parts[1] ?? 'containers'} />;
  const hosts = docker.hosts.value.filter((h) => (filter === 'all' || h.docker_enabled) && inGroup(group, h));
  return (
    <section aria-labelledby="docker-title" class="flex flex-col gap-4">
      <div class="flex flex-wrap items-center gap-2">
        <h1 id="docker-title" class="mr-auto text-xl font-semibold">{i18n.t('nav.docker')}</h1>
        <label class="text-sm" for="docker-filter">{i18n.t('docker.show')}</label>
        <select id="docker-filter" class="input !w-auto" value={filter} onChange={(e) => setFilter((e.currentTarget as HTMLSelectElement).value as 'all' | 'enabled')}>
          <option value="all">{i18n.t('docker.allHosts')}</option>
          <option value="enabled">{i18n.t('docker.enabledHosts')}</option>
        </select>
        <GroupFilter id="docker-group" groups={groupsOf(docker.hosts.value)} value={group} onChange={setGroup} />
      </div>
      {docker.loaded.value ? <HostGrid hosts={hosts} /> : <LoadState error={docker.error.value} />}
    </section>
  );
}
