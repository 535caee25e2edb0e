import type { Child, FC } from 'hono/jsx';
import type { FieldError } from '../domain/errors.ts';
import { csrfToken, type Session } from './session.ts';
import { describedBy, Field } from './components.tsx';

/**
 * GOV.UK form patterns, once: the error summary, labelled inputs, fieldsets of radios and
 * checkboxes, selects, and the CSRF token every form carries. A field's id is its API path with
 * dots as dashes (`child.age` → `child-age`), so an error the hub raises for a path links to the
 * field that holds it.
 */

export const fieldId = (path: string): string => path.replace(/[^A-Za-z0-9]+/g, '-');

export interface FormErrors {
  /** path → message */
  byPath: Map<string, string>;
  list: FieldError[];
}

export function formErrors(errors: readonly FieldError[] = []): FormErrors {
  const byPath = new Map<string, string>();
  for (const e of errors) if (!byPath.has(e.path)) byPath.set(e.path, e.message);
  return { byPath, list: [...errors] };
}

/** The error for a field, or for anything under it (`child.needs.0` shows on `child.needs`). */
export function errorFor(errors: FormErrors | undefined, path: string): string | undefined {
  if (!errors) return undefined;
  if (errors.byPath.has(path)) return errors.byPath.get(path);
  for (const [p, m] of errors.byPath) if (p.startsWith(`${path}.`)) return m;
  return undefined;
}

export const Csrf: FC<{ session: Session }> = ({ session }) => <input type="hidden" name="csrf" value={csrfToken(session)} />;

/** The error summary: first on the page, focused by GOV.UK Frontend, each error a link to its field. */
export const ErrorSummary: FC<{ errors?: FormErrors | undefined; detail?: string | undefined; fields?: readonly string[] }> = ({ errors, detail, fields = [] }) => {
  if (!errors?.list.length && !detail) return null;
  const link = (path: string) => fields.find((f) => path === f || path.startsWith(`${f}.`)) ?? fields[0];
  return (
    <div class="govuk-error-summary" data-module="govuk-error-summary">
      <div role="alert">
        <h2 class="govuk-error-summary__title">There is a problem</h2>
        <div class="govuk-error-summary__body">
          {detail ? <p class="govuk-body">{detail}</p> : null}
          <ul class="govuk-list govuk-error-summary__list">
            {(errors?.list ?? []).map((e) => {
              const target = link(e.path);
              return <li>{target ? <a href={`#${fieldId(target)}`}>{`${e.message} (${e.path})`}</a> : `${e.message} (${e.path})`}</li>;
            })}
          </ul>
        </div>
      </div>
    </div>
  );
};

export interface InputProps {
  name: string;
  /** The field's id when one page has the field more than once (one form per table row); else from its name. */
  id?: string;
  label: string;
  value?: string | number | undefined;
  hint?: string;
  type?: 'text' | 'number' | 'date' | 'datetime-local';
  width?: 2 | 3 | 4 | 5 | 10 | 20;
  errors?: FormErrors | undefined;
  inputmode?: 'numeric' | 'decimal';
  autocomplete?: string;
  required?: boolean;
}

export const Input: FC<InputProps> = ({ name, id: given, label, value, hint, type = 'text', width, errors, inputmode, autocomplete, required }) => {
  const id = given ?? fieldId(name);
  const error = errorFor(errors, name);
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <input
        class={`govuk-input${width ? ` govuk-input--width-${width}` : ''}${error ? ' govuk-input--error' : ''}`}
        id={id} name={name} type={type} value={value === undefined ? '' : String(value)}
        aria-describedby={describedBy(id, hint, error)} inputmode={inputmode} autocomplete={autocomplete} spellcheck={type === 'text' ? false : undefined}
        required={required}
      />
    </Field>
  );
};

export interface Option {
  value: string;
  text: string;
  hint?: string;
}

