/** Which of a grid's images are selected, for acting on several at once (a click toggles one, shift-click a range). */
import { useCallback, useRef, useState } from 'react';

/**
 * `selected` with `id` toggled; with `range`, every id from `anchor` (the last one toggled) to `id`, in the grid's
 * order, takes `id`'s new state, as in a file manager.
 */
export function toggled(selected: ReadonlySet<string>, order: readonly string[], anchor: string | null, id: string, range: boolean): Set<string> {
  const next = new Set(selected);
  const on = !selected.has(id);
  const from = range && anchor !== null ? order.indexOf(anchor) : -1;
  const to = order.indexOf(id);
  const span = from >= 0 && to >= 0 ? order.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
  for (const each of span) {
    if (on) next.add(each);
    else next.delete(each);
  }
  return next;
}

export interface Selection {
  selected: ReadonlySet<string>;
  toggle: (id: string, range: boolean) => void;
  selectAll: () => void;
  clear: () => void;
}

/** The selection among `order` (the ids shown, in the grid's order). */
export function useSelection(order: readonly string[]): Selection {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const anchor = useRef<string | null>(null);
  const toggle = useCallback(
    (id: string, range: boolean) => {
      // Read now: the updater runs later, after the anchor has moved to `id`.
      const from = anchor.current;
      setSelected((now) => toggled(now, order, from, id, range));
      anchor.current = id;
    },
    [order],
  );
  const selectAll = useCallback(() => setSelected(new Set(order)), [order]);
  const clear = useCallback(() => {
    anchor.current = null;
    setSelected(new Set());
  }, []);
  return { selected, toggle, selectAll, clear };
}
