"use client";
// A table shell over @tanstack/react-table: the look (dense rows, sticky-free headers,
// sort buttons with aria-sort), an empty state, and a phone layout. Pages bring the
// columns and the data; this file knows nothing about tokens or audit events.
//
// On screens narrower than `md` a wide table is unreadable, so each row becomes a card:
// the column marked `mobile: "title"` heads it, `"actions"` sit at its foot, `"hidden"`
// columns are left out and the rest are label/value pairs (label = `meta.label` or the
// header when it is a string). Both layouts are rendered and one is display:none, so the
// hidden one is also hidden from screen readers and from Playwright's role queries.
//
// Sorting is client-side by default; pass `sorting`, `onSortingChange` and
// `manualSorting` to sort on the server instead (the audit viewer does).
import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type Cell,
  type ColumnDef,
  type Header,
  type OnChangeFn,
  type RowData,
  type SortingState,
} from "@tanstack/react-table";
import { useState, type ReactNode } from "react";
import { cx } from "@/components/cx";

/** Per-column presentation, set as `meta` on a column definition. */
export type DataTableColumnMeta = {
  /** classes for the column's <td>s (and <th>, unless headerClassName is given) */
  className?: string;
  headerClassName?: string;
  /** the label in the phone layout; defaults to the header when it is a string */
  label?: string;
  mobile?: "title" | "field" | "actions" | "hidden";
  /** header text for screen readers when the visible header is empty (e.g. actions) */
  srHeader?: string;
};

function metaOf(column: { columnDef: { meta?: unknown } }): DataTableColumnMeta {
  return (column.columnDef.meta as DataTableColumnMeta | undefined) ?? {};
}

export type DataTableProps<T extends RowData> = {
  data: T[];
  // `any`: each column has its own value type, which TanStack's own examples erase the same way
  columns: ColumnDef<T, any>[];
  getRowId?: (row: T, index: number) => string;
  /** what the table is, for screen readers (visually hidden) */
  caption: string;
  /** shown instead of the rows when there are none */
  empty?: ReactNode;
  initialSorting?: SortingState;
  sorting?: SortingState;
  onSortingChange?: OnChangeFn<SortingState>;
  manualSorting?: boolean;
  rowClassName?: (row: T) => string | undefined;
  /** e.g. data-testid, per row; told which layout so test ids stay unique */
  rowAttributes?: (row: T, layout: "table" | "cards") => Record<string, string>;
  className?: string;
};

function SortIcon({ direction }: { direction: false | "asc" | "desc" }) {
  return (
    <svg
      viewBox="0 0 20 20"
      fill="currentColor"
      className={cx("size-3.5 shrink-0", direction ? "text-ink" : "text-ink-subtle/60")}
      aria-hidden="true"
    >
      {direction === "asc" ? (
        <path
          fillRule="evenodd"
          d="M10 5a.75.75 0 0 1 .55.24l3.75 4a.75.75 0 0 1-1.1 1.02L10 6.85 6.8 10.26a.75.75 0 0 1-1.1-1.02l3.75-4A.75.75 0 0 1 10 5Z"
          clipRule="evenodd"
        />
      ) : direction === "desc" ? (
        <path
          fillRule="evenodd"
          d="M10 15a.75.75 0 0 1-.55-.24l-3.75-4a.75.75 0 1 1 1.1-1.02L10 13.15l3.2-3.41a.75.75 0 1 1 1.1 1.02l-3.75 4A.75.75 0 0 1 10 15Z"
          clipRule="evenodd"
        />
      ) : (
        <path
          fillRule="evenodd"
          d="M10 3a.75.75 0 0 1 .55.24l3.25 3.5a.75.75 0 1 1-1.1 1.02L10 4.85 7.3 7.76a.75.75 0 0 1-1.1-1.02l3.25-3.5A.75.75 0 0 1 10 3Zm-3.76 9.2a.75.75 0 0 1 1.06.04L10 15.15l2.7-2.91a.75.75 0 1 1 1.1 1.02l-3.25 3.5a.75.75 0 0 1-1.1 0l-3.25-3.5a.75.75 0 0 1 .04-1.06Z"
          clipRule="evenodd"
        />
      )}
    </svg>
  );
}

