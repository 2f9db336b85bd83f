/** Loading data for a screen: shows a spinner, puts an API error in a toast, reloads on demand. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { useServices } from '../context';

export interface AsyncState<T> {
  data: T | undefined;
  loading: boolean;
  error: Error | null;
  reload: () => Promise<void>;
  set: (v: T) => void;
}

export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const { toasts } = useServices();
  const [data, setData] = useState<T | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const run = useCallback(async () => {
    setLoading(true);
    try {
      setData(await load());
      setError(null);
    } catch (e) {
      setError(e as Error);
      toasts.error(e);
    } finally {
      setLoading(false);
    }
  }, deps);
  useEffect(() => {
    void run();
  }, [run]);
  return { data, loading, error, reload: run, set: setData };
}

/** Runs an action with a busy flag; errors go to a toast. Returns the result, or undefined on error. */
export function useAction() {
  const { toasts } = useServices();
  const [busy, setBusy] = useState<string | null>(null);
  const run = async <R,>(key: string, fn: () => Promise<R>, success?: string): Promise<R | undefined> => {
    setBusy(key);
    try {
      const r = await fn();
      if (success) toasts.push('success', success);
      return r;
    } catch (e) {
      toasts.error(e);
      return undefined;
    } finally {
      setBusy(null);
    }
  };
  return { busy, run };
}
