/**
 * Collapsible JSON tree with search: nodes whose key or value matches are highlighted and their
 * parents opened; the whole document can be copied.
 */
import { useMemo, useState } from 'preact/hooks';
import { useServices } from '../context';
import { copyText } from './format';
import { Icon } from './Icon';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Paths (joined with "/") of every node that matches, and of all their ancestors. */
export function matchingPaths(value: Json, query: string): Set<string> {
  const out = new Set<string>();
  const q = query.toLowerCase();
  if (!q) return out;
  const walk = (v: Json, path: string[], key: string): boolean => {
    let hit = key.toLowerCase().includes(q);
    if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) if (walk(child as Json, [...path, k], k)) hit = true;
    } else if (String(v).toLowerCase().includes(q)) hit = true;
    if (hit) out.add(path.join('/'));
    return hit;
  };
  walk(value, [], '');
  return out;
}

/** How many keys or values match themselves (not counting the parents opened to show them). */
export function countHits(value: Json, query: string): number {
  const q = query.toLowerCase();
  if (!q) return 0;
  let n = 0;
  const walk = (v: Json, key: string | null) => {
    if (key !== null && key.toLowerCase().includes(q)) n++;
    if (v !== null && typeof v === 'object') for (const [k, child] of Object.entries(v)) walk(child as Json, Array.isArray(v) ? null : k);
    else if (String(v).toLowerCase().includes(q)) n++;
  };
  walk(value, null);
  return n;
}

function Node(p: { name: string | null; value: Json; path: string[]; depth: number; hits: Set<string>; query: string }) {
  const { i18n } = useServices();
  const key = p.path.join('/');
  const isObj = p.value !== null && typeof p.value === 'object';
  const [open, setOpen] = useState(p.depth < 1);
  const forced = p.query !== '' && p.hits.has(key);
  const expanded = isObj && (open || forced);
  const hit = p.query !== '' && p.hits.has(key) && (!isObj || (p.name ?? '').toLowerCase().includes(p.query.toLowerCase()));
  const label = p.name !== null ? <span class={`text-info ${hit ? 'bg-warn/30' : ''}`}>{p.name}: </span> : null;
  if (!isObj) {
    const v = p.value;
    const cls = typeof v === 'string' ? 'text-ok' : typeof v === 'number' ? 'text-warn' : 'text-muted';
    return (
      <div class="pl-5 break-all" role="treeitem" aria-level={p.depth + 1}>
        {label}
        <span class={`${cls} ${hit ? 'bg-warn/30' : ''}`}>{JSON.stringify(v)}</span>
      </div>
    );
  }
  const entries = Array.isArray(p.value) ? p.value.map((v, i) => [String(i), v] as const) : Object.entries(p.value as object);
  const brackets = Array.isArray(p.value) ? ['[', ']'] : ['{', '}'];
  return (
    <div role="treeitem" aria-level={p.depth + 1} aria-expanded={expanded}>
      <button
        type="button"
        class="inline-flex items-center text-left hover:underline"
        aria-label={`${expanded ? i18n.t('json.collapse') : i18n.t('json.expand')} ${p.name ?? 'root'}`}
        onClick={() => setOpen(!expanded)}
      >
        <Icon name={expanded ? 'chevronDown' : 'chevronRight'} size={14} />
        {label}
        <span class="text-muted">
          {brackets[0]}
          {expanded ? '' : ` ${entries.length} … ${brackets[1]}`}
        </span>
      </button>
      {expanded && (
        <div role="group" class="ml-3 border-l border-border pl-1">
          {entries.map(([k, v]) => (
            <Node key={k} name={k} value={v as Json} path={[...p.path, k]} depth={p.depth + 1} hits={p.hits} query={p.query} />
          ))}
          <div class="pl-5 text-muted">{brackets[1]}</div>
        </div>
      )}
    </div>
  );
}

export function JsonViewer({ value }: { value: unknown }) {
  const { i18n, toasts } = useServices();
  const [query, setQuery] = useState('');
  const hits = useMemo(() => matchingPaths(value as Json, query), [value, query]);
  const text = useMemo(() => JSON.stringify(value, null, 2), [value]);
  return (
    <div class="flex min-h-0 flex-col gap-2" data-testid="json-viewer">
      <div class="flex gap-2">
        <label class="relative flex-1">
          <span class="sr-only">{i18n.t('common.search')}</span>
          <input
            class="input"
            type="search"
            placeholder={i18n.t('common.search')}
            value={query}
            onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)}
            data-testid="json-search"
          />
        </label>
        <button
          type="button"
          class="btn"
          onClick={async () => {
            const ok = await copyText(text);
            toasts.push(ok ? 'success' : 'error', i18n.t(ok ? 'common.copied' : 'common.copyFailed'));
          }}
        >
          <Icon name="copy" size={16} /> {i18n.t('common.copy')}
        </button>
      </div>
      {query && <p class="text-xs text-muted" data-testid="json-matches">{i18n.t('json.matches', { n: countHits(value as Json, query) })}</p>}
      <div role="tree" aria-label="JSON" class="mono min-h-0 flex-1 overflow-auto rounded-md border border-border bg-panel-2 p-2 text-xs">
        <Node name={null} value={value as Json} path={[]} depth={0} hits={hits} query={query} />
      </div>
    </div>
  );
}
