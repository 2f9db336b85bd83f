/** Prune (admin): the user picks explicitly what to clean; the answer says how much space was reclaimed. */
import { useState } from 'preact/hooks';
import type { DockerCapabilities } from '../../../../src/core/types';
import { ConfirmDialog } from '../../components/Dialog';
import { bytes } from '../../components/format';
import { useAction } from '../../components/hooks';
import { useServices } from '../../context';
import type { MessageKey } from '../../i18n';

type PruneKind = DockerCapabilities['prune'][number];

/** `kinds`: what the host's engine can prune (its capabilities); only those are offered. */
export function PruneDialog({ hostId, kinds, onClose }: { hostId: number; kinds: readonly PruneKind[]; onClose: () => void }) {
  const { api, i18n, docker } = useServices();
  const { t } = i18n;
  // The API also takes images: 'all' (tagged ones too); this dialog offers the dangling ones only.
  const [opts, setOpts] = useState<Record<'containers' | 'images' | 'volumes' | 'networks', boolean>>({ images: false, containers: false, volumes: false, networks: false });
  const { busy, run } = useAction();
  const none = !Object.values(opts).some(Boolean);
  const go = async () => {
    const r = await run('prune', () => api.prune(hostId, opts));
    if (!r) return;
    await run('reload', () => docker.loadContainers(hostId), t('prune.done', { size: bytes(r.reclaimed_bytes) }));
    onClose();
  };
  return (
    <ConfirmDialog title={t('prune.title')} message={t('prune.body')} confirmLabel={t('prune.confirm')} danger busy={busy !== null || none}
      onCancel={onClose} onConfirm={() => void go()}>
      <fieldset class="mt-3 flex flex-col gap-2 text-sm">
        <legend class="sr-only">{t('prune.what')}</legend>
        {(['containers', 'images', 'volumes', 'networks'] as const).filter((k) => kinds.includes(k)).map((k) => (
          <label key={k} class="flex items-center gap-2">
            <input type="checkbox" data-testid={`prune-${k}`} checked={opts[k]} onChange={(e) => setOpts({ ...opts, [k]: (e.currentTarget as HTMLInputElement).checked })} />
            {t(`prune.${k}` as MessageKey)}
          </label>
        ))}
      </fieldset>
    </ConfirmDialog>
  );
}
