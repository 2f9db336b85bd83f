/** Modal dialog: labelled, focus trapped, Escape and backdrop close it. */
import type { ComponentChildren } from 'preact';
import { useId, useRef, useEffect } from 'preact/hooks';
import { useServices } from '../context';
import { useFocusTrap } from './focus';
import { Icon } from './Icon';
import { enter } from './motion';

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  footer?: ComponentChildren;
  wide?: boolean;
  testId?: string;
  role?: 'dialog' | 'alertdialog';
}

export function Dialog({ title, onClose, children, footer, wide, testId, role = 'dialog' }: DialogProps) {
  const { i18n } = useServices();
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useFocusTrap(ref, onClose);
  useEffect(() => enter(ref.current, 'fade'), []);
  return (
    <div
      class="fixed inset-0 z-40 flex items-end justify-center bg-black/50 sm:items-center sm:p-4"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        ref={ref}
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        class={`flex max-h-[92vh] w-full flex-col rounded-t-xl border border-border bg-panel text-fg shadow-xl sm:rounded-xl ${wide ? 'sm:max-w-4xl' : 'sm:max-w-lg'}`}
      >
        <div class="flex items-center justify-between gap-2 border-b border-border px-4 py-3">
          <h2 id={titleId} class="text-base font-semibold">{title}</h2>
          <button type="button" class="btn-icon" aria-label={i18n.t('common.close')} onClick={onClose}>
            <Icon name="x" />
          </button>
        </div>
        <div class="min-h-0 flex-1 overflow-auto px-4 py-3">{children}</div>
        {footer && <div class="flex flex-wrap justify-end gap-2 border-t border-border px-4 py-3">{footer}</div>}
      </div>
    </div>
  );
}

export interface ConfirmProps {
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children?: ComponentChildren;
}

export function ConfirmDialog(p: ConfirmProps) {
  const { i18n } = useServices();
  return (
    <Dialog
      title={p.title}
      onClose={p.onCancel}
      role="alertdialog"
      testId="confirm-dialog"
      footer={
        <>
          <button type="button" class="btn" data-autofocus onClick={p.onCancel}>
            {i18n.t('common.cancel')}
          </button>
          <button
            type="button"
            class={p.danger ? 'btn btn-primary !bg-danger !text-white' : 'btn btn-primary'}
            data-testid="confirm-ok"
            disabled={p.busy}
            onClick={p.onConfirm}
          >
            {p.confirmLabel}
          </button>
        </>
      }
    >
      <p class="text-sm">{p.message}</p>
      {p.children}
    </Dialog>
  );
}
