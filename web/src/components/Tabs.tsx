/** Accessible tab list (arrow keys move between tabs). */
export interface TabDef { id: string; label: string; badge?: number }

export function Tabs(p: { tabs: TabDef[]; current: string; onSelect: (id: string) => void; label: string }) {
  const onKey = (e: KeyboardEvent) => {
    const i = p.tabs.findIndex((t) => t.id === p.current);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % p.tabs.length;
    if (e.key === 'ArrowLeft') next = (i - 1 + p.tabs.length) % p.tabs.length;
    if (e.key === 'Home') next = 0;
    if (e.key === 'End') next = p.tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    p.onSelect(p.tabs[next].id);
    const el = (e.currentTarget as HTMLElement).querySelector<HTMLElement>(`#tab-${p.tabs[next].id}`);
    el?.focus();
  };
  return (
    <div role="tablist" aria-label={p.label} class="flex gap-1 overflow-x-auto border-b border-border" onKeyDown={onKey}>
      {p.tabs.map((t) => {
        const sel = t.id === p.current;
        return (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            role="tab"
            type="button"
            aria-selected={sel}
            aria-controls={`panel-${t.id}`}
            tabIndex={sel ? 0 : -1}
            data-testid={`tab-${t.id}`}
            class={`-mb-px border-b-2 px-3 py-2 text-sm whitespace-nowrap ${sel ? 'border-accent font-semibold text-fg' : 'border-transparent text-muted hover:text-fg'}`}
            onClick={() => p.onSelect(t.id)}
          >
            {t.label}
            {t.badge ? <span class="ml-1.5 rounded-full bg-danger px-1.5 text-xs text-white">{t.badge}</span> : null}
          </button>
        );
      })}
    </div>
  );
}
