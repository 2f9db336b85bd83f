/** One container in the table: its facts and the buttons its state and the user's role allow. */
import type { DockerContainer } from '../../../../src/core/types';
import { Badge, stateTone } from '../../components/Badge';
import { ports } from '../../components/format';
import { Icon } from '../../components/Icon';
import { useServices } from '../../context';
import type { ContainerAction } from '../../api/api';
import type { MessageKey } from '../../i18n';
import { ACTION_ICON, actionsFor } from './actions';

export const ROW_HEIGHT = 44;
export type ViewKind = 'logs' | 'inspect' | 'stats';

export interface RowProps {
  c: DockerContainer;
  busy: boolean;
  onAction: (c: DockerContainer, a: ContainerAction) => void;
  onView: (c: DockerContainer, v: ViewKind) => void;
}

export function ContainerActions({ c, busy, onAction, onView }: RowProps) {
  const { auth, i18n, docker } = useServices();
  const { t } = i18n;
  const caps = docker.hosts.value.find((h) => h.id === c.host_id)?.capabilities;
  const actions = actionsFor(c, auth.role.value, caps);
  return (
    <div class="flex items-center gap-0.5" data-testid="container-actions">
      {actions.map((a) => (
        <button
          key={a}
          type="button"
          class={`btn-icon ${a === 'remove' || a === 'kill' ? 'text-err' : ''}`}
          data-testid={`action-${a}`}
          data-action={a}
          disabled={busy}
          title={t(`action.${a}` as MessageKey)}
          aria-label={`${t(`action.${a}` as MessageKey)} ${c.name}`}
          onClick={() => onAction(c, a)}
        >
          <Icon name={ACTION_ICON[a]} size={16} />
        </button>
      ))}
      <span class="mx-1 h-5 w-px bg-border" aria-hidden="true" />
      <button type="button" class="btn-icon" data-testid="view-logs" title={t('view.logs')} aria-label={`${t('view.logs')} ${c.name}`} onClick={() => onView(c, 'logs')}>
        <Icon name="logs" size={16} />
      </button>
      <button type="button" class="btn-icon" data-testid="view-inspect" title={t('view.inspect')} aria-label={`${t('view.inspect')} ${c.name}`} onClick={() => onView(c, 'inspect')}>
        <Icon name="code" size={16} />
      </button>
      <button type="button" class="btn-icon" data-testid="view-stats" title={t('view.stats')} aria-label={`${t('view.stats')} ${c.name}`}
        disabled={c.state !== 'running'} onClick={() => onView(c, 'stats')}>
        <Icon name="chart" size={16} />
      </button>
    </div>
  );
}

export function ContainerRow(p: RowProps) {
  const { i18n } = useServices();
  const { t } = i18n;
  const c = p.c;
  return (
    <tr
      style={{ height: `${ROW_HEIGHT}px` }}
      data-testid="container-row"
      data-container-id={c.container_id}
      data-name={c.name}
      data-state={c.state}
      class={c.stale ? 'opacity-60' : ''}
    >
      <td class="max-w-[16rem] truncate font-medium" title={c.name}>
        {c.name}
        {c.compose_service && <span class="ml-1 text-xs text-muted">({c.compose_service})</span>}
      </td>
      <td class="max-w-[14rem] truncate mono text-xs" title={c.image}>{c.image}</td>
      <td>
        <Badge tone={stateTone(c.state)} testId="container-state">{i18n.tf(`state.${c.state}`, c.state)}</Badge>
        {c.stale && <span class="ml-1 text-xs text-muted">{t('docker.stale')}</span>}
      </td>
      <td>{c.health !== 'none' ? <Badge tone={stateTone(c.health)}>{t(`health.${c.health}` as MessageKey)}</Badge> : <span class="text-muted">—</span>}</td>
      <td class="max-w-[10rem] truncate mono text-xs" title={ports(c.ports)}>{ports(c.ports) || '—'}</td>
      <td class="whitespace-nowrap text-xs" title={i18n.date(c.created_at)}>{i18n.ago(c.created_at)}</td>
      <td class="mono text-xs whitespace-nowrap">{c.ip_address ?? '—'}</td>
      <td><ContainerActions {...p} /></td>
    </tr>
  );
}
