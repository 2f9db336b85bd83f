/**
 * Containers of one host, grouped by compose project (collapsible), filtered, virtualized.
 * Actions go through confirmations where they destroy or interrupt (remove, redeploy, kill).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { DockerContainer } from '../../../../src/core/types';
import type { ComposeAction, ContainerAction } from '../../api/api';
import { ConfirmDialog } from '../../components/Dialog';
import { useAction } from '../../components/hooks';
import { Icon } from '../../components/Icon';
import { lazy } from '../../components/Lazy';
import { VirtualRows } from '../../components/VirtualRows';
import { useServices } from '../../context';
import type { MessageKey } from '../../i18n';
import { NEEDS_CONFIRM } from './actions';
import { ContainerRow, ROW_HEIGHT, type ViewKind } from './ContainerRow';

const LogsDrawer = lazy(() => import('./LogsDrawer').then((m) => m.LogsDrawer));
const InspectDialog = lazy(() => import('./InspectDialog').then((m) => m.InspectDialog));
const StatsDialog = lazy(() => import('./StatsDialog').then((m) => m.StatsDialog));

type Row = { kind: 'group'; project: string; items: DockerContainer[] } | { kind: 'container'; c: DockerContainer };
const STANDALONE = '\u0000standalone';

export function buildRows(list: DockerContainer[], collapsed: Set<string>): Row[] {
  const groups = new Map<string, DockerContainer[]>();
  for (const c of list) {
    const k = c.compose_project ?? STANDALONE;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(c);
  }
  const keys = [...groups.keys()].sort((a, b) => (a === STANDALONE ? 1 : b === STANDALONE ? -1 : a.localeCompare(b)));
  const rows: Row[] = [];
  for (const k of keys) {
    const items = groups.get(k)!.sort((a, b) => a.name.localeCompare(b.name));
    rows.push({ kind: 'group', project: k, items });
    if (!collapsed.has(k)) for (const c of items) rows.push({ kind: 'container', c });
  }
  return rows;
}

export function ContainersTab({ hostId }: { hostId: number }) {
  const { docker, api, i18n, auth, toasts } = useServices();
  const { t } = i18n;
  const list = docker.containersFor(hostId).value;
  const [loading, setLoading] = useState(true);
  const [query, setQuery] = useState('');
  const [stateFilter, setStateFilter] = useState('');
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [confirm, setConfirm] = useState<{ c: DockerContainer; a: ContainerAction } | null>(null);
  const [removeOpts, setRemoveOpts] = useState({ force: false, volumes: false });
  const [view, setView] = useState<{ c: DockerContainer; v: ViewKind } | null>(null);
  const { busy, run } = useAction();
  // What the host's engine can do: no compose bulk buttons where it cannot act on a project.
  const caps = docker.hosts.value.find((h) => h.id === hostId)?.capabilities;

  useEffect(() => {
    setLoading(true);
    docker.loadContainers(hostId).catch((e) => toasts.error(e)).finally(() => setLoading(false));
  }, [hostId]);

  const filtered = useMemo(() => {
    const q = query.trim().toLowerCase();
    return list.filter((c) => (!stateFilter || c.state === stateFilter) &&
      (!q || c.name.toLowerCase().includes(q) || c.image.toLowerCase().includes(q) || (c.compose_project ?? '').toLowerCase().includes(q)));
  }, [list, query, stateFilter]);
  const rows = useMemo(() => buildRows(filtered, collapsed), [filtered, collapsed]);

  const perform = async (c: DockerContainer, a: ContainerAction) => {
    setConfirm(null);
    const res = await run(`${c.container_id}`, () =>
      api.containerAction(hostId, c.container_id, a, a === 'remove' ? removeOpts : undefined),
      t('action.done', { action: t(`action.${a}` as MessageKey), name: c.name }));
    if (!res) return;
    if (a === 'remove') docker.containersFor(hostId).value = docker.containersFor(hostId).value.filter((x) => x.container_id !== c.container_id);
    else docker.applyContainer(hostId, res.container);
  };
  const onAction = (c: DockerContainer, a: ContainerAction) => {
    if (NEEDS_CONFIRM.has(a)) {
      setRemoveOpts({ force: c.state === 'running', volumes: false });
      setConfirm({ c, a });
    } else void perform(c, a);
  };
  const compose = (project: string, a: ComposeAction) =>
    run(`compose:${project}`, async () => {
      await api.composeAction(hostId, project, a);
      await docker.loadContainers(hostId);
    }, t('compose.done', { action: t(`action.${a}` as MessageKey), project }));
  const toggle = (k: string) => {
    const next = new Set(collapsed);
    next.has(k) ? next.delete(k) : next.add(k);
    setCollapsed(next);
  };

  const states = [...new Set(list.map((c) => c.state))].sort();
  return (
    <div class="flex flex-col gap-2">
      <div class="flex flex-wrap gap-2">
        <label class="min-w-[12rem] flex-1">
          <span class="sr-only">{t('docker.filterContainers')}</span>
          <input class="input" type="search" placeholder={t('docker.filterContainers')} value={query} data-testid="container-filter"
            onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          <span class="sr-only">{t('docker.stateFilter')}</span>
          <select class="input !w-auto" value={stateFilter} data-testid="container-state-filter" onChange={(e) => setStateFilter((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('docker.allStates')}</option>
            {states.map((s) => <option key={s} value={s}>{i18n.tf(`state.${s}`, s)}</option>)}
          </select>
        </label>
        <span class="self-center text-sm text-muted" data-testid="container-count">{t('docker.containerCount', { n: filtered.length, total: list.length })}</span>
      </div>
      {loading && list.length === 0 ? <p class="text-sm text-muted">{t('common.loading')}</p> : list.length === 0 ? (
        <p class="text-sm text-muted">{t('docker.noContainers')}</p>
      ) : (
        <VirtualRows
          items={rows}
          rowHeight={ROW_HEIGHT}
          colSpan={8}
          label={t('tab.containers')}
          testId="containers-table"
          head={
            <thead>
              <tr>
                {(['name', 'image', 'state', 'health', 'ports', 'created', 'ip', 'actions'] as const).map((h) => <th key={h} scope="col">{t(`col.${h}` as MessageKey)}</th>)}
              </tr>
            </thead>
          }
          renderRow={(row) => row.kind === 'group' ? (
            <GroupRow key={`g:${row.project}`} project={row.project} items={row.items} collapsed={collapsed.has(row.project)}
              onToggle={() => toggle(row.project)} onCompose={compose} busy={busy === `compose:${row.project}`} canAct={auth.can('operator') && caps?.compose_actions !== false} />
          ) : (
            <ContainerRow key={row.c.container_id} c={row.c} busy={busy === row.c.container_id} onAction={onAction} onView={(c, v) => setView({ c, v })} />
          )}
        />
      )}
      {confirm && (
        <ConfirmDialog
          title={t(`confirm.${confirm.a}.title` as MessageKey, { name: confirm.c.name })}
          message={t(`confirm.${confirm.a}.body` as MessageKey, { name: confirm.c.name, project: confirm.c.compose_project ?? '' })}
          confirmLabel={t(`action.${confirm.a}` as MessageKey)}
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => void perform(confirm.c, confirm.a)}
        >
          {confirm.a === 'remove' && (
            <div class="mt-3 flex flex-col gap-2 text-sm">
              <label class="flex items-center gap-2"><input type="checkbox" data-testid="remove-force" checked={removeOpts.force}
                onChange={(e) => setRemoveOpts({ ...removeOpts, force: (e.currentTarget as HTMLInputElement).checked })} />{t('confirm.remove.force')}</label>
              <label class="flex items-center gap-2"><input type="checkbox" data-testid="remove-volumes" checked={removeOpts.volumes}
                onChange={(e) => setRemoveOpts({ ...removeOpts, volumes: (e.currentTarget as HTMLInputElement).checked })} />{t('confirm.remove.volumes')}</label>
            </div>
          )}
        </ConfirmDialog>
      )}
      {view?.v === 'logs' && <LogsDrawer hostId={hostId} container={view.c} onClose={() => setView(null)} />}
      {view?.v === 'inspect' && <InspectDialog hostId={hostId} container={view.c} onClose={() => setView(null)} />}
      {view?.v === 'stats' && <StatsDialog hostId={hostId} container={view.c} onClose={() => setView(null)} />}
    </div>
  );
}

function GroupRow(p: { project: string; items: DockerContainer[]; collapsed: boolean; onToggle: () => void; onCompose: (p: string, a: ComposeAction) => void; busy: boolean; canAct: boolean }) {
  const { i18n } = useServices();
  const { t } = i18n;
  const standalone = p.project === STANDALONE;
  const name = standalone ? t('docker.standalone') : p.project;
  const running = p.items.filter((c) => c.state === 'running').length;
  return (
    <tr style={{ height: `${ROW_HEIGHT}px` }} class="bg-panel-2" data-testid="compose-group" data-project={standalone ? '' : p.project}>
      <td colSpan={7}>
        <button type="button" class="inline-flex items-center gap-1 font-semibold" aria-expanded={!p.collapsed} data-testid="group-toggle" onClick={p.onToggle}>
          <Icon name={p.collapsed ? 'chevronRight' : 'chevronDown'} size={16} />
          {name}
          <span class="ml-2 text-xs font-normal text-muted">{t('docker.groupCount', { running, total: p.items.length })}</span>
        </button>
      </td>
      <td>
        {!standalone && p.canAct && (
          <div class="flex gap-0.5">
            {(['start', 'stop', 'restart'] as const).map((a) => (
              <button key={a} type="button" class="btn-icon" disabled={p.busy} data-testid={`compose-${a}`}
                title={t(`compose.${a}` as MessageKey)} aria-label={`${t(`compose.${a}` as MessageKey)} ${p.project}`} onClick={() => p.onCompose(p.project, a)}>
                <Icon name={a === 'start' ? 'play' : a === 'stop' ? 'stop' : 'restart'} size={16} />
              </button>
            ))}
          </div>
        )}
      </td>
    </tr>
  );
}
