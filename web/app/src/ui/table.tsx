// A table of rows with a caption, in a scroll box a keyboard can reach (tablets are narrow).
import type { ComponentChildren } from "preact";

export interface Column<R> {
  title: string;
  cell: (row: R) => ComponentChildren;
  numeric?: boolean;
}

export function DataTable<R>(props: { caption: string; columns: Column<R>[]; rows: R[]; rowKey: (row: R) => string;
                                     empty?: string; rowClass?: (row: R) => string }) {
  const { caption, columns, rows, rowKey, empty, rowClass } = props;
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead><tr>{columns.map((c) => <th scope="col" key={c.title} class={c.numeric ? "num" : ""}>{c.title}</th>)}</tr></thead>
        <tbody>
          {rows.length === 0 ? <tr><td colSpan={columns.length} class="muted">{empty ?? "—"}</td></tr> : rows.map((row) => (
            <tr key={rowKey(row)} class={rowClass?.(row) ?? ""}>
              {columns.map((c) => <td key={c.title} class={c.numeric ? "num" : ""}>{c.cell(row)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
