/** "via Portainer <server>" on a host of transport portainer (its server's name from GET /api/portainer/servers). */
import { useEffect } from 'preact/hooks';
import type { DockerHostSummary } from '../../../../src/core/types';
import { Badge } from '../../components/Badge';
import { useServices } from '../../context';

export function ViaPortainer({ host }: { host: DockerHostSummary }) {
  const { hosts, portainer, i18n } = useServices();
  const isPortainer = host.transport === 'portainer';
  useEffect(() => {
    if (isPortainer) void portainer.ensure().catch(() => undefined);
  }, [isPortainer]);
  if (!isPortainer) return null;
  const serverId = hosts.hosts.value.find((h) => h.id === host.id)?.portainer_server_id;
  const name = portainer.name(serverId) ?? (serverId != null ? `#${serverId}` : '');
  return <Badge tone="info" testId="via-portainer">{i18n.t('portainer.via', { name })}</Badge>;
}
