/** The container's full `docker inspect`, as a collapsible, searchable JSON tree. */
import type { DockerContainer } from '../../../../src/core/types';
import { Dialog } from '../../components/Dialog';
import { useAsync } from '../../components/hooks';
import { JsonViewer } from '../../components/JsonViewer';
import { useServices } from '../../context';
import { LoadState } from '../../components/LoadState';

export function InspectDialog({ hostId, container, onClose }: { hostId: number; container: DockerContainer; onClose: () => void }) {
  const { api, i18n } = useServices();
  const { data, loading, error } = useAsync(() => api.inspect(hostId, container.container_id), [hostId, container.container_id]);
  return (
    <Dialog title={i18n.t('inspect.title', { name: container.name })} onClose={onClose} wide testId="inspect-dialog">
      {data !== undefined && !loading ? <JsonViewer value={data} /> : <LoadState error={loading ? null : error?.message} />}
    </Dialog>
  );
}
