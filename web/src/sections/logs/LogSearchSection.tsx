/** Search in the captured container logs (GET /api/logs): words, host, container, stream, time range. */
import { useState } from 'preact/hooks';
import type { CapturedLine, LogSearch } from '../../api/api';
import { useAction } from '../../components/hooks';
import { Icon } from '../../components/Icon';
import { useServices } from '../../context';

interface Filters { q: string; host_id: string; container: string; stream: '' | 'stdout' | 'stderr'; since: string; until: string }
const EMPTY: Filters = { q: '', host_id: '', container: '', stream: '', since: '', until: '' };

/** A datetime-local value (local time, no zone) as the RFC 3339 instant the API wants. */
function instant(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function toQuery(f: Filters): LogSearch {
  return {
    q: f.q.trim() || undefined, host_id: f.host_id ? Number(f.host_id) : undefined, container: f.container.trim() || undefined,
    stream: f.stream || undefined, since: instant(f.since), until: instant(f.until), limit: 500,
  };
}

export function LogSearchSection() {
  const { api, i18n, hosts } = useServices();
  const { t } = i18n;
  const [f, setF] = useState<Filters>(EMPTY);
  const [lines, setLines] = useState<CapturedLine[] | null>(null);
  const { busy, run } = useAction();
  const set = <K extends keyof Filters>(k: K) => (e: Event) => setF((o) => ({ ...o, [k]: (e.currentTarget as HTMLInputElement).value }));
  const search = async (e?: Event) => {
    e?.preventDefault();
    const r = await run('search', () => api.searchLogs(toQuery(f)));
    if (r) setLines(r.lines);
  };
  const dockerHosts = hosts.hosts.value.filter((h) => h.docker_enabled);
  return (
    <section aria-labelledby="logsearch-title" class="flex flex-col gap-4">
      <h1 id="logsearch-title" class="text-xl font-semibold">{t('logsearch.title')}</h1>
      <form role="search" class="grid gap-3 sm:grid-cols-3 lg:grid-cols-6" onSubmit={search} data-testid="logsearch-form">
        <div class="sm:col-span-3 lg:col-span-2"><label class="label" for="ls-q">{t('logsearch.query')}</label>
          <input id="ls-q" class="input" type="search" maxLength={200} value={f.q} onInput={set('q')} /></div>
        <div><label class="label" for="ls-host">{t('logsearch.host')}</label>
          <select id="ls-host" class="input" value={f.host_id} onChange={set('host_id')}>
            <option value="">{t('logsearch.anyHost')}</option>
            {dockerHosts.map((h) => <option key={h.id} value={String(h.id)}>{h.name}</option>)}
          </select></div>
        <div><label class="label" for="ls-container">{t('logsearch.container')}</label>
          <input id="ls-container" class="input" maxLength={300} value={f.container} onInput={set('container')} /></div>
        <div><label class="label" for="ls-stream">{t('logsearch.stream')}</label>
          <select id="ls-stream" class="input" value={f.stream} onChange={set('stream')}>
            <option value="">{t('logsearch.anyStream')}</option>
            <option value="stdout">stdout</option>
            <option value="stderr">stderr</option>
          </select></div>
        <div><label class="label" for="ls-since">{t('logsearch.since')}</label>
          <input id="ls-since" class="input" type="datetime-local" value={f.since} onInput={set('since')} /></div>
        <div><label class="label" for="ls-until">{t('logsearch.until')}</label>
          <input id="ls-until" class="input" type="datetime-local" value={f.until} onInput={set('until')} /></div>
        <div class="flex items-end">
          <button type="submit" class="btn btn-primary" data-testid="logsearch-submit" disabled={busy !== null}><Icon name="search" size={16} /> {t('common.search')}</button>
        </div>
      </form>
      {lines !== null && <Results lines={lines} />}
    </section>
  );
}

function Results({ lines }: { lines: CapturedLine[] }) {
  const { i18n } = useServices();
  const { t } = i18n;
  if (lines.length === 0) return <p class="text-sm text-muted" role="status" data-testid="logsearch-empty">{t('logsearch.none')}</p>;
  return (
    <div class="flex flex-col gap-1">
      <p class="text-xs text-muted" role="status">{t('logsearch.count', { n: lines.length })}</p>
      <div class="overflow-auto rounded-md border border-border">
        <table class="tbl" data-testid="logsearch-table">
          <thead><tr>
            <th scope="col">{t('logsearch.col.time')}</th><th scope="col">{t('logsearch.host')}</th><th scope="col">{t('logsearch.container')}</th>
            <th scope="col">{t('logsearch.stream')}</th><th scope="col">{t('logsearch.col.text')}</th>
          </tr></thead>
          <tbody>
            {lines.map((l, i) => (
              <tr key={`${l.host_id}:${l.container_name}:${l.ts}:${i}`} data-testid="logsearch-row" data-stream={l.stream}>
                <td class="mono text-xs whitespace-nowrap" title={l.ts}>{l.ts.slice(0, 19).replace('T', ' ')}</td>
                <td class="text-xs">{l.host_name}</td>
                <td class="text-xs">{l.container_name}</td>
                <td class={`text-xs ${l.stream === 'stderr' ? 'text-err' : ''}`}>{l.stream}</td>
                <td class="mono text-xs whitespace-pre-wrap break-all">{l.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
