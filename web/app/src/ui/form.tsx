// Forms declared as data. Each field is named by the body field it fills (`vitals.temperature_celsius`,
// `lines.0.doses`), so a service's problem+json `field` lands next to the input that caused it - with its
// `detail` and `rule` - and whatever the problem names that no input shows goes in the box at the top.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { Problem, Unreachable, localProblem } from "../api/problem";
import { type Key, t } from "../i18n";
import { ProblemBox } from "./problem";

export type Row = Record<string, string | boolean>;
export type Values = Record<string, string | boolean | File | null | Row[]>;

export interface Option {
  value: string;
  label: string;
}

export interface FieldSpec {
  name: string;
  label: Key;
  type?: "text" | "number" | "decimal" | "date" | "datetime" | "select" | "checkbox" | "textarea" | "file" | "lines";
  options?: Option[];
  required?: boolean;
  hint?: string;
  suggestions?: string[];
  columns?: FieldSpec[];
  min?: number;
  max?: number;
  accept?: string;
  autocomplete?: string;
}

export interface FormProps {
  id: string;
  fields: FieldSpec[];
  initial?: Values;
  submit: Key;
  onSubmit: (values: Values) => Promise<ComponentChildren | void>;
  disabled?: boolean;
  children?: ComponentChildren;
  resetOnSuccess?: boolean;
  secondary?: ComponentChildren;
  /** A filter or a lookup: no "saved" message after it. */
  silent?: boolean;
  /** Told every change, e.g. to show more fields when a choice is made. */
  onChange?: (values: Values) => void;
}

