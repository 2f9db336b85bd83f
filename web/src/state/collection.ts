/** Small helpers for lists kept in signals and updated in place by WebSocket messages. */
import type { Signal } from '@preact/signals';

/** Replace the item with the same key, or add it (at the front when `prepend`). */
export function upsert<T>(list: Signal<T[]>, item: T, key: (x: T) => unknown, prepend = false): void {
  const k = key(item);
  const cur = list.value;
  const i = cur.findIndex((x) => key(x) === k);
  if (i >= 0) {
    const next = cur.slice();
    next[i] = item;
    list.value = next;
  } else {
    list.value = prepend ? [item, ...cur] : [...cur, item];
  }
}

export function removeWhere<T>(list: Signal<T[]>, pred: (x: T) => boolean): void {
  const next = list.value.filter((x) => !pred(x));
  if (next.length !== list.value.length) list.value = next;
}
