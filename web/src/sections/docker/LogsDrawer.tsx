/**
 * Logs of one container: the last N lines, stdout and stderr told apart, follow live over the
 * WebSocket, search within, download.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { DockerContainer, LogLine } from '../../../../src/core/types';
import { Drawer } from '../../components/Drawer';
import { downloadText } from '../../components/format';
import { Icon } from '../../components/Icon';
import { useServices } from '../../context';
import { LogCapture } from './LogCapture';

const TAILS = [100, 200, 500, 1000, 5000];
/** Lines kept in the drawer while following: older ones drop off. */
export const MAX_LINES = 5000;

export function LogsDrawer({ hostId, container, onClose }: { hostId: number; container: DockerContainer; onClose: () => void }) {
  const { api, ws, i18n, toasts, docker } = useServices();
  const { t } = i18n;
  // Following needs the engine's live logs; without them the drawer shows the last lines only.
  const live = docker.hosts.value.find((h) => h.id === hostId)?.capabilities.live_logs !== false;
  const [tail, setTail] = useState(200);
  const [lines, setLines] = useState<LogLine[]>([]);
  const [loading, setLoading] = useState(true);
  const [follow, setFollow] = useState(live && container.state === 'running');
  const [query, setQuery] = useState('');
  const [stream, setStream] = useState<'all' | 'stdout' | 'stderr'>('all');
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  useEffect(() => {
    let alive = true;
    setLoading(true);
    api.logs(hostId, container.container_id, tail).then(
      (r) => alive && setLines(r.lines),
      (e) => toasts.error(e),
    ).finally(() => alive && setLoading(false));
    return () => {
      alive = false;
    };
  }, [hostId, container.container_id, tail]);

  useEffect(() => {
    if (!follow) return;
    return ws.subscribeLogs(hostId, container.container_id, (more) =>
      setLines((cur) => {
        const next = cur.concat(more);
        return next.length > MAX_LINES ? next.slice(next.length - MAX_LINES) : next;
      }),
    );
  }, [follow, hostId, container.container_id]);

  // Keep the newest line in view while the user has not scrolled up.
  useEffect(() => {
    const el = box.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [lines]);

  const shown = useMemo(() => {
    const q = query.toLowerCase();
    return lines.filter((l) => (stream === 'all' || l.stream === stream) && (!q || l.text.toLowerCase().includes(q)));
  }, [lines, query, stream]);

  const download = () => {
    const text = lines.map((l) => `${l.ts ?? ''} ${l.stream} ${l.text}`.trim()).join('\n');
    downloadText(`${container.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`, text + '\n');
  };

  return (
    <Drawer
      title={t('logs.title', { name: container.name })}
      onClose={onClose}
      testId="logs-drawer"
      actions={
        <button type="button" class="btn" data-testid="logs-download" onClick={download}>
          <Icon name="download" size={16} /> {t('logs.download')}
        </button>
      }
    >
      <div class="flex flex-wrap items-center gap-2 border-b border-border px-4 py-2 text-sm">
        <label class="flex items-center gap-1">
          {t('logs.tail')}
          <select class="input !w-auto !py-1" value={tail} data-testid="logs-tail" onChange={(e) => setTail(Number((e.currentTarget as HTMLSelectElement).value))}>
            {TAILS.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
        <label class="flex items-center gap-1">
          <span class="sr-only">{t('logs.stream')}</span>
          <select class="input !w-auto !py-1" value={stream} data-testid="logs-stream" onChange={(e) => setStream((e.currentTarget as HTMLSelectElement).value as typeof stream)}>
            <option value="all">stdout + stderr</option>
            <option value="stdout">stdout</option>
            <option value="stderr">stderr</option>
          </select>
        </label>
        {live && (
          <label class="flex items-center gap-1">
            <input type="checkbox" checked={follow} data-testid="logs-follow" onChange={(e) => setFollow((e.currentTarget as HTMLInputElement).checked)} />
            {t('logs.follow')}
          </label>
        )}
        <label class="min-w-[10rem] flex-1">
          <span class="sr-only">{t('logs.search')}</span>
          <input class="input !py-1" type="search" placeholder={t('logs.search')} value={query} data-testid="logs-search"
            onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <LogCapture hostId={hostId} container={container} />
        <span class="text-xs text-muted" data-testid="logs-count">{t('logs.count', { n: shown.length, total: lines.length })}</span>
      </div>
      <div
        ref={box}
        class="mono min-h-0 flex-1 overflow-auto bg-panel-2 px-4 py-2 text-xs leading-5"
        role="log"
        aria-live="off"
        aria-label={t('logs.title', { name: container.name })}
        tabIndex={0}
        data-testid="logs-lines"
        onScroll={(e) => {
          const el = e.currentTarget as HTMLElement;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {loading && lines.length === 0 && <p class="text-muted">{t('common.loading')}</p>}
        {!loading && lines.length === 0 && <p class="text-muted">{t('logs.empty')}</p>}
        {shown.map((l, i) => (
          <div key={i} data-testid="log-line" data-stream={l.stream} class={`whitespace-pre-wrap break-all ${l.stream === 'stderr' ? 'text-err' : 'text-fg'}`}>
            {l.ts && <span class="mr-2 text-muted">{l.ts.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</span>}
            {l.text}
          </div>
        ))}
      </div>
    </Drawer>
  );
}