function HeaderCell<T>({ header }: { header: Header<T, unknown> }) {
  const meta = metaOf(header.column);
  const sorted = header.column.getIsSorted();
  const content = header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext());
  return (
    <th
      scope="col"
      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
      className={cx(
        "whitespace-nowrap px-3 py-2.5 text-left text-xs font-medium uppercase tracking-wide text-ink-subtle first:pl-5 last:pr-5",
        meta.headerClassName ?? meta.className,
      )}
    >
      {header.column.getCanSort() ? (
        <button
          type="button"
          onClick={header.column.getToggleSortingHandler()}
          className="-mx-1 inline-flex items-center gap-1 rounded px-1 uppercase hover:text-ink"
        >
          {content}
          <SortIcon direction={sorted} />
        </button>
      ) : (
        <>
          {content}
          {meta.srHeader ? <span className="sr-only">{meta.srHeader}</span> : null}
        </>
      )}
    </th>
  );
}

function renderCell<T>(cell: Cell<T, unknown>) {
  return flexRender(cell.column.columnDef.cell, cell.getContext());
}

export function DataTable<T extends RowData>({
  data,
  columns,
  getRowId,
  caption,
  empty,
  initialSorting = [],
  sorting: controlledSorting,
  onSortingChange,
  manualSorting,
  rowClassName,
  rowAttributes,
  className,
}: DataTableProps<T>) {
  const [localSorting, setLocalSorting] = useState<SortingState>(initialSorting);
  const sorting = controlledSorting ?? localSorting;
  const table = useReactTable({
    data,
    columns,
    getRowId,
    state: { sorting },
    onSortingChange: onSortingChange ?? setLocalSorting,
    manualSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: manualSorting ? undefined : getSortedRowModel(),
    enableSortingRemoval: false,
  });
  const rows = table.getRowModel().rows;

  if (rows.length === 0 && empty) return <div className={className}>{empty}</div>;

  return (
    <div className={className}>
      {/* wide screens: a real table */}
      <div className="hidden overflow-x-auto md:block">
        <table className="w-full border-collapse text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead className="border-b border-line bg-zinc-50/70">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => (
                  <HeaderCell key={header.id} header={header} />
                ))}
              </tr>
            ))}
          </thead>
          <tbody className="divide-y divide-line">
            {rows.map((row) => (
              <tr
                key={row.id}
                className={cx("align-top transition-colors hover:bg-zinc-50/60", rowClassName?.(row.original))}
                {...rowAttributes?.(row.original, "table")}
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className={cx("px-3 py-3 first:pl-5 last:pr-5", metaOf(cell.column).className)}>
                    {renderCell(cell)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {/* phones: one card per row */}
      <ul className="divide-y divide-line md:hidden" aria-label={caption}>
        {rows.map((row) => {
          const cells = row.getVisibleCells();
          const title = cells.filter((c) => metaOf(c.column).mobile === "title");
          const actions = cells.filter((c) => metaOf(c.column).mobile === "actions");
          const fields = cells.filter((c) => !metaOf(c.column).mobile || metaOf(c.column).mobile === "field");
          return (
            <li
              key={row.id}
              className={cx("space-y-3 px-4 py-4", rowClassName?.(row.original))}
              {...rowAttributes?.(row.original, "cards")}
            >
              {title.map((cell) => (
                <div key={cell.id}>{renderCell(cell)}</div>
              ))}
              {fields.length > 0 ? (
                <dl className="grid grid-cols-[minmax(5.5rem,auto)_1fr] gap-x-4 gap-y-2 text-sm">
                  {fields.map((cell) => {
                    const meta = metaOf(cell.column);
                    const header = cell.column.columnDef.header;
                    const label = meta.label ?? (typeof header === "string" ? header : cell.column.id);
                    return (
                      <div key={cell.id} className="contents">
                        <dt className="text-ink-subtle">{label}</dt>
                        <dd className="min-w-0 text-ink">{renderCell(cell)}</dd>
                      </div>
                    );
                  })}
                </dl>
              ) : null}
              {actions.length > 0 ? (
                <div className="flex flex-wrap justify-end gap-2">
                  {actions.map((cell) => (
                    <div key={cell.id}>{renderCell(cell)}</div>
                  ))}
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
