import type { ComponentChildren } from 'preact';
/** Coloured state pills. Text always says the state; colour only repeats it. */
const TONES = {
  ok: 'bg-ok/15 text-ok border-ok/40',
  warn: 'bg-warn/15 text-warn border-warn/40',
  err: 'bg-err/15 text-err border-err/40',
  info: 'bg-info/15 text-info border-info/40',
  muted: 'bg-panel-2 text-muted border-border',
} as const;
export type Tone = keyof typeof TONES;

export function Badge({ tone, children, testId }: { tone: Tone; children: ComponentChildren; testId?: string }) {
  return (
    <span data-testid={testId} class={`inline-flex items-center rounded-full border px-2 py-0.5 text-xs font-medium whitespace-nowrap ${TONES[tone]}`}>
      {children}
    </span>
  );
}

export function stateTone(state: string): Tone {
  switch (state) {
    case 'running':
    case 'online':
    case 'healthy':
    case 'success':
    case 'closed':
      return 'ok';
    case 'paused':
    case 'restarting':
    case 'starting':
    case 'created':
    case 'pending':
    case 'acknowledged':
    case 'warning':
      return 'warn';
    case 'exited':
    case 'dead':
    case 'offline':
    case 'unhealthy':
    case 'error':
    case 'failed':
    case 'unreachable':
    case 'critical':
    case 'open':
      return 'err';
    case 'running_task':
      return 'info';
    default:
      return 'muted';
  }
}
