/**
 * Renders only the rows of a long table that are in view (plus a margin), with spacer rows keeping
 * the scroll height right: a host with 500 containers scrolls as smoothly as one with 5.
 * Rows have a fixed height; the table keeps its <table> semantics for screen readers.
 */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface VirtualRowsProps<T> {
  items: T[];
  rowHeight: number;
  /** Rendered as the <thead>. */
  head: ComponentChildren;
  renderRow: (item: T, index: number) => ComponentChildren;
  colSpan: number;
  maxHeight?: string;
  overscan?: number;
  testId?: string;
  label?: string;
}

/** Used when the scroller has no layout yet (first render, or a DOM without layout). */
const FALLBACK_VIEWPORT = 720;

export function windowFor(count: number, scrollTop: number, viewport: number, rowHeight: number, overscan: number) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const visible = Math.ceil((viewport || FALLBACK_VIEWPORT) / rowHeight) + overscan * 2;
  const last = Math.min(count, first + visible);
  return { first, last };
}

export function VirtualRows<T>(p: VirtualRowsProps<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(0);
  const overscan = p.overscan ?? 8;

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setViewport(el.clientHeight);
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const { first, last } = windowFor(p.items.length, scrollTop, viewport, p.rowHeight, overscan);
  const top = first * p.rowHeight;
  const bottom = (p.items.length - last) * p.rowHeight;
  let raf = 0;
  const onScroll = (e: Event) => {
    const st = (e.currentTarget as HTMLElement).scrollTop;
    if (typeof requestAnimationFrame !== 'function') return setScrollTop(st);
    cancelAnimationFrame(raf);
    raf = requestAnimationFrame(() => setScrollTop(st));
  };
  return (
    <div ref={ref} class="overflow-auto rounded-md border border-border" style={{ maxHeight: p.maxHeight ?? '70vh' }} onScroll={onScroll} data-testid={p.testId}>
      <table class="tbl" aria-label={p.label} aria-rowcount={p.items.length + 1}>
        {p.head}
        <tbody>
          {top > 0 && (
            <tr aria-hidden="true" style={{ height: `${top}px` }}>
              <td colSpan={p.colSpan} class="!border-0 !p-0" />
            </tr>
          )}
          {p.items.slice(first, last).map((item, i) => p.renderRow(item, first + i))}
          {bottom > 0 && (
            <tr aria-hidden="true" style={{ height: `${bottom}px` }}>
              <td colSpan={p.colSpan} class="!border-0 !p-0" />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
