/** A list of alerts, with "acknowledge" (and a comment) for operators. */
import { useState } from 'preact/hooks';
import type { Alert } from '../../../../src/core/types';
import { Badge, stateTone } from '../../components/Badge';
import { Dialog } from '../../components/Dialog';
import { useAction } from '../../components/hooks';
import { useServices } from '../../context';
import type { MessageKey } from '../../i18n';
import { LoadState } from '../../components/LoadState';

export function AlertList({ alerts, loading, error, onChanged }: { alerts: Alert[]; loading: boolean; error?: string | null; onChanged?: () => void }) {
  const { i18n, auth } = useServices();
  const { t } = i18n;
  const [acking, setAcking] = useState<Alert | null>(null);
  if ((loading || error) && alerts.length === 0) return <LoadState error={error} />;
  if (alerts.length === 0) return <p class="text-sm text-muted" data-testid="alerts-empty">{t('alerts.none')}</p>;
  return (
    <>
      <ul class="flex flex-col gap-2" data-testid="alert-list">
        {alerts.map((a) => (
          <li key={a.id} class="card flex flex-col gap-1 !p-3" data-testid="alert-item" data-alert-id={a.id} data-state={a.state}>
            <div class="flex flex-wrap items-center gap-2">
              <Badge tone={stateTone(a.severity)}>{t(`severity.${a.severity}` as MessageKey)}</Badge>
              <Badge tone={stateTone(a.state)} testId="alert-state">{t(`alertState.${a.state}` as MessageKey)}</Badge>
              <span class="font-semibold">{a.host_name ?? '—'}</span>
              {a.container_name && <span class="mono text-sm">{a.container_name}</span>}
              {/* a subject that is neither a container nor a host (a Proxmox guest, a Portainer server...) */}
              {!a.container_name && a.subject && a.subject.kind !== 'host' && <span class="mono text-sm">{a.subject.name}</span>}
              {a.occurrences > 1 && <span class="text-xs text-muted">×{a.occurrences}</span>}
              <span class="ml-auto text-xs text-muted" title={i18n.date(a.opened_at)}>{i18n.ago(a.opened_at)}</span>
              {a.state === 'open' && auth.can('operator') && (
                <button type="button" class="btn" data-testid="alert-ack" onClick={() => setAcking(a)}>{t('alerts.ack')}</button>
              )}
            </div>
            <p class="text-sm">{a.message}</p>
            {a.acknowledged_by && (
              <p class="text-xs text-muted">
                {t('alerts.ackedBy', { user: a.acknowledged_by, when: i18n.ago(a.acknowledged_at) })}
                {a.ack_comment ? ` — “${a.ack_comment}”` : ''}
              </p>
            )}
            {a.closed_at && <p class="text-xs text-muted">{t('alerts.closedAt', { when: i18n.date(a.closed_at) })}</p>}
          </li>
        ))}
      </ul>
      {acking && <AckDialog alert={acking} onClose={() => setAcking(null)} onDone={() => { setAcking(null); onChanged?.(); }} />}
    </>
  );
}

function AckDialog({ alert, onClose, onDone }: { alert: Alert; onClose: () => void; onDone: () => void }) {
  const { alerts, i18n } = useServices();
  const { t } = i18n;
  const [comment, setComment] = useState('');
  const { busy, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const ok = await run('ack', async () => { await alerts.ack(alert.id, comment.trim() || undefined); return true; }, t('alerts.acked'));
    if (ok) onDone();
  };
  return (
    <Dialog title={t('alerts.ackTitle')} onClose={onClose} testId="ack-dialog">
      <form onSubmit={submit} class="flex flex-col gap-3">
        <p class="text-sm">{alert.message}</p>
        <div>
          <label class="label" for="ack-comment">{t('alerts.comment')}</label>
          <textarea id="ack-comment" class="input" rows={3} value={comment} data-testid="ack-comment"
            onInput={(e) => setComment((e.currentTarget as HTMLTextAreaElement).value)} />
        </div>
        <div class="flex justify-end gap-2">
          <button type="button" class="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" class="btn btn-primary" disabled={busy !== null} data-testid="ack-submit">{t('alerts.ack')}</button>
        </div>
      </form>
    </Dialog>
  );
}
