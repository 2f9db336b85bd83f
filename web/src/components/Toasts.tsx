/** Toast stack: API errors in plain words, and confirmations of what was done. */
import { useEffect, useRef } from 'preact/hooks';
import { useServices } from '../context';
import type { Toast } from '../state/ui';
import { Icon } from './Icon';
import { enter } from './motion';

function ToastItem({ toast }: { toast: Toast }) {
  const { toasts, i18n } = useServices();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => enter(ref.current, 'right'), []);
  const color = toast.kind === 'error' ? 'border-err' : toast.kind === 'success' ? 'border-ok' : 'border-info';
  return (
    <div
      ref={ref}
      role={toast.kind === 'error' ? 'alert' : 'status'}
      data-testid={`toast-${toast.kind}`}
      class={`pointer-events-auto flex items-start gap-2 rounded-md border-l-4 ${color} border border-border bg-panel px-3 py-2 text-sm shadow-lg`}
    >
      <span class="flex-1 break-words">{toast.text}</span>
      <button type="button" class="btn-icon h-6 w-6" aria-label={i18n.t('common.dismiss')} onClick={() => toasts.dismiss(toast.id)}>
        <Icon name="x" size={14} />
      </button>
    </div>
  );
}

export function Toasts() {
  const { toasts } = useServices();
  return (
    <div aria-live="polite" class="pointer-events-none fixed right-2 bottom-2 z-50 flex w-[min(420px,calc(100vw-1rem))] flex-col gap-2">
      {toasts.items.value.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
