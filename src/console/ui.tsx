import type { Child } from 'hono/jsx';

/** Field errors by field name, as the same zod schemas as the API report them. */
export type FieldErrors = Record<string, string>;

export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

export function ErrorSummary(props: { message?: string | undefined; errors?: FieldErrors | undefined }) {
  const count = Object.keys(props.errors ?? {}).length;
  if (!props.message && count === 0) return null;
  return (
    <div class="alert" role="alert" id="form-errors">
      <strong>{props.message ?? 'The form has problems; each is shown next to its field.'}</strong>
      {count > 0 && props.message ? <p>Each problem is shown next to its field.</p> : null}
    </div>
  );
}

interface FieldProps {
  name: string;
  label: string;
  errors?: FieldErrors | undefined;
  hint?: string | undefined;
}

function describedBy(name: string, hint: string | undefined, error: string | undefined): string | undefined {
  const ids = [hint ? `${name}-hint` : null, error ? `${name}-error` : null].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

function FieldShell(props: FieldProps & { children: Child }) {
  const error = props.errors?.[props.name];
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={props.name}>{props.label}</label>
      {props.hint ? <div class="hint" id={`${props.name}-hint`}>{props.hint}</div> : null}
      {error ? <p class="field-error" id={`${props.name}-error`}>{error}</p> : null}
      {props.children}
    </div>
  );
}

export function TextField(props: FieldProps & { value?: string | null | undefined; type?: string; required?: boolean; autocomplete?: string }) {
  const error = props.errors?.[props.name];
  return (
    <FieldShell {...props}>
      <input
        type={props.type ?? 'text'} id={props.name} name={props.name} value={props.value ?? ''} required={props.required}
        autocomplete={props.autocomplete} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(props.name, props.hint, error)}
      />
    </FieldShell>
  );
}

export function TextArea(props: FieldProps & { value?: string | null | undefined; required?: boolean }) {
  const error = props.errors?.[props.name];
  return (
    <FieldShell {...props}>
      <textarea id={props.name} name={props.name} required={props.required} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(props.name, props.hint, error)}>
        {props.value ?? ''}
      </textarea>
    </FieldShell>
  );
}

export function SelectField(props: FieldProps & { options: { value: string; label: string }[]; value?: string | null | undefined; blank?: string }) {
  const error = props.errors?.[props.name];
  return (
    <FieldShell {...props}>
      <select id={props.name} name={props.name} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(props.name, props.hint, error)}>
        {props.blank !== undefined ? <option value="">{props.blank}</option> : null}
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>{o.label}</option>
        ))}
      </select>
    </FieldShell>
  );
}

/** "Next page" keeps the search; the cursor comes from the service's page. */
export function Pager(props: { path: string; params: Record<string, string | undefined>; nextCursor: string | null; first: boolean; cursorName?: string }) {
  const query = (extra: Record<string, string>) => {
    const entries = Object.entries({ ...props.params, ...extra }).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
    return entries.length > 0 ? `${props.path}?${new URLSearchParams(entries).toString()}` : props.path;
  };
  if (props.first && !props.nextCursor) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {props.first ? null : <a href={query({})}>First page</a>}
      {props.nextCursor ? <a href={query({ [props.cursorName ?? 'cursor']: props.nextCursor })} rel="next">Next page</a> : null}
    </nav>
  );
}

export function Badge(props: { value: string }) {
  return <span class={`badge ${props.value}`}>{props.value.replaceAll('_', ' ')}</span>;
}
