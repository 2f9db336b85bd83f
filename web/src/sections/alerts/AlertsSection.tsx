/** Alerts from every source: open / acknowledged / closed, live; silences for maintenance. */
import { useEffect, useState } from 'preact/hooks';
import { useAsync } from '../../components/hooks';
import { Tabs } from '../../components/Tabs';
import { useServices } from '../../context';
import type { MessageKey } from '../../i18n';
import { AlertList } from './AlertList';
import { Silences } from './Silences';

const STATES = ['open', 'acknowledged', 'closed', 'all'] as const;
type St = (typeof STATES)[number];

export function AlertsSection() {
  const { api, alerts, i18n, auth } = useServices();
  const { t } = i18n;
  const [state, setState] = useState<St>('open');
  // "open" and "acknowledged" come live from the store; closed/all are fetched, and refetched on any alert message.
  const fetched = useAsync(() => (state === 'closed' || state === 'all' ? api.alerts({ state }) : Promise.resolve({ alerts: [] })), [state]);
  const version = alerts.version.value;
  useEffect(() => {
    if (version && (state === 'closed' || state === 'all')) void fetched.reload();
  }, [version]);
  const list = state === 'open' ? alerts.active.value.filter((a) => a.state === 'open')
    : state === 'acknowledged' ? alerts.active.value.filter((a) => a.state === 'acknowledged')
    : fetched.data?.alerts ?? [];
  const counts: Partial<Record<St, number>> = { open: alerts.openCount.value };
  return (
    <section aria-labelledby="alerts-title" class="flex flex-col gap-3">
      <h1 id="alerts-title" class="text-xl font-semibold">{t('nav.alerts')}</h1>
      <Tabs label={t('nav.alerts')} current={state} onSelect={(s) => setState(s as St)}
        tabs={STATES.map((s) => ({ id: s, label: t(`alertState.${s}` as MessageKey), badge: counts[s] }))} />
      <div role="tabpanel" id={`panel-${state}`} aria-labelledby={`tab-${state}`}>
        <AlertList alerts={list} loading={state === 'closed' || state === 'all' ? fetched.loading : !alerts.loaded.value}
          error={state === 'closed' || state === 'all' ? fetched.error?.message : alerts.error.value} />
      </div>
      {auth.can('operator') && <Silences />}
    </section>
  );
}
