/** Loads a section's code on first use, so the first page stays small. */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useServices } from '../context';

export function lazy<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let cached: ComponentType<P> | null = null;
  return function LazyComponent(props: P) {
    const { toasts, i18n } = useServices();
    const [C, setC] = useState<ComponentType<P> | null>(() => cached);
    useEffect(() => {
      if (C) return;
      let alive = true;
      load().then(
        (c) => {
          cached = c;
          if (alive) setC(() => c);
        },
        (e) => toasts.error(e),
      );
      return () => {
        alive = false;
      };
    }, []);
    return C ? <C {...props} /> : <Spinner label={i18n.t('common.loading')} />;
  };
}

export function Spinner({ label }: { label: string }) {
  return (
    <div role="status" class="flex items-center gap-2 p-6 text-sm text-muted">
      <span class="h-4 w-4 animate-spin rounded-full border-2 border-muted border-t-transparent" aria-hidden="true" />
      {label}
    </div>
  );
}
