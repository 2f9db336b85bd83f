/** What a list shows before it has data: "Loading…", or why it could not load. */
import { useServices } from '../context';

export function LoadState({ error }: { error: string | null | undefined }) {
  const { i18n } = useServices();
  if (error) return <p role="alert" class="rounded-md border border-err/50 bg-err/10 px-3 py-2 text-sm text-err" data-testid="load-error">{error}</p>;
  return <p class="text-sm text-muted">{i18n.t('common.loading')}</p>;
}
