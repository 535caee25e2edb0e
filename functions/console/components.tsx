import type { Child, FC } from 'hono/jsx';

/**
 * The console's small GOV.UK Design System components, each written once (issue 14): a table with
 * its caption and head, a summary list, a summary card, a form group (label or legend, hint and
 * error message, as GOV.UK's macros render them), a "next page" link and the start page's list of
 * journeys. Pages pass data; the markup and its classes live here. The shapes follow GOV.UK's own
 * Nunjucks macros (`govukTable` head/rows/firstCellIsHeader, `govukSummaryList` rows).
 */

// ---------------------------------------------------------------- table

/** A column: its heading, whether its cells are numbers (right-aligned), and its sort state (MoJ sortable table). */
export interface Column {
  text: Child;
  numeric?: boolean;
  sort?: 'none' | 'ascending' | 'descending';
}

/** A cell with the value the MoJ sortable table sorts it by. */
export class Sorted {
  constructor(readonly value: Child, readonly by: string | number) {}
}
export const sortBy = (value: Child, by: string | number): Sorted => new Sorted(value, by);

export type Cell = Child | Sorted;
/** A row: its cells, or its cells with an id (a fragment the page may link to) and whether it is new since the person's last visit (`data-new`). */
export type Row = readonly Cell[] | { id?: string; isNew?: boolean; cells: readonly Cell[] };

export interface TableProps {
  caption: Child;
  /** GOV.UK caption size: s inside a card or section, m for a page's main table. */
  captionSize?: 's' | 'm' | 'l';
  head: readonly (string | Column)[];
  rows: readonly Row[];
  /** Each row's first cell is its header (`<th scope="row">`), as in a comparison table. */
  firstCellIsHeader?: boolean;
  /** Made sortable by MoJ Frontend's script (without JavaScript the rows keep the server's order). */
  sortable?: boolean;
  /** Wide tables scroll sideways in a focusable region with this name instead of overflowing the page. */
  scrollLabel?: string;
  /** A name tests find the table by (`data-testid`). */
  testid?: string;
}

const column = (h: string | Column): Column => (typeof h === 'string' ? { text: h } : h);

export const Table: FC<TableProps> = ({ caption, captionSize = 'm', head, rows, firstCellIsHeader, sortable, scrollLabel, testid }) => {
  const columns = head.map(column);
  const table = (
    <table class="govuk-table" data-module={sortable ? 'moj-sortable-table' : undefined} data-testid={testid}>
      <caption class={`govuk-table__caption govuk-table__caption--${captionSize}`}>{caption}</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          {columns.map((h) => (
            <th scope="col" class={`govuk-table__header${h.numeric ? ' govuk-table__header--numeric' : ''}`} aria-sort={h.sort}>{h.text}</th>
          ))}
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {rows.map((row) => {
          const { id, isNew, cells } = Array.isArray(row) ? { id: undefined, isNew: false, cells: row as readonly Cell[] } : (row as Exclude<Row, readonly Cell[]>);
          return (
            <tr class="govuk-table__row" id={id} data-new={isNew ? 'true' : undefined}>
              {cells.map((cell, i) => {
                const [value, by] = cell instanceof Sorted ? [cell.value, String(cell.by)] : [cell, undefined];
                if (i === 0 && firstCellIsHeader) return <th scope="row" class="govuk-table__header" data-sort-value={by}>{value}</th>;
                return <td class={`govuk-table__cell${columns[i]?.numeric ? ' govuk-table__cell--numeric' : ''}`} data-sort-value={by}>{value}</td>;
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
  return scrollLabel ? <div class="app-table-scroll" tabindex={0} role="region" aria-label={scrollLabel}>{table}</div> : table;
};

// ---------------------------------------------------------------- summary list and card

export const SummaryList: FC<{ rows: readonly (readonly [string, Child])[] }> = ({ rows }) => (
  <dl class="govuk-summary-list">
    {rows.map(([k, v]) => (
      <div class="govuk-summary-list__row">
        <dt class="govuk-summary-list__key">{k}</dt>
        <dd class="govuk-summary-list__value">{v}</dd>
      </div>
    ))}
  </dl>
);

/** A summary card: a titled box (heading level `level`) with optional actions and any content. */
export const SummaryCard: FC<{ title: Child; level?: 2 | 3; actions?: readonly Child[]; id?: string; children?: Child }> = ({ title, level = 2, actions = [], id, children }) => (
  <div class="govuk-summary-card" id={id}>
    <div class="govuk-summary-card__title-wrapper">
      {level === 3 ? <h3 class="govuk-summary-card__title">{title}</h3> : <h2 class="govuk-summary-card__title">{title}</h2>}
      {actions.length ? <ul class="govuk-summary-card__actions">{actions.map((a) => <li class="govuk-summary-card__action">{a}</li>)}</ul> : null}
    </div>
    <div class="govuk-summary-card__content">{children}</div>
  </div>
);

// ---------------------------------------------------------------- form group

/** The ids a control is described by: its hint, then its error (GOV.UK's order). */
export const describedBy = (id: string, hint?: string, error?: string): string | undefined =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

export interface FieldProps {
  /** The control's id (the first control's, for a fieldset). */
  id: string;
  /** A label for one control … */
  label?: string;
  /** … or a legend for a fieldset of radios or checkboxes. */
  legend?: string;
  hint?: string | undefined;
  error?: string | undefined;
  children?: Child;
}

/**
 * One GOV.UK form group: the label (or fieldset and legend), the hint, the error message with its
 * visually hidden "Error:" prefix, and the control; the group is marked when in error. The control
 * itself carries `aria-describedby={describedBy(id, hint, error)}` (a fieldset carries it here).
 */
export const Field: FC<FieldProps> = ({ id, label, legend, hint, error, children }) => {
  const inner = (
    <>
      {hint ? <div id={`${id}-hint`} class="govuk-hint">{hint}</div> : null}
      {error ? (
        <p id={`${id}-error`} class="govuk-error-message">
          <span class="govuk-visually-hidden">Error:</span> {error}
        </p>
      ) : null}
      {children}
    </>
  );
  return (
    <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      {legend !== undefined ? (
        <fieldset class="govuk-fieldset" aria-describedby={describedBy(id, hint, error)}>
          <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{legend}</legend>
          {inner}
        </fieldset>
      ) : (
        <>
          <label class="govuk-label" for={id}>{label}</label>
          {inner}
        </>
      )}
    </div>
  );
};

// ---------------------------------------------------------------- navigation

/** "Next page" (GOV.UK pagination), to `base` with the cursor; nothing on the last page. */
export const Pager: FC<{ base: string; nextCursor?: string | undefined; query?: string; label?: string }> = ({ base, nextCursor, query, label = 'Pages' }) =>
  nextCursor ? (
    <nav class="govuk-pagination" aria-label={label}>
      <div class="govuk-pagination__next">
        <a class="govuk-link govuk-pagination__link" href={`${base}?${query ? `${query}&` : ''}cursor=${encodeURIComponent(nextCursor)}`} rel="next">
          <span class="govuk-pagination__link-title">Next page</span>
        </a>
      </div>
    </nav>
  ) : null;

/** A start page: the journeys a person may take, as links. */
export const StartPage: FC<{ links: readonly { href: string; text: string }[] }> = ({ links }) => (
  <>
    <h1 class="govuk-heading-l">What do you want to do?</h1>
    {links.length ? (
      <ul class="govuk-list">{links.map((l) => <li><a class="govuk-link" href={l.href}>{l.text}</a></li>)}</ul>
    ) : <p class="govuk-body">There is nothing here for your organisation yet.</p>}
  </>
);
