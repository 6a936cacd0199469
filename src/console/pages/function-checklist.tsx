import type { FieldErrors } from '../ui.tsx';

/** The business functions to ask for, as checkboxes named `functionIds`, with their error above them. */
export function FunctionChecklist(props: { applicationName: string; functions: { id: string; code: string; name: string; riskLevel: string }[]; chosen: Set<string>; errors?: FieldErrors | undefined }) {
  const error = props.errors?.functionIds;
  return (
    <fieldset class={error ? 'has-error' : undefined} aria-describedby={error ? 'functionIds-error' : undefined}>
      <legend>Business functions to add in {props.applicationName}</legend>
      {error ? <p class="field-error" id="functionIds-error">{error}</p> : null}
      {props.functions.map((f) => (
        <div class="check">
          <input type="checkbox" id={`fn-${f.id}`} name="functionIds" value={f.id} checked={props.chosen.has(f.id)} />
          <label for={`fn-${f.id}`}>{f.code} <span class="hint">({f.riskLevel} risk) {f.name}</span></label>
        </div>
      ))}
    </fieldset>
  );
}
