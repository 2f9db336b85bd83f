/** The container's full `docker inspect`, as a collapsible, searchable JSON tree. */
import type { DockerContainer } from '../../../../src/core/types';
import { Dialog } from '../../components/Dialog';
import { useAsync } from '../../components/hooks';
import { JsonViewer } from '../../components/JsonViewer';
import { useServices } from '../../context';

export function InspectDialog({ hostId, container, onClose }: { hostId: number; container: DockerContainer; onClose: () => void }) {
  const { api, i18n } = useServices();
  const { data, loading } = useAsync(() => api.inspect(hostId, container.container_id), [hostId, container.container_id]);
  return (
    <Dialog title={i18n.t('inspect.title', { name: container.name })} onClose={onClose} wide testId="inspect-dialog">
      {loading ? <p class="text-sm text-muted">{i18n.t('common.loading')}</p> : data !== undefined ? <JsonViewer value={data} /> : null}
    </Dialog>
  );
}
