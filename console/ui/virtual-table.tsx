import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export interface Column<T> {
  title: string;
  cell: (row: T) => JSX.Element | string | number;
  class?: string;
}

const OVERSCAN = 10;

/**
 * A real <table> that renders only the rows in view (plus a margin) between two spacer rows,
 * so 10,000 rows scroll as smoothly as 10. Rows have one fixed height.
 */
export function VirtualTable<T>(props: {
  label: string;
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  rowHeight?: number;
  height?: number;
  rowClass?: (row: T) => string | undefined;
}): JSX.Element {
  const rowHeight = props.rowHeight ?? 36;
  const height = props.height ?? 560;
  const scroller = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    let frame = 0;
    const onScroll = (): void => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setTop(el.scrollTop);
      });
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      el.removeEventListener('scroll', onScroll);
      if (frame) cancelAnimationFrame(frame);
    };
  }, []);
  const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
  const last = Math.min(props.rows.length, Math.ceil((top + height) / rowHeight) + OVERSCAN);
  const visible = props.rows.slice(first, last);
  const cols = props.columns.length;
  return (
    <div class="scroller" ref={scroller} style={{ maxHeight: `${height}px` }} tabIndex={0} role="region" aria-label={`${props.label} (scrollable)`}>
      <table class="grid" aria-rowcount={props.rows.length + 1}>
        <caption class="visually-hidden">{props.label}: {props.rows.length} rows</caption>
        <thead>
          <tr aria-rowindex={1}>{props.columns.map((c) => <th scope="col" class={c.class}>{c.title}</th>)}</tr>
        </thead>
        <tbody>
          {first > 0 && <tr aria-hidden="true" style={{ height: `${first * rowHeight}px` }}><td colSpan={cols} /></tr>}
          {visible.map((row, i) => (
            <tr key={props.rowKey(row)} aria-rowindex={first + i + 2} class={props.rowClass?.(row)} style={{ height: `${rowHeight}px` }}>
              {props.columns.map((c) => <td class={c.class}>{c.cell(row)}</td>)}
            </tr>
          ))}
          {last < props.rows.length && <tr aria-hidden="true" style={{ height: `${(props.rows.length - last) * rowHeight}px` }}><td colSpan={cols} /></tr>}
        </tbody>
      </table>
      {props.rows.length === 0 && <p class="empty">Nothing to show.</p>}
    </div>
  );
}
