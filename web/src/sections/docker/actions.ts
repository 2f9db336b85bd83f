/** Which container actions a user may see, from the container's state and the user's role. */
import type { DockerCapabilities, DockerContainer, Role } from '../../../../src/core/types';
import type { ContainerAction } from '../../api/api';
import { roleAtLeast } from '../../state/auth';
import type { IconName } from '../../components/Icon';

/** Actions that make sense in each state; anything else would be refused or do nothing. */
export function stateActions(state: string): ContainerAction[] {
  switch (state) {
    case 'running':
      return ['stop', 'restart', 'pause', 'kill'];
    case 'paused':
      return ['unpause', 'kill'];
    case 'restarting':
      return ['stop', 'kill'];
    case 'exited':
    case 'created':
    case 'dead':
      return ['start'];
    default:
      return []; // removing: wait for it
  }
}

/** `caps`: what the host's engine can do (from its card); redeploy only where the engine offers it. */
export function actionsFor(c: Pick<DockerContainer, 'state' | 'compose_project'>, role: Role | null, caps: Pick<DockerCapabilities, 'redeploy'> = { redeploy: true }): ContainerAction[] {
  if (!roleAtLeast(role, 'operator')) return [];
  const list = stateActions(c.state);
  if (c.compose_project && caps.redeploy) list.push('redeploy');
  if (roleAtLeast(role, 'admin') && c.state !== 'removing') list.push('remove');
  return list;
}

export const NEEDS_CONFIRM: ReadonlySet<ContainerAction> = new Set(['remove', 'redeploy', 'kill']);

export const ACTION_ICON: Record<ContainerAction, IconName> = {
  start: 'play',
  stop: 'stop',
  restart: 'restart',
  pause: 'pause',
  unpause: 'play',
  kill: 'zap',
  remove: 'trash',
  redeploy: 'redeploy',
};