export const fieldId = (form: string, name: string) => `${form}-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;

function blankRow(columns: FieldSpec[] = []): Row {
  return Object.fromEntries(columns.map((c) => [c.name, c.type === "checkbox" ? false : ""]));
}

function initialValues(fields: FieldSpec[], given: Values = {}): Values {
  const values: Values = {};
  for (const field of fields) {
    if (field.name in given) values[field.name] = given[field.name];
    else if (field.type === "checkbox") values[field.name] = false;
    else if (field.type === "lines") values[field.name] = [blankRow(field.columns)];
    else if (field.type === "file") values[field.name] = null;
    else values[field.name] = field.type === "select" && field.required && field.options?.length ? field.options[0].value : "";
  }
  return values;
}

function missing(fields: FieldSpec[], values: Values): Problem | null {
  for (const field of fields) {
    const value = values[field.name];
    if (field.required && (value === "" || value === null || value === undefined)) {
      return localProblem(field.name, t("form.required", { field: t(field.label) }));
    }
  }
  return null;
}

export function Form(props: FormProps) {
  const { id, fields, submit, onSubmit, disabled, children, resetOnSuccess, secondary, onChange, silent } = props;
  const [values, setValues] = useState<Values>(() => initialValues(fields, props.initial));
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<ComponentChildren | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (name: string, value: Values[string]) => {
    const next = { ...values, [name]: value };
    setValues(next);
    onChange?.(next);
  };

  const problem = error instanceof Problem ? error : null;
  const messageFor = (name: string) => problem?.forField(name);
  const names = fieldNames(fields, values);
  const placed = problem !== null && ((problem.field !== undefined && names.has(problem.field))
    || problem.errors.some((e) => names.has(e.field)));

  const submitForm = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setDone(null);
    const local = missing(fields, values);
    if (local) {
      setError(local);
      return;
    }
    setBusy(true);
    try {
      const outcome = await onSubmit(values);
      setDone(outcome ?? (silent ? null : t("form.done")));
      if (resetOnSuccess) setValues(initialValues(fields, props.initial));
    } catch (caught) {
      if (!(caught instanceof Problem) && !(caught instanceof Unreachable)) console.error(caught);
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const rendered = fields.map((field) => (
    <FieldView key={field.name} form={id} field={field} value={values[field.name]} message={messageFor}
               onChange={(value) => set(field.name, value)} />
  ));
  return (
    <form id={id} class="form" onSubmit={submitForm} noValidate>
      {error && !placed ? <ProblemBox error={error} /> : null}
      {placed ? <p class="problem-summary" role="alert">{t("form.fixFields")}</p> : null}
      {rendered}
      {children}
      <div class="actions">
        <button type="submit" class="primary" disabled={disabled || busy}>{busy ? t("form.sending") : t(submit)}</button>
        {secondary}
      </div>
      {done && !error ? <div class="done" role="status">{done}</div> : null}
    </form>
  );
}

/** Every name an input of the form carries: the fields, and each cell of each line (`lines.0.doses`). */
function fieldNames(fields: FieldSpec[], values: Values): Set<string> {
  const names = new Set<string>();
  for (const field of fields) {
    names.add(field.name);
    if (field.type !== "lines") continue;
    ((values[field.name] as Row[]) ?? []).forEach((_, index) =>
      (field.columns ?? []).forEach((column) => names.add(`${field.name}.${index}.${column.name}`)));
  }
  return names;
}

function FieldView(props: { form: string; field: FieldSpec; value: Values[string]; message: (name: string) => string | undefined;
                            onChange: (value: Values[string]) => void }) {
  const { form, field, value, message, onChange } = props;
  if (field.type === "lines") return <LinesView {...props} rows={(value as Row[]) ?? []} />;
  const id = fieldId(form, field.name);
  const error = message(field.name);
  const described = [field.hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const label = `${t(field.label)}${field.required ? " *" : ""}`;
  return (
    <div class={`field${error ? " invalid" : ""}${field.type === "checkbox" ? " check" : ""}`}>
      {field.type === "checkbox" ? null : <label for={id}>{label}</label>}
      <Input id={id} field={field} value={value} onChange={onChange} described={described} invalid={!!error} />
      {field.type === "checkbox" ? <label for={id}>{label}</label> : null}
      {field.hint ? <p class="hint" id={`${id}-hint`}>{field.hint}</p> : null}
      {error ? <p class="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

function Input(props: { id: string; field: FieldSpec; value: Values[string]; onChange: (value: Values[string]) => void;
                        described?: string; invalid: boolean; label?: string }) {
  const { id, field, value, onChange, described, invalid, label } = props;
  const common = { id, name: field.name, "aria-describedby": described, "aria-invalid": invalid || undefined,
                   "aria-label": label, required: field.required };
  const text = typeof value === "string" ? value : "";
  switch (field.type) {
    case "select":
      return (
        <select {...common} value={text} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
          {field.required ? null : <option value="">—</option>}
          {(field.options ?? []).map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
      );
    case "checkbox":
      return <input {...common} type="checkbox" checked={value === true}
                    onChange={(e) => onChange((e.target as HTMLInputElement).checked)} />;
    case "textarea":
      return <textarea {...common} rows={3} value={text} onInput={(e) => onChange((e.target as HTMLTextAreaElement).value)} />;
    case "file":
      return <input {...common} type="file" accept={field.accept}
                    onChange={(e) => onChange((e.target as HTMLInputElement).files?.[0] ?? null)} />;
    default: {
      const types: Record<string, "number" | "date" | "datetime-local"> = { number: "number", date: "date", datetime: "datetime-local" };
      const type = types[field.type ?? ""] ?? "text";
      const listId = field.suggestions?.length ? `${id}-list` : undefined;
      return (
        <>
          <input {...common} type={type} value={text} list={listId} autoComplete={field.autocomplete ?? "off"}
                 inputMode={field.type === "decimal" ? "decimal" : field.type === "number" ? "numeric" : undefined}
                 min={field.min} max={field.max} step={field.type === "datetime" ? 1 : undefined} onInput={(e) => onChange((e.target as HTMLInputElement).value)} />
          {listId ? <datalist id={listId}>{field.suggestions!.map((s) => <option key={s} value={s} />)}</datalist> : null}
        </>
      );
    }
  }
}

function LinesView(props: { form: string; field: FieldSpec; rows: Row[]; message: (name: string) => string | undefined;
                            onChange: (value: Row[]) => void }) {
  const { form, field, rows, message, onChange } = props;
  const columns = field.columns ?? [];
  const own = message(field.name);
  const setCell = (index: number, name: string, value: string | boolean) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, [name]: value } : row)));
  return (
    <fieldset class={`lines${own ? " invalid" : ""}`} id={fieldId(form, field.name)}>
      <legend>{t(field.label)}</legend>
      {own ? <p class="field-error">{own}</p> : null}
      {rows.map((row, index) => (
        <div class="line" key={index}>
          {columns.map((column) => {
            const name = `${field.name}.${index}.${column.name}`;
            const id = fieldId(form, name);
            const error = message(name);
            return (
              <div class={`field${error ? " invalid" : ""}`} key={column.name}>
                <label for={id}>{t(column.label)} {index + 1}</label>
                <Input id={id} field={{ ...column, name }} value={row[column.name] ?? ""} invalid={!!error}
                       described={error ? `${id}-error` : undefined}
                       onChange={(value) => setCell(index, column.name, value as string | boolean)} />
                {error ? <p class="field-error" id={`${id}-error`}>{error}</p> : null}
              </div>
            );
          })}
          <button type="button" class="link" onClick={() => onChange(rows.filter((_, i) => i !== index))}
                  aria-label={t("form.removeLine", { n: index + 1 })}>✕</button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...rows, blankRow(columns)])}>{t("form.addLine")}</button>
    </fieldset>
  );
}

// -- turning form values into request bodies --------------------------------------------------------------

export const str = (values: Values, name: string): string => {
  const value = values[name];
  return typeof value === "string" ? value.trim() : "";
};

/** An integer if the input holds one, else the text itself (the service then names the field). */
export const int = (value: unknown): number => {
  const text = String(value ?? "").trim();
  return /^-?\d+$/.test(text) ? Number(text) : (text as unknown as number);
};

export const optional = (text: string): string | undefined => (text === "" ? undefined : text);

export const bool = (values: Values, name: string): boolean => values[name] === true;

export const rows = (values: Values, name: string): Row[] =>
  ((values[name] as Row[]) ?? []).filter((row) => Object.values(row).some((v) => v !== "" && v !== false));

export const list = (text: string): string[] => text.split(/[\n,]+/).map((s) => s.trim()).filter(Boolean);
