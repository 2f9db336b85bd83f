/** Side panel (full width on phones), focus trapped like a dialog. */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { useServices } from '../context';
import { useFocusTrap } from './focus';
import { Icon } from './Icon';
import { enter } from './motion';

export function Drawer(p: { title: string; onClose: () => void; children: ComponentChildren; actions?: ComponentChildren; testId?: string }) {
  const { i18n } = useServices();
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useFocusTrap(ref, p.onClose);
  useEffect(() => enter(ref.current, 'right'), []);
  return (
    <div class="fixed inset-0 z-40 flex justify-end bg-black/40" onMouseDown={(e) => e.target === e.currentTarget && p.onClose()}>
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={p.testId}
        class="flex h-full w-full flex-col border-l border-border bg-panel text-fg shadow-xl md:w-[min(900px,70vw)]"
      >
        <div class="flex flex-wrap items-center gap-2 border-b border-border px-4 py-3">
          <h2 id={titleId} class="mr-auto truncate text-base font-semibold">{p.title}</h2>
          {p.actions}
          <button type="button" class="btn-icon" aria-label={i18n.t('common.close')} onClick={p.onClose}>
            <Icon name="x" />
          </button>
        </div>
        <div class="flex min-h-0 flex-1 flex-col">{p.children}</div>
      </div>
    </div>
  );
}