export const Textarea: FC<{ name: string; label: string; value?: string | undefined; hint?: string; errors?: FormErrors | undefined }> = ({ name, label, value, hint, errors }) => {
  const id = fieldId(name);
  const error = errorFor(errors, name);
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <textarea class={`govuk-textarea${error ? ' govuk-textarea--error' : ''}`} id={id} name={name} rows={3} aria-describedby={describedBy(id, hint, error)}>{value ?? ''}</textarea>
    </Field>
  );
};

/** Radios or checkboxes in a fieldset with a legend; the first input carries the field's id. */
export const Choices: FC<{
  kind: 'radios' | 'checkboxes';
  name: string;
  legend: string;
  options: readonly Option[];
  checked?: readonly string[] | string | undefined;
  hint?: string;
  errors?: FormErrors | undefined;
  small?: boolean;
  inline?: boolean;
}> = ({ kind, name, legend, options, checked, hint, errors, small, inline }) => {
  const id = fieldId(name);
  const error = errorFor(errors, name);
  const on = new Set(typeof checked === 'string' ? [checked] : (checked ?? []));
  const k = kind === 'radios' ? 'radios' : 'checkboxes';
  return (
    <Field id={id} legend={legend} hint={hint} error={error}>
      <div class={`govuk-${k}${small ? ` govuk-${k}--small` : ''}${inline ? ` govuk-${k}--inline` : ''}`} data-module={`govuk-${k}`}>
        {options.map((o, i) => {
          const oid = i === 0 ? id : `${id}-${i + 1}`;
          return (
            <div class={`govuk-${k}__item`}>
              <input class={`govuk-${k}__input`} id={oid} name={name} type={kind === 'radios' ? 'radio' : 'checkbox'} value={o.value} checked={on.has(o.value)} aria-describedby={o.hint ? `${oid}-item-hint` : undefined} />
              <label class={`govuk-label govuk-${k}__label`} for={oid}>{o.text}</label>
              {o.hint ? <div id={`${oid}-item-hint`} class={`govuk-hint govuk-${k}__hint`}>{o.hint}</div> : null}
            </div>
          );
        })}
      </div>
    </Field>
  );
};

export const Select: FC<{ name: string; id?: string; label: string; options: readonly Option[]; value?: string | undefined; hint?: string; errors?: FormErrors | undefined }> = ({ name, id: given, label, options, value, hint, errors }) => {
  const id = given ?? fieldId(name);
  const error = errorFor(errors, name);
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <select class={`govuk-select${error ? ' govuk-select--error' : ''}`} id={id} name={name} aria-describedby={describedBy(id, hint, error)}>
        {options.map((o) => <option value={o.value} selected={o.value === value}>{o.text}</option>)}
      </select>
    </Field>
  );
};

export const Button: FC<{ children?: Child; secondary?: boolean; warning?: boolean; name?: string; value?: string }> = ({ children, secondary, warning, name, value }) => (
  <button type="submit" class={`govuk-button${secondary ? ' govuk-button--secondary' : ''}${warning ? ' govuk-button--warning' : ''}`} data-module="govuk-button" name={name} value={value}>{children}</button>
);

/** A POST form with the session's CSRF token. */
export const Form: FC<{ action: string; session: Session; children?: Child; novalidate?: boolean }> = ({ action, session, children, novalidate = true }) => (
  <form method="post" action={action} novalidate={novalidate}>
    <Csrf session={session} />
    {children}
  </form>
);

/** The summary list lives with the other components; re-exported for the pages that import it from here. */
export { SummaryList } from './components.tsx';

export const Tag: FC<{ colour?: 'grey' | 'green' | 'turquoise' | 'blue' | 'light-blue' | 'purple' | 'pink' | 'red' | 'orange' | 'yellow'; children?: Child }> = ({ colour, children }) => (
  <strong class={`govuk-tag${colour ? ` govuk-tag--${colour}` : ''}`}>{children}</strong>
);
