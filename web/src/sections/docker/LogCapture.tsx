/** Which output of a container is captured for the log search (off | stdout | stderr | both); operators change it. */
import { useEffect, useState } from 'preact/hooks';
import type { DockerContainer } from '../../../../src/core/types';
import type { LogCapture as Mode } from '../../api/api';
import { useAction } from '../../components/hooks';
import { useServices } from '../../context';

const MODES: Mode[] = ['off', 'stdout', 'stderr', 'both'];

export function LogCapture({ hostId, container }: { hostId: number; container: DockerContainer }) {
  const { api, auth, i18n } = useServices();
  const { t } = i18n;
  const [mode, setMode] = useState<Mode>(container.log_capture);
  // A live update of the container (another user, the label) wins over what was shown.
  useEffect(() => setMode(container.log_capture), [container.log_capture]);
  const { busy, run } = useAction();
  const label = (m: Mode) => t(`logsearch.capture.${m}`);
  if (!auth.can('operator')) {
    return <span class="text-xs text-muted" data-testid="logs-capture-value">{t('logsearch.capture')}: {label(mode)}</span>;
  }
  const change = async (next: Mode) => {
    const before = mode;
    setMode(next);
    const r = await run('capture', () => api.containerSettings(hostId, container.container_id, next),
      t('logsearch.captureSaved', { name: container.name, mode: label(next) }));
    setMode(r ? r.log_capture : before);
  };
  return (
    <label class="flex items-center gap-1">
      {t('logsearch.capture')}
      <select class="input !w-auto !py-1" value={mode} data-testid="logs-capture" disabled={busy !== null}
        onChange={(e) => void change((e.currentTarget as HTMLSelectElement).value as Mode)}>
        {MODES.map((m) => <option key={m} value={m}>{label(m)}</option>)}
      </select>
    </label>
  );
}
